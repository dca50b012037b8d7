"""Procedure pages: timeline, versions, and the coordinator's steps (thin views)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sdaasp.scheme.dates import FuzzyDate, format_range_fr
from sdaasp.scheme.errors import SchemeError
from sdaasp.scheme.procedure import forms as f
from sdaasp.scheme.procedure import services
from sdaasp.scheme.procedure.models import Consultation, Scheme
from sdaasp.scheme.procedure.perms import can_manage_procedure
from sdaasp.scheme.web import context, require, scheme_for


def overview(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    today = dt.date.today()
    timeline = [{"when": format_range_fr(m.date, m.precision, m.end, m.end_precision),
                 "iso": FuzzyDate(m.date, m.precision).iso(), "m": m}
                for m in scheme.milestones.all()]
    phases = [{"p": p, "when": format_range_fr(p.start, p.start_precision, p.end,
                                               p.end_precision)}
              for p in scheme.phases.all()]
    versions = []
    for v in scheme.versions.all():
        consultations = [{"c": c, "deadline": c.deadline(), "state": c.state_label(today),
                          "effective": c.effective_opinion(today)}
                         for c in v.consultations.select_related("organisation",
                                                                "version__scheme")]
        versions.append({"v": v, "consultations": consultations,
                         "tallies": v.tallies.all(), "approvals": v.approvals.all()})
    return render(request, "scheme/procedure.html", context(
        request, scheme, "procedure", timeline=timeline, phases=phases, versions=versions,
        term=scheme.term, today=today))


def version_detail(request: HttpRequest, departement: str, number: int) -> HttpResponse:
    scheme = scheme_for(request, departement)
    version = get_object_or_404(scheme.versions, number=number)
    return render(request, "scheme/version.html", context(
        request, scheme, "procedure", version=version, snapshot=version.snapshot))


def _step(request: HttpRequest, departement: str, form: forms.Form, title: str,
          apply: Callable[[Scheme, dict[str, Any]], Any], done: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    if request.method == "POST" and form.is_valid():
        try:
            apply(scheme, form.cleaned_data)
        except SchemeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(reverse("scheme:procedure", args=[departement]))
    return render(request, "scheme/form.html", context(
        request, scheme, "procedure", form=form, title=title,
        back=reverse("scheme:procedure", args=[departement])))


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@require(can_manage_procedure)
def transmit(request: HttpRequest, departement: str) -> HttpResponse:
    form = f.TransmissionForm(_data(request), departement=departement)

    def apply(scheme: Scheme, d: dict[str, Any]) -> None:
        services.do_transmit_draft(scheme.current_version, consultee_kind=d["consultee_kind"],
                                   organisation=d["organisation"], transmitted=d["transmitted"],
                                   received_on=d["received_on"], user=request.user)

    return _step(request, departement, form, "Transmettre le projet pour avis", apply,
                 "Transmission enregistrée : le délai de trois mois court.")


@require_http_methods(["GET", "POST"])
@require(can_manage_procedure)
def opinion(request: HttpRequest, departement: str, pk: int) -> HttpResponse:
    consultation = get_object_or_404(Consultation, pk=pk,
                                     version__scheme__departement=departement)
    form = f.OpinionForm(_data(request))

    def apply(scheme: Scheme, d: dict[str, Any]) -> None:
        services.do_record_opinion(consultation, opinion=d["opinion"],
                                   opinion_date=d["opinion_date"],
                                   deliberation_ref=d["deliberation_ref"], user=request.user)

    return _step(request, departement, form, f"Enregistrer l'avis : {consultation}", apply,
                 "Avis enregistré.")


@require_http_methods(["GET", "POST"])
@require(can_manage_procedure)
def approval(request: HttpRequest, departement: str) -> HttpResponse:
    form = f.ApprovalForm(_data(request))

    def apply(scheme: Scheme, d: dict[str, Any]) -> None:
        services.do_record_approval(scheme.current_version, decision=d["decision"],
                                    date=d["date"], deliberation_ref=d["deliberation_ref"],
                                    user=request.user)

    return _step(request, departement, form, "Délibération du conseil départemental", apply,
                 "Délibération enregistrée.")


@require_http_methods(["GET", "POST"])
@require(can_manage_procedure)
def arrete(request: HttpRequest, departement: str) -> HttpResponse:
    form = f.ArreteForm(_data(request))

    def apply(scheme: Scheme, d: dict[str, Any]) -> None:
        services.do_record_arrete(scheme.current_version, date=d["date"],
                                  reference=d["reference"], user=request.user)

    return _step(request, departement, form, "Arrêté préfectoral", apply,
                 "Arrêté enregistré : le schéma est en vigueur pour six ans.")


@require_http_methods(["GET", "POST"])
@require(can_manage_procedure)
def publish(request: HttpRequest, departement: str) -> HttpResponse:
    form = f.PublicationForm(_data(request))

    def apply(scheme: Scheme, d: dict[str, Any]) -> None:
        version = scheme.in_force_version
        if version is None:
            raise SchemeError("Aucune version arrêtée à publier.")
        services.do_publish_version(version, date=d["date"], medium=d["medium"],
                                    user=request.user)

    return _step(request, departement, form, "Publication", apply, "Publication enregistrée.")


@require_http_methods(["GET", "POST"])
@require(can_manage_procedure)
def new_version(request: HttpRequest, departement: str) -> HttpResponse:
    form = f.NewVersionForm(_data(request))

    def apply(scheme: Scheme, d: dict[str, Any]) -> None:
        services.do_create_version(scheme, kind=d["kind"], label=d["label"],
                                   reason=d["reason"], user=request.user)

    return _step(request, departement, form, "Nouvelle version du schéma", apply,
                 "Nouvelle version créée ; la précédente reste consultable.")


@require_http_methods(["GET", "POST"])
@require(can_manage_procedure)
def clock(request: HttpRequest, departement: str) -> HttpResponse:
    form = f.ClockForm(_data(request))

    def apply(scheme: Scheme, d: dict[str, Any]) -> None:
        services.do_set_clock_start(scheme, d["clock"], user=request.user)

    return _step(request, departement, form, "Départ du délai des avis", apply,
                 "Départ du délai enregistré.")


