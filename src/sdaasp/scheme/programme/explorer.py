"""Commune card section "actions" of the map explorer: the programme's fiches action that
target the commune, its EPCI or its SCoT, in the département's current scheme, shown only to
a visitor who may read that scheme (the public: a scheme made visible to it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from sdaasp.scheme.procedure.models import Scheme
from sdaasp.scheme.procedure.perms import can_view_scheme
from sdaasp.scheme.programme.models import Action


def current_scheme(departement: str) -> Scheme | None:
    """The département's current scheme, as the scheme pages pick it (latest period)."""
    return (Scheme.objects.filter(departement=departement)
            .order_by("-period_start_year").first())


def _why(action: Action, commune: Any) -> str:
    """Which of the commune's territories the action targets (commune first)."""
    if any(c.pk == commune.pk for c in action.target_communes.all()):
        return "la commune"
    if commune.epci_id and any(e.pk == commune.epci_id for e in action.target_epcis.all()):
        return "son EPCI"
    return "son territoire SCoT"


def action_rows(commune: Any, user: Any = None):
    """One row per action targeting the commune, its EPCI or its SCoT, linking to the
    action page; None when the visitor may not read the scheme or nothing targets it."""
    from sdaasp.web.explorer.cards import CardRow

    scheme = current_scheme(commune.departement_id)
    if scheme is None or not can_view_scheme(user, scheme):
        return None
    target = Q(target_communes=commune)
    epci = commune.epci
    if epci is not None:
        target |= Q(target_epcis=epci)
        if epci.scot_id:
            target |= Q(target_scots=epci.scot_id)
    ids = Action.objects.filter(scheme=scheme).filter(target).values("pk")
    actions = (Action.objects.filter(pk__in=ids).select_related("group__orientation")
               .prefetch_related("target_communes", "target_epcis"))
    return [CardRow(a.code, f"{a.title} ({a.get_status_display().lower()} ; "
                            f"cible {_why(a, commune)})",
                    url=reverse("scheme:action", args=[scheme.departement, a.code]),
                    example=a.is_example)
            for a in actions] or None


def register() -> None:
    try:
        from sdaasp.web.explorer.cards import register_card_provider
    except ImportError:  # the explorer app is not installed
        return
    register_card_provider("actions", action_rows, with_user=True)
