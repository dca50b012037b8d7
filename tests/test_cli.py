"""The ``sdaasp`` command as a user runs it: French help, one-line errors, no traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys

import geopandas as gpd
import pytest

from sdaasp.cli import build_parser, main
from tests.conftest import cli_environ


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sdaasp.cli", *args], capture_output=True,
                          text=True, timeout=120, **kw)


def test_unknown_departement_one_line_french_no_traceback(tmp_path):
    res = run("territory", "build", "999", env=_env(tmp_path))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0
    assert "Département inconnu" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "sdaasp.sqlite3").exists()  # nothing written


def test_help_is_french(capsys):
    for argv in (["--help"], ["territory", "--help"], ["territory", "build", "--help"],
                 ["territory", "export", "--help"], ["serve", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "utilisation" in out and "afficher cette aide" in out
        assert "usage:" not in out and "show this help" not in out


def test_every_subcommand_has_french_help():
    """Walk the whole command tree: every command and every option has a help text."""

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    assert choice.help, f"{path} {choice.dest} : sous-commande sans aide"
                for name, sub in action.choices.items():
                    assert sub.description, f"{path} {name} : pas de description"
                    walk(sub, f"{path} {name}")
            else:
                assert action.help, f"{path} : option {action.dest} sans aide"

    walk(build_parser(), "sdaasp")


def test_bad_option_is_french(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["territory", "export", "59", "--format", "shp", "--output", "x"])
    assert exc.value.code == 2
    assert "choix invalide" in capsys.readouterr().err


def test_export_command(tmp_path, capsys):
    out = tmp_path / "t.geojson"
    assert main(["territory", "export", "2A", "--format", "geojson", "--output", str(out)]) == 0
    assert len(gpd.read_file(out)) == 124
    assert "exporté" in capsys.readouterr().out


def test_build_without_saving(capsys):
    assert main(["territory", "build", "59", "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "647" in out and "2\u202f604\u202f361" in out and "SCoT         : 7" in out


def _env(tmp_path):
    return cli_environ(tmp_path)


def test_serve_answers_in_french(cli_env):
    """`sdaasp serve` (used by `make demo`) starts the platform and serves pages and assets."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sdaasp.cli", "serve", "--port", str(port)],
                            env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as res:
                    body = res.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert '<html lang="fr">' in body and "Aucun territoire chargé" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/leaflet/leaflet.js") as res:
            assert res.status == 200
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "Plateforme disponible sur" in out and "Traceback" not in err
