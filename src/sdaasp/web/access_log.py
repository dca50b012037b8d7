"""One log line per request (``sdaasp.web``), whatever the WSGI server (``sdaasp serve``,
waitress-serve, gunicorn): méthode, chemin, statut, durée, taille, client, utilisateur.

It also makes the request's user the actor of what the request does (:mod:`sdaasp.actor`),
so that an import or a run started from the web is logged with its author.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from sdaasp.actor import acting_as

logger = logging.getLogger("sdaasp.web")


def web_user(request: HttpRequest) -> str:
    """``« alice (web) »``, ``« anonyme (web) »``, or ``-`` for a request answered before
    authentication (static files)."""
    user = getattr(request, "user", None)
    if user is None:
        return "-"
    return f"{user.get_username()} (web)" if user.is_authenticated else "anonyme (web)"


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        with acting_as(lambda: web_user(request)):
            response = self.get_response(request)
            who = web_user(request)
        logger.info("requête %s %s statut=%s durée=%.0f ms taille=%s client=%s utilisateur=%s",
                    request.method, request.get_full_path(), response.status_code,
                    1000 * (time.perf_counter() - start), response.get("Content-Length", "-"),
                    request.META.get("REMOTE_ADDR", "-"), who)
        return response
