"""What is logged, with who and what: imports, runs, permission refusals, requests."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from sdaasp.actor import acting_as, current_actor, system_user
from sdaasp.cli import main

pytestmark = pytest.mark.django_db
FIX = Path(__file__).resolve().parent / "fixtures"
MEL_CSV = FIX / "needs" / "IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019-extrait.csv"


def _lines(caplog, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


def test_needs_import_is_logged_with_who_and_what(caplog, nord_db):
    from sdaasp.diagnostic.zones.services import import_needs_file

    caplog.set_level(logging.INFO)
    with acting_as("alice (web)"):
        src = import_needs_file(MEL_CSV, "mel-iris-2019", departement="59")
    assert _lines(caplog, "sdaasp.needs") == [
        f"import des besoins : fichier={MEL_CSV.name} source=mel-iris-2019 département=59 "
        f"zones_retenues={src.rows} par=alice (web)"]
    assert src.rows == src.values.count() > 0


def test_offer_import_is_logged_with_the_system_user(nord_db, caplog):
    from sdaasp.diagnostic.offer.models import ServicePoint
    from sdaasp.diagnostic.offer.services import import_services

    caplog.set_level(logging.INFO)
    batch, result = import_services(FIX / "offer" / "france_services.geojson",
                                    source="france-services", departement="59")
    kept = ServicePoint.objects.filter(batch=batch).count()
    assert _lines(caplog, "sdaasp.offer") == [
        f"import de l'offre : fichier=france_services.geojson source=france-services "
        f"département=59 lignes_lues={result.rows_read} points_retenus={kept} "
        f"hors_departement={batch.border_points} points_exclus={len(result.excluded)} "
        f"lot={batch.pk} par={system_user()}"]


def test_diagnose_run_is_logged_with_its_number_parameters_and_duration(nord_db, tmp_path,
                                                                        caplog):
    from sdaasp.diagnostic.runs.models import DiagnosticRun

    caplog.set_level(logging.INFO)
    assert main(["diagnose", "59", "--types", "MAIRIE", "--output-dir", str(tmp_path)]) == 0
    run = DiagnosticRun.objects.latest("id")
    [saved] = _lines(caplog, "sdaasp.diagnostic")
    assert saved.startswith(f"diagnostic enregistré : n° {run.pk} département=59 "
                            "déplacement=crowfly origines=commune types=MAIRIE paramètres=")
    assert "'thresholds': [10, 20, 30]" in saved and saved.endswith(f"par={system_user()}")
    start, end = _lines(caplog, "sdaasp.cli")
    command = f"sdaasp diagnose 59 --types MAIRIE --output-dir {tmp_path}"
    assert start == f"commande : {command} par={system_user()}"
    assert re.fullmatch(rf"commande terminée : {re.escape(command)} code=0 durée=[\d.]+ s "
                        rf"par={re.escape(system_user())} résultat=diagnostic n° {run.pk}", end)


def test_zones_run_is_logged(nord_db, nord, caplog):
    from sdaasp.diagnostic.zones.pipeline import compute_zones

    caplog.set_level(logging.INFO)
    with acting_as("bob (web)"):
        out = compute_zones("59", territory=nord)
    [line] = _lines(caplog, "sdaasp.zones")
    assert re.fullmatch(rf"calcul de zones : n° {out.run.pk} département=59 "
                        rf"paramètres={re.escape(out.result.params.label)} déplacement=crowfly "
                        r"durée=[\d.]+ s par=bob \(web\)", line)


def test_refused_command_is_logged(caplog, capsys):
    caplog.set_level(logging.INFO)
    assert main(["needs", "import", "/nulle/part.csv", "--source", "filosofi"]) == 2
    message = capsys.readouterr().err.removeprefix("Erreur : ").strip()
    assert _lines(caplog, "sdaasp.cli")[-1] == (
        f"commande refusée : sdaasp needs import /nulle/part.csv --source filosofi "
        f"motif={message}")


def test_permission_refusals_are_logged_with_user_path_and_reason(client, django_user_model,
                                                                  caplog):
    caplog.set_level(logging.INFO)
    url = reverse("scheme:reporting", args=["59"])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    user = django_user_model.objects.create_user("sans-role", password="x")
    client.force_login(user)
    assert client.get(url).status_code == 403
    anonymous, signed_in = [r for r in caplog.records if r.name == "sdaasp.scheme"]
    assert anonymous.levelno == logging.INFO and signed_in.levelno == logging.WARNING
    assert anonymous.getMessage() == (
        f"accès refusé : utilisateur=anonyme chemin={url} méthode=GET vue=scheme:reporting "
        "motif=can_view_campaigns refusé réponse=page de connexion")
    assert signed_in.getMessage() == (
        f"accès refusé : utilisateur=sans-role chemin={url} méthode=GET vue=scheme:reporting "
        "motif=can_view_campaigns refusé réponse=403")


def test_requests_are_logged_with_the_user(client, django_user_model, caplog):
    caplog.set_level(logging.INFO)
    client.force_login(django_user_model.objects.create_user("carole", password="x"))
    assert client.get("/accessibilite/").status_code == 200
    [line] = _lines(caplog, "sdaasp.web")
    assert re.fullmatch(r"requête GET /accessibilite/ statut=200 durée=\d+ ms taille=\d+ "
                        r"client=127\.0\.0\.1 utilisateur=carole \(web\)", line)


def test_the_request_user_is_the_actor_of_what_the_request_does(django_user_model):
    from sdaasp.web.access_log import AccessLogMiddleware

    request = RequestFactory().get("/")
    request.user = django_user_model.objects.create_user("dora", password="x")
    middleware = AccessLogMiddleware(lambda r: HttpResponse(current_actor()))
    assert middleware(request).content.decode() == "dora (web)"
    assert current_actor() == system_user()  # outside the request: the process's account
