"""Annual reporting pages: the referent's form (own actions only), the coordinator's
dashboard and validation, the steering committee's summary."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sdaasp.scheme.errors import SchemeError
from sdaasp.scheme.organisations.perms import is_referent
from sdaasp.scheme.programme.models import Action, ActionStatus
from sdaasp.scheme.reporting import services
from sdaasp.scheme.reporting.forms import CampaignForm, ReportForm, ValidationForm
from sdaasp.scheme.reporting.models import Campaign, Report
from sdaasp.scheme.reporting.perms import (
    can_manage_campaigns,
    can_report,
    can_view_campaigns,
    can_view_dashboard,
)
from sdaasp.scheme.web import context, require, scheme_for


def _campaign(scheme, year: int) -> Campaign:
    return get_object_or_404(Campaign, scheme=scheme, year=year)


@require(can_view_campaigns)
def index(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    campaigns = scheme.campaigns.all()
    own = []
    if is_referent(request.user):
        org = request.user.scheme_person.organisation
        open_campaign = campaigns.filter(status="ouverte").first()
        for action in services.actions_of(org, scheme):
            report = (Report.objects.filter(campaign=open_campaign, action=action,
                                            organisation=org).first()
                      if open_campaign else None)
            own.append({"action": action, "report": report})
    return render(request, "scheme/reporting_index.html", context(
        request, scheme, "suivi", campaigns=campaigns, own=own,
        campaign_form=CampaignForm() if can_manage_campaigns(request.user) else None))


@require_POST
@require(can_manage_campaigns)
def open_campaign(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    form = CampaignForm(request.POST)
    if form.is_valid():
        try:
            c = services.do_open_campaign(scheme, form.cleaned_data["year"],
                                          opens_on=form.cleaned_data["opens_on"],
                                          closes_on=form.cleaned_data["closes_on"],
                                          user=request.user)
        except SchemeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Campagne {c.year} ouverte.")
            return redirect(reverse("scheme:campaign", args=[departement, c.year]))
    else:
        messages.error(request, "Campagne non ouverte : vérifiez l'année et les dates.")
    return redirect(reverse("scheme:reporting", args=[departement]))


@require(can_view_dashboard)
def dashboard(request: HttpRequest, departement: str, year: int) -> HttpResponse:
    scheme = scheme_for(request, departement)
    campaign = _campaign(scheme, year)
    progress = services.reporting_progress(campaign)
    return render(request, "scheme/reporting_dashboard.html", context(
        request, scheme, "suivi", campaign=campaign, progress=progress,
        missing=[p for p in progress if p.missing > 0],
        stale=services.stale_actions(scheme),
        reports=campaign.reports.select_related("action", "organisation", "author"),
        validation_form=ValidationForm()))


@require(can_view_dashboard)
def summary(request: HttpRequest, departement: str, year: int) -> HttpResponse:
    scheme = scheme_for(request, departement)
    campaign = _campaign(scheme, year)
    rows = services.committee_summary(scheme, campaign.year)
    return render(request, "scheme/reporting_summary.html", context(
        request, scheme, "suivi", campaign=campaign, rows=rows,
        statuses=list(ActionStatus), totals=_totals(rows)))


def _totals(rows) -> dict[str, int]:
    keys = ("actions", "late", "indicators_met", "indicators_not_met",
            "indicators_unavailable")
    return {k: sum(getattr(r, k) for r in rows) for k in keys} | {
        s.value: sum(r.by_status[s.value] for r in rows) for s in ActionStatus}


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, departement: str, year: int, code: str) -> HttpResponse:
    """The referent's yearly form; any other user gets 404 (the action is not theirs)."""
    scheme = scheme_for(request, departement)
    campaign = _campaign(scheme, year)
    action = get_object_or_404(Action, scheme=scheme, code=code)
    if not is_referent(request.user) or not can_report(request.user, campaign, action):
        if not request.user.is_authenticated:
            from sdaasp.scheme.web import deny

            return deny(request)
        raise Http404("Cette action n'est pas suivie par votre organisation.")
    org = request.user.scheme_person.organisation
    report = Report.objects.filter(campaign=campaign, action=action, organisation=org).first()
    initial = {"action_status": report.action_status if report else action.status,
               "note": report.note if report else ""}
    if report:
        initial |= {f"result_{r.indicator_id}": r.value for r in report.results.all()}
    form = ReportForm(request.POST or None, action=action, year=campaign.year, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_submit_report(campaign, action, org,
                                      action_status=form.cleaned_data["action_status"],
                                      note=form.cleaned_data["note"], results=form.results(),
                                      user=request.user)
        except SchemeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Bilan {campaign.year} de l'action {action.code} "
                                      "transmis.")
            return redirect(reverse("scheme:reporting", args=[departement]))
    return render(request, "scheme/reporting_form.html", context(
        request, scheme, "suivi", campaign=campaign, action=action, form=form,
        report=report, organisation=org, today=dt.date.today()))


@require_POST
@require(can_manage_campaigns)
def validate(request: HttpRequest, departement: str, year: int, pk: int) -> HttpResponse:
    scheme = scheme_for(request, departement)
    campaign = _campaign(scheme, year)
    report = get_object_or_404(Report, campaign=campaign, pk=pk)
    form = ValidationForm(request.POST)
    if form.is_valid():
        try:
            services.do_validate_report(report, accepted=form.cleaned_data["accepted"],
                                        comment=form.cleaned_data["comment"], user=request.user)
        except SchemeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Bilan traité.")
    return redirect(reverse("scheme:campaign", args=[departement, year]))


@require_POST
@require(can_manage_campaigns)
def close(request: HttpRequest, departement: str, year: int) -> HttpResponse:
    scheme = scheme_for(request, departement)
    services.do_close_campaign(_campaign(scheme, year), user=request.user)
    messages.success(request, f"Campagne {year} close.")
    return redirect(reverse("scheme:campaign", args=[departement, year]))
