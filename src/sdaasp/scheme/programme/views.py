"""Programme pages (orientations → groups → actions), the coordinator's and referents'
write views, the change log, and a small JSON API."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sdaasp.scheme.errors import SchemeError
from sdaasp.scheme.exchange.export import scheme_to_dict
from sdaasp.scheme.history.models import ChangeLog
from sdaasp.scheme.organisations.perms import can_read_all_internal, organisation_id_of
from sdaasp.scheme.programme import forms as f
from sdaasp.scheme.programme import services
from sdaasp.scheme.programme.models import Action, ActionStatus, WorkingGroup
from sdaasp.scheme.programme.perms import (
    can_edit_programme,
    can_update_action,
    can_view_action_internal,
    can_view_history,
)
from sdaasp.scheme.web import context, deny, require, scheme_for

ROLE_ORDER = ["pilote", "copilote", "partenaire"]


def programme(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    orientations = scheme.programme_orientations.prefetch_related(
        "groups__participants", "groups__actions")
    return render(request, "scheme/programme.html", context(
        request, scheme, "programme", orientations=orientations, today=_today(),
        n_groups=WorkingGroup.objects.filter(orientation__scheme=scheme).count(),
        n_actions=scheme.actions.count()))


def _today():
    import datetime as dt

    return dt.date.today()


def group_detail(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    group = get_object_or_404(WorkingGroup, orientation__scheme=scheme, code=code)
    actions = group.actions.prefetch_related("actors__organisation")
    return render(request, "scheme/group.html", context(
        request, scheme, "programme", group=group, actions=actions, today=_today()))


def _action(scheme, code: str) -> Action:
    return get_object_or_404(Action.objects.select_related("group__orientation"),
                             scheme=scheme, code=code)


def action_detail(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    internal = can_view_action_internal(request.user, action)
    indicators = [{"i": i, "values": [{"v": v, "met": v.target_met()}
                                      for v in i.values.all()]}
                  for i in action.indicators.all()]
    return render(request, "scheme/action.html", context(
        request, scheme, "programme", action=action, show_internal=internal,
        can_update=can_update_action(request.user, action), indicators=indicators,
        actors=sorted(action.actors.select_related("organisation"),
                      key=lambda x: (ROLE_ORDER.index(x.role), x.organisation.name)),
        note_form=f.NoteForm(),
        status_form=f.StatusForm(initial={"status": action.status}),
        history=ChangeLog.objects.filter(object_type="scheme_programme.action",
                                         object_id=str(action.pk))[:50]
        if internal else [], late=action.is_late()))


def _form_page(request, scheme, form, title, back) -> HttpResponse:
    return render(request, "scheme/form.html", context(
        request, scheme, "programme", form=form, title=title, back=back))


def _save_action(request, scheme, group, form, action=None) -> HttpResponse | None:
    if not (request.method == "POST" and form.is_valid()):
        return None
    from sdaasp.diagnostic.territory.models import Commune

    d = form.cleaned_data
    if action is None and Action.objects.filter(scheme=scheme, code=d["code"]).exists():
        form.add_error("code", "Ce code est déjà pris dans le schéma.")
        return None
    actors = ([(o, "pilote") for o in d["pilots"]] + [(o, "copilote") for o in d["copilots"]]
              + [(o, "partenaire") for o in d["partners"]])
    try:
        saved = services.do_save_action(
            group, code=d["code"] if action is None else action.code, user=request.user,
            actors=actors, target_communes=list(Commune.objects.filter(
                code__in=d["target_communes"])),
            target_epcis=list(d["target_epcis"]), target_scots=list(d["target_scots"]),
            **{k: d[k] for k in ("title", "description", "quantitative_objectives",
                                 "qualitative_objectives", "target_zones", "start_date",
                                 "end_date", "status", "is_example")})
    except SchemeError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, "Fiche action enregistrée.")
    return redirect(reverse("scheme:action", args=[scheme.departement, saved.code]))


@require_http_methods(["GET", "POST"])
@require(can_edit_programme)
def action_create(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    group = get_object_or_404(WorkingGroup, orientation__scheme=scheme, code=code)
    form = f.ActionForm(request.POST or None, departement=departement)
    return _save_action(request, scheme, group, form) or _form_page(
        request, scheme, form, f"Nouvelle fiche action — {group.title}",
        reverse("scheme:group", args=[departement, code]))


@require_http_methods(["GET", "POST"])
@require(can_edit_programme)
def action_edit(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    actors = list(action.actors.all())
    initial = {k: getattr(action, k) for k in (
        "code", "title", "is_example", "description", "quantitative_objectives",
        "qualitative_objectives", "start_date", "end_date", "status", "target_zones")}
    initial |= {"pilots": [a.organisation_id for a in actors if a.role == "pilote"],
                "copilots": [a.organisation_id for a in actors if a.role == "copilote"],
                "partners": [a.organisation_id for a in actors if a.role == "partenaire"],
                "target_communes": ", ".join(c.code for c in action.target_communes.all()),
                "target_epcis": [e.pk for e in action.target_epcis.all()],
                "target_scots": [s.pk for s in action.target_scots.all()]}
    form = f.ActionForm(request.POST or None, initial=initial, departement=departement)
    form.fields["code"].disabled = True
    return _save_action(request, scheme, action.group, form, action) or _form_page(
        request, scheme, form, f"Modifier la fiche action {action.code}",
        reverse("scheme:action", args=[departement, code]))


@require_POST
def action_note(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    if not can_update_action(request.user, action):
        return deny(request)
    form = f.NoteForm(request.POST)
    if form.is_valid():
        org = request.user.scheme_person.organisation if organisation_id_of(
            request.user) else None
        services.do_add_note(action, form.cleaned_data["text"], user=request.user,
                             organisation=org)
        messages.success(request, "Note de suivi ajoutée.")
    else:
        messages.error(request, "La note de suivi est vide.")
    return redirect(reverse("scheme:action", args=[departement, code]))


@require_POST
def action_status(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    if not can_update_action(request.user, action):
        return deny(request)
    form = f.StatusForm(request.POST)
    if form.is_valid():
        services.do_update_action_status(action, form.cleaned_data["status"],
                                         user=request.user)
        messages.success(request, "État mis à jour.")
    return redirect(reverse("scheme:action", args=[departement, code]))


@require_http_methods(["GET", "POST"])
@require(can_edit_programme)
def indicator_add(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    form = f.IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        services.do_save_indicator(action, code=d.pop("code"), name=d.pop("name"),
                                   unit=d.pop("unit"), user=request.user, **d)
        messages.success(request, "Indicateur enregistré.")
        return redirect(reverse("scheme:action", args=[departement, code]))
    return _form_page(request, scheme, form, f"Indicateur de la fiche {action.code}",
                      reverse("scheme:action", args=[departement, code]))


@require_http_methods(["GET", "POST"])
@require(can_edit_programme)
def indicator_value(request: HttpRequest, departement: str, code: str,
                    icode: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    indicator = get_object_or_404(action.indicators, code=icode)
    form = f.IndicatorValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.do_set_indicator_value(indicator, d["year"], target=d["target"],
                                        result=d["result"], user=request.user,
                                        result_source="saisie du coordinateur"
                                        if d["result"] is not None else None)
        messages.success(request, "Valeur enregistrée.")
        return redirect(reverse("scheme:action", args=[departement, code]))
    return _form_page(request, scheme, form, f"Cible et résultat : {indicator.name}",
                      reverse("scheme:action", args=[departement, code]))


@require_http_methods(["GET", "POST"])
@require(can_edit_programme)
def budget_add(request: HttpRequest, departement: str, code: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    form = f.BudgetLineForm(request.POST or None, departement=departement)
    if request.method == "POST" and form.is_valid():
        services.do_add_budget_line(action, user=request.user, **form.cleaned_data)
        messages.success(request, "Ligne budgétaire ajoutée.")
        return redirect(reverse("scheme:action", args=[departement, code]))
    return _form_page(request, scheme, form, f"Budget de la fiche {action.code}",
                      reverse("scheme:action", args=[departement, code]))


@require(can_view_history)
def history(request: HttpRequest, departement: str) -> HttpResponse:
    scheme = scheme_for(request, departement)
    entries = ChangeLog.objects.filter(departement=departement)[:300]
    return render(request, "scheme/history.html", context(
        request, scheme, "historique", entries=entries))


# --- JSON API ------------------------------------------------------------------------------

@require_GET
def api_scheme(request: HttpRequest, departement: str) -> JsonResponse:
    """The scheme as JSON; follow-up notes and budget only for the coordinator and readers."""
    scheme = scheme_for(request, departement)
    return JsonResponse(scheme_to_dict(scheme, internal=can_read_all_internal(request.user)),
                        json_dumps_params={"ensure_ascii": False})


@require_POST
def api_action_status(request: HttpRequest, departement: str, code: str) -> JsonResponse:
    """``POST {"status": "en_cours"}`` (session and CSRF token as for the pages)."""
    scheme = scheme_for(request, departement)
    action = _action(scheme, code)
    if not request.user.is_authenticated:
        return JsonResponse({"erreur": "Connexion requise."}, status=401)
    if not can_update_action(request.user, action):
        raise PermissionDenied("Action d'une autre organisation.")
    try:
        status = json.loads(request.body or b"{}").get("status")
    except (json.JSONDecodeError, AttributeError):
        return JsonResponse({"erreur": "Corps JSON illisible."}, status=400)
    if status not in ActionStatus.values:
        return JsonResponse({"erreur": f"État inconnu : {status!r}.",
                             "attendu": ActionStatus.values}, status=400)
    services.do_update_action_status(action, status, user=request.user)
    return JsonResponse({"code": action.code, "status": action.status,
                         "late": action.is_late()})
