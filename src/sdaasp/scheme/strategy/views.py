"""Strategy page: findings, strategic orientations with sub-objectives, levers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sdaasp.scheme.web import context, scheme_for


def strategy(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    return render(request, "scheme/strategy.html", context(
        request, scheme, "strategie", findings=scheme.findings.all(),
        orientations=scheme.strategic_orientations.prefetch_related("sub_objectives"),
        levers=scheme.levers.all()))
