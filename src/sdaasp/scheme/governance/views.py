"""Governance page (bodies, meetings, decisions, framework convention) and its write views."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sdaasp.scheme.convention.perms import can_manage_convention
from sdaasp.scheme.convention.services import do_add_signatory, do_set_convention
from sdaasp.scheme.governance.forms import MeetingForm, SignatoryForm
from sdaasp.scheme.governance.perms import can_manage_governance
from sdaasp.scheme.governance.services import do_record_meeting
from sdaasp.scheme.web import context, require, scheme_for


def governance(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    bodies = scheme.bodies.prefetch_related("members", "meetings__decisions",
                                            "meetings__attendees")
    return render(request, "scheme/governance.html", context(
        request, scheme, "gouvernance", bodies=bodies,
        convention=getattr(scheme, "convention", None)))


@require_http_methods(["GET", "POST"])
@require(can_manage_governance)
def add_meeting(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    form = MeetingForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        do_record_meeting(d["body"], date=d["date"], title=d["title"],
                          decisions=d["decisions"], attendees=d["attendees"], user=request.user)
        messages.success(request, "Réunion enregistrée.")
        return redirect(reverse("scheme:governance", args=[departement]))
    return render(request, "scheme/form.html", context(
        request, scheme, "gouvernance", form=form, title="Enregistrer une réunion",
        back=reverse("scheme:governance", args=[departement])))


@require_http_methods(["GET", "POST"])
@require(can_manage_convention)
def add_signatory(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    form = SignatoryForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        convention = getattr(scheme, "convention", None) or do_set_convention(
            scheme, title="Convention cadre", signed_on=None, user=request.user)
        do_add_signatory(convention, d["organisation"], signed_on=d["signed_on"],
                         specific=d["specific"], user=request.user)
        messages.success(request, "Signataire enregistré.")
        return redirect(reverse("scheme:governance", args=[departement]))
    return render(request, "scheme/form.html", context(
        request, scheme, "gouvernance", form=form, title="Ajouter un signataire",
        back=reverse("scheme:governance", args=[departement])))
