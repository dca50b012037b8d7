"""Shared plumbing of the scheme's views: deny by default, French pages.

A view states its check with :func:`require`; an anonymous visitor who fails it is sent to
the login page, a signed-in one gets 403. Objects a user may not know of give 404.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sdaasp.scheme.dates import FuzzyDate
from sdaasp.scheme.organisations.perms import (
    can_read_all_internal,
    can_read_internal,
    is_coordinator,
    role_of,
)
from sdaasp.scheme.procedure.models import Scheme
from sdaasp.scheme.procedure.perms import can_view_scheme

LOGIN_URL = "/connexion/"

logger = logging.getLogger("sdaasp.scheme")


def deny(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refuse (and log who, where, why): login page for an anonymous visitor, else 403."""
    user = request.user
    match = request.resolver_match
    # A signed-in user refused is worth a warning; a visitor sent to the login page is routine.
    logger.log(logging.WARNING if user.is_authenticated else logging.INFO,
               "accès refusé : utilisateur=%s chemin=%s méthode=%s vue=%s motif=%s réponse=%s",
               user.get_username() if user.is_authenticated else "anonyme",
               request.get_full_path(), request.method, match.view_name if match else "-",
               reason or "droit de la vue non accordé",
               "403" if user.is_authenticated else "page de connexion")
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    raise PermissionDenied("Vous n'avez pas le droit de faire cela.")


def require(check: Callable[[Any], bool]) -> Callable:
    """Decorator: run the view only if ``check(user)`` says yes."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                return deny(request, f"{getattr(check, '__name__', check)} refusé")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def scheme_for(request: HttpRequest, departement: str) -> Scheme:
    """The département's current scheme, if this user may read it (404 otherwise)."""
    scheme = (Scheme.objects.filter(departement=departement)
              .order_by("-period_start_year").first())
    if scheme is None or not can_view_scheme(request.user, scheme):
        raise Http404("Aucun schéma publié pour ce département.")
    return scheme


def context(request: HttpRequest, scheme: Scheme, tab: str, **extra: Any) -> dict[str, Any]:
    return {"scheme": scheme, "tab": tab, "role": role_of(request.user),
            "is_coordinator": is_coordinator(request.user),
            "internal": can_read_internal(request.user),
            "all_internal": can_read_all_internal(request.user), **extra}


def default_departement(request: HttpRequest, *, to: str = "scheme:procedure") -> HttpResponse:
    return redirect(reverse(to, args=[settings.SDAASP_DEFAULT_DEPARTEMENT]))


class FuzzyDateField(forms.CharField):
    """A date known to the day (AAAA-MM-JJ), the month (AAAA-MM) or the year (AAAA)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "AAAA-MM-JJ, ou AAAA-MM si seul le mois est connu")
        super().__init__(max_length=10, **kwargs)

    def clean(self, value: Any) -> FuzzyDate | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return FuzzyDate.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid_date") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
