"""``sdaasp services`` and ``sdaasp download`` as a user runs them (subprocesses)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import subprocess
import sys
import threading
import zipfile

import pytest

from tests.conftest import cli_environ


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sdaasp.cli", *args], capture_output=True,
                          text=True, timeout=300, env=env)


def _env(tmp_path) -> dict[str, str]:
    return cli_environ(tmp_path)


def test_import_list_and_refusal(tmp_path, fixtures, cli_env):
    """Whole flow on a fresh SQLite database; Corse-du-Sud (124 communes) keeps it quick."""
    env = cli_env
    env["SDAASP_DEPARTEMENT"] = "2A"
    partners = tmp_path / "partenaires_2a.csv"
    partners.write_text(
        "identifiant;nom;type;commune;lon;lat;horaires\n"
        "a;Conseiller numérique d'Ajaccio;CONSEILLER_NUM;2A004;8.7386;41.9192;lu-ve 09:00-12:00\n"
        "b;Permanence CAF;PERMANENCE;2A004;;;\n"
        "c;Hors territoire;PERMANENCE;59350;3.07;50.63;\n"
        "d;Au large;CONSEILLER_NUM;;-12.0;46.0;\n", encoding="utf-8")
    early = run("services", "import", str(partners), "--source", "csv", env=env)
    assert early.returncode == 2 and "Traceback" not in early.stderr
    assert "sdaasp territory build 2A" in early.stderr  # no territory yet: nothing to import into
    assert run("territory", "build", "2A", env=env).returncode == 0
    ok = run("services", "import", str(partners), "--source", "csv", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "2 point(s) retenu(s)" in ok.stdout and "Au large" in ok.stdout
    assert "1 ligne(s) d'autres départements" in ok.stdout
    bad = run("services", "import", str(fixtures / "bpe_detail_bad.csv"), "--source", "bpe",
              env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "Fichier refusé" in bad.stderr and "ligne 8" in bad.stderr and "X999" in bad.stderr
    strict = run("services", "import", str(partners), "--source", "csv", "--strict", env=env)
    assert strict.returncode == 2 and "--strict" in strict.stderr and "Au large" in strict.stderr
    listed = run("services", "list", "--type", "CONSEILLER_NUM", "--type", "PERMANENCE",
                 env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert lines[0].startswith("identifiant;type;nom") and len(lines) == 1 + 2
    assert "csv:partenaires-2a:b;PERMANENCE;Permanence CAF;2A004" in listed.stdout
    assert ";oui;csv" in listed.stdout  # commune-only row: approximate position
    one = run("services", "list", "--type", "MAIRIE", "--commune", "2A004", env=env)
    assert one.stdout.count("\n") == 2 and "Mairie d" in one.stdout


def test_baskets_command(tmp_path, cli_env):
    env = cli_env
    good = tmp_path / "paniers.toml"
    good.write_text('[[panier]]\ncode = "poste"\nnom = "La Poste"\ntypes = ["A206", "A207"]\n',
                    encoding="utf-8")
    res = run("services", "baskets", str(good), env=env)
    assert res.returncode == 0, res.stderr
    assert "poste — La Poste : A206, A207" in res.stdout
    assert "france_services — Réseau France Services et MSAP (fourni)" in res.stdout
    bad = tmp_path / "faux.toml"
    bad.write_text('[[panier]]\ncode = "Z Z"\nnom = "x"\ntypes = ["Q123"]\n', encoding="utf-8")
    res = run("services", "baskets", str(bad), env=env)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "faux.toml" in res.stderr and "Q123" in res.stderr and "identifiant court" in res.stderr


@pytest.fixture()
def http_server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving a small BPE file in the official format."""
    root = tmp_path / "www"
    root.mkdir()
    from tests.offer.conftest import FIXTURES

    with zipfile.ZipFile(root / "bpe21_ensemble_xy_csv.zip", "w") as zf:
        zf.writestr("bpe21_ensemble_xy.csv",
                    (FIXTURES / "bpe_detail.csv").read_text(encoding="utf-8").encode("cp1252"))
    (root / "france_services.geojson").write_bytes(
        (FIXTURES / "france_services.geojson").read_bytes())
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


def test_download_cache_checksum_progress(tmp_path, http_server):
    base, root = http_server
    env = _env(tmp_path / "data")
    url = f"{base}/bpe21_ensemble_xy_csv.zip"
    res = run("download", "bpe", "--year", "2021", "--url", url, env=env)
    assert res.returncode == 0, res.stderr
    got = tmp_path / "data" / "downloads" / "bpe" / "bpe21_ensemble_xy_csv.zip"
    expected = hashlib.sha256((root / "bpe21_ensemble_xy_csv.zip").read_bytes()).hexdigest()
    assert got.read_bytes() == (root / "bpe21_ensemble_xy_csv.zip").read_bytes()
    assert expected in res.stdout and "100 %" in res.stderr  # progress bar on stderr
    assert (got.parent / (got.name + ".sha256")).read_text().split()[0] == expected
    again = run("download", "bpe", "--year", "2021", "--url", url, env=env)
    assert again.returncode == 0 and "Copie en cache réutilisée" in again.stdout
    wrong = run("download", "france-services", "--url", f"{base}/france_services.geojson",
                "--sha256", "0" * 64, env=env)
    assert wrong.returncode == 2 and "Somme de contrôle" in wrong.stderr
    assert not (tmp_path / "data" / "downloads" / "france-services"
                / "france_services.geojson").exists()
    missing = run("download", "bpe", "--year", "2021", "--url", f"{base}/absent.zip",
                  "--force", env=env)
    assert missing.returncode == 2 and "Téléchargement impossible" in missing.stderr
    assert "Traceback" not in missing.stderr + wrong.stderr
    unknown = run("download", "bpe", "--year", "1999", env=env)
    assert unknown.returncode == 2 and "--url" in unknown.stderr


def test_official_urls_are_the_documented_ones():
    from sdaasp.offer import download

    assert download.bpe_url(2021).startswith("https://www.insee.fr/fr/statistiques/fichier/")
    assert download.bpe_url(2021).endswith("/bpe21_ensemble_xy_csv.zip")
    assert download.FRANCE_SERVICES_URL.endswith("/data/france_services.geojson")
