"""The settings modules: no side effect at import, the dev secret key, production's refusals
and security settings (Django's deployment check), the Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_environ, run_cli

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DJANGO_SETTINGS_MODULE": "sdaasp.web.settings.production",
              "SDAASP_SECRET_KEY": "k" * 20 + "-Zq8v3LmT0pWc7RbN2xYs5HdJ4uFgEaK9oI1",
              "SDAASP_ALLOWED_HOSTS": "sdaasp.example.fr",
              "SDAASP_PROXY_SSL_HEADER": "X-Forwarded-Proto"}


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = cli_environ(data_dir)
    for name in list(env):
        if name.startswith("SDAASP_") and name != "SDAASP_DATA_DIR":
            del env[name]
    env.update(extra)
    return env


def test_importing_the_settings_writes_nothing(tmp_path):
    data_dir = tmp_path / "absent"
    code = ("import sdaasp.web.settings, sdaasp.web.settings.dev, sdaasp.web.settings.test, "
            "sdaasp.web.settings.production as p; print(p.DATA_DIR)")
    res = _python(code, _env(data_dir, **{k: v for k, v in PRODUCTION.items()
                                          if k != "DJANGO_SETTINGS_MODULE"}))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == str(data_dir)
    assert not data_dir.exists()


def test_dev_secret_key_comes_from_the_data_dir_created_by_the_set_up(tmp_path, monkeypatch):
    from sdaasp import datadir

    code = ("import json; from sdaasp.web.settings import dev; "
            "print(json.dumps([dev.SECRET_KEY, dev.DEBUG]))")
    before = json.loads(_python(code, _env(tmp_path)).stdout)
    assert before == ["", False]  # no key file yet: Django would refuse to sign anything
    monkeypatch.delenv("SDAASP_SECRET_KEY", raising=False)
    assert datadir.prepare(tmp_path) == tmp_path
    assert (tmp_path / "logs").is_dir() and (tmp_path / "static").is_dir()
    key_file = tmp_path / "secret_key.txt"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text()) >= 50
    key = key_file.read_text()
    datadir.prepare(tmp_path)
    assert key_file.read_text() == key  # a second start keeps the key (and the sessions)
    monkeypatch.setenv("SDAASP_SECRET_KEY", "y" * 60)
    datadir.prepare(tmp_path / "autre")
    assert not (tmp_path / "autre" / "secret_key.txt").exists()
    after = json.loads(_python(code, _env(tmp_path, SDAASP_DEBUG="1")).stdout)
    assert after == [key_file.read_text(), True]
    given = json.loads(_python(code, _env(tmp_path, SDAASP_SECRET_KEY="x" * 60)).stdout)
    assert given[0] == "x" * 60  # the environment wins over the file


@pytest.mark.parametrize(("missing", "named"), [("SDAASP_SECRET_KEY", "clé secrète"),
                                                ("SDAASP_ALLOWED_HOSTS", "noms d'hôte")])
def test_production_refuses_to_start_without_its_settings(tmp_path, missing, named):
    env = _env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != missing})
    res = run_cli("migrate", env=env)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    message = res.stderr.strip()
    assert "\n" not in message
    assert message.startswith(
        "Erreur : Configuration invalide : Réglage de production manquant : la variable "
        f"d'environnement {missing} ({named}")
    assert message.endswith("doit être définie ; voir docs/deploiement.md.")
    assert not (tmp_path / "sdaasp.sqlite3").exists()


def test_production_passes_the_deployment_check(tmp_path):
    """``check --deploy`` gives no warning in production; a weakened setting gives one (the
    check is not blind)."""
    check = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    env = _env(tmp_path, **PRODUCTION, SDAASP_DEBUG="1")
    res = subprocess.run(check, capture_output=True, text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "System check identified no issues" in res.stdout
    weak = subprocess.run(check, capture_output=True, text=True, timeout=120,
                          env={**env, "SDAASP_SSL_REDIRECT": "0"})
    assert weak.returncode != 0 and "security.W008" in weak.stdout + weak.stderr

    code = ("import json; from sdaasp.web.settings import production as p; print(json.dumps("
            "[p.DEBUG, p.SESSION_COOKIE_SECURE, p.CSRF_COOKIE_SECURE, p.SECURE_SSL_REDIRECT, "
            "p.SECURE_HSTS_SECONDS, p.SECURE_HSTS_INCLUDE_SUBDOMAINS, p.SECURE_PROXY_SSL_HEADER, "
            "p.ALLOWED_HOSTS, p.CSRF_TRUSTED_ORIGINS]))")
    values = json.loads(_python(code, {**env, "SDAASP_CSRF_TRUSTED_ORIGINS":
                                       "https://sdaasp.example.fr"}).stdout)
    assert values == [False, True, True, True, 365 * 24 * 3600, True,
                      ["HTTP_X_FORWARDED_PROTO", "https"], ["sdaasp.example.fr"],
                      ["https://sdaasp.example.fr"]]


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client):
    response = client.get("/")
    policy = dict(d.strip().split(" ", 1) for d in
                  response["Content-Security-Policy"].split(";") if d.strip())
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    # the only inline script allowed is the explorer's onsubmit attribute, by its hash
    template = ROOT / "src/sdaasp/web/explorer/templates/explorer/map.html"
    handlers = re.findall(r'\son\w+="([^"]*)"', template.read_text(encoding="utf-8"))
    digest = base64.b64encode(hashlib.sha256(handlers[0].encode()).digest()).decode()
    assert handlers == ["return false"]
    assert policy["script-src"] == f"'self' 'unsafe-hashes' 'sha256-{digest}'"
    assert response["X-Frame-Options"] == "DENY"


def test_tile_server_is_allowed_for_images():
    from sdaasp.web.settings.base import tile_origin

    assert tile_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == \
        "https://*.tile.openstreetmap.org"
    assert tile_origin("https://tuiles.example.fr:8443/{z}/{x}/{y}.png") == \
        "https://tuiles.example.fr:8443"
    assert tile_origin("") is None and tile_origin("/tuiles/{z}/{x}/{y}.png") is None


def test_log_file_only_where_asked():
    from django.conf import settings

    from sdaasp.logs import logging_config
    from sdaasp.web.settings.base import env_flag

    config = logging_config(Path("/srv/sdaasp/logs/sdaasp.log"))
    assert config["handlers"]["file"]["filename"] == "/srv/sdaasp/logs/sdaasp.log"
    assert config["handlers"]["file"]["delay"] is True  # nothing opened when configured
    assert set(config["root"]["handlers"]) == {"console", "file"}
    # tests: no log file unless asked for with SDAASP_LOG_FILE=1
    assert ("file" in settings.LOGGING["handlers"]) is env_flag("SDAASP_LOG_FILE")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str]):
    import http.client
    import time

    for _ in range(120):  # the server is starting
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path, headers=headers)
            res = conn.getresponse()
            res.read()
            return res
        except OSError:
            time.sleep(0.5)
        finally:
            conn.close()
    raise AssertionError("le serveur ne répond pas")


def test_production_behind_an_https_proxy(cli_env):
    """The deployment guide's set-up: ``sdaasp serve --trusted-proxy`` with the production
    settings, a proxy that says the request came in HTTPS and from whom."""
    port = _free_port()
    env = {**cli_env, **PRODUCTION, "SDAASP_ALLOWED_HOSTS": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, "-m", "sdaasp.cli", "serve", "--port", str(port),
                             "--trusted-proxy", "127.0.0.1"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        plain = _get(port, "/", {})
        proxied = _get(port, "/connexion/", {"X-Forwarded-Proto": "https",
                                             "X-Forwarded-For": "203.0.113.7"})
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert plain.status == 301 and plain.getheader("Location") == f"https://127.0.0.1:{port}/"
    assert proxied.status == 200
    assert proxied.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in proxied.getheader("Content-Security-Policy")
    cookie = proxied.getheader("Set-Cookie")
    assert cookie.startswith("csrftoken=") and "Secure" in cookie
    assert "Traceback" not in err
    log = Path(cli_env["SDAASP_DATA_DIR"], "logs", "sdaasp.log").read_text(encoding="utf-8")
    assert re.search(r"requête GET /connexion/ statut=200 .* client=203\.0\.113\.7 ", log)
