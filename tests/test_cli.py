"""The ``sdaasp`` command as a user runs it: French help, one-line errors, no traceback."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from sdaasp.actor import system_user
from sdaasp.cli import build_parser, main
from sdaasp.cli.base import Command
from sdaasp.errors import SdaaspError
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
    # the requests are logged, on the console and in the data directory's log file
    line = re.compile(r"INFO sdaasp\.web requête GET / statut=200 durée=\d+ ms taille=\d+ "
                      r"client=127\.0\.0\.1 utilisateur=anonyme \(web\)")
    assert line.search(err)
    assert line.search(Path(cli_env["SDAASP_DATA_DIR"], "logs", "sdaasp.log").read_text())


# -- start-up cost: the parsers import nothing heavy ----------------------------------------

HEAVY = ("pandas", "numpy", "scipy", "geopandas", "shapely", "pyproj", "django", "matplotlib",
         "openpyxl", "osmium")


def test_help_imports_no_heavy_library():
    """``sdaasp --help`` and every command's help build the parsers only (no timing here:
    the modules imported are what makes it slow)."""
    helps = [["--help"], ["migrate", "--help"], ["serve", "--help"], ["manage", "--help"],
             ["territory", "build", "--help"], ["territory", "export", "--help"],
             ["services", "import", "--help"], ["services", "list", "--help"],
             ["download", "bpe", "--help"], ["diagnose", "--help"],
             ["scheme", "import-programme", "--help"], ["needs", "import", "--help"],
             ["zones", "--help"]]
    code = (
        "import sys\n"
        "from sdaasp.cli import main\n"
        f"for argv in {helps!r}:\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, argv\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == "[]"


def test_importtime_of_the_command_help():
    """The same through ``python -X importtime -m sdaasp.cli --help``, the real entry point."""
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "sdaasp.cli", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "utilisation : sdaasp" in res.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0]
                for line in res.stderr.splitlines() if line.startswith("import time:")}
    assert "sdaasp" in imported  # the trace is read correctly
    assert not imported & set(HEAVY)


def test_parser_choices_are_the_core_ones():
    """The literal choices of the parsers (kept light) are those of the core."""
    from sdaasp.access.fca import DECAY_PRESETS
    from sdaasp.cli import diagnose, services, territory, zones
    from sdaasp.diagnostic.zones.services import KINDS
    from sdaasp.offer import SOURCES
    from sdaasp.territory import export

    assert tuple(export.EXPORT_FORMATS) == territory.EXPORT_FORMATS
    assert tuple(export.LEVELS) == territory.LEVELS
    assert tuple(SOURCES) == services.SOURCES
    assert list(KINDS) == zones.KINDS
    assert set(diagnose.E2SFCA_PRESETS) == set(DECAY_PRESETS)


# -- the database: explicit migrate, refusal while it is not up to date ---------------------

NOT_MIGRATED = "Erreur : La base n'est pas à jour : lancez d'abord « sdaasp migrate »."
MEL_CSV = (Path(__file__).resolve().parent / "fixtures" / "needs"
           / "IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019-extrait.csv")


def test_refuses_until_migrated_then_migrate_keeps_the_data(tmp_path):
    """A fresh data directory: refused (nothing created), migrated, used, migrated again
    (« déjà à jour », nothing lost); every command logged in DATA_DIR/logs."""
    env = cli_environ(tmp_path)
    refused = run("services", "baskets", env=env)
    assert refused.returncode == 2 and refused.stderr.strip() == NOT_MIGRATED
    assert not (tmp_path / "sdaasp.sqlite3").exists()

    first = run("migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Base mise à jour : ")
    assert "offer (Offre de services) : " in first.stdout
    assert "zones (Besoins et zones prioritaires) : " in first.stdout

    paniers = tmp_path / "paniers.toml"
    paniers.write_text('[[panier]]\ncode = "poste"\nnom = "La Poste"\ntypes = ["A206"]\n',
                       encoding="utf-8")
    assert run("services", "baskets", str(paniers), env=env).returncode == 0
    assert run("territory", "build", "59", env=env).returncode == 0  # needs imports need it
    imported = run("needs", "import", str(MEL_CSV), "--source", "mel-iris-2019", env=env)
    assert imported.returncode == 0, imported.stderr

    again = run("migrate", env=env)
    assert again.returncode == 0 and again.stdout == "La base est déjà à jour.\n"
    kept = run("services", "baskets", env=env)
    assert "poste — La Poste : A206" in kept.stdout

    log = (tmp_path / "logs" / "sdaasp.log").read_text(encoding="utf-8")
    who = f"par={system_user()}"
    stamp = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
    assert re.search(rf"^{stamp} INFO sdaasp\.cli commande refusée : sdaasp services baskets "
                     r"motif=La base n'est pas à jour", log, re.M)
    assert re.search(rf"^{stamp} INFO sdaasp\.needs import des besoins : "
                     rf"fichier={MEL_CSV.name} source=mel-iris-2019 département=59 "
                     rf"zones_retenues=\d+ {re.escape(who)}$", log, re.M)
    assert re.search(rf"^{stamp} INFO sdaasp\.cli commande terminée : sdaasp needs import "
                     rf".* code=0 durée=[\d.]+ s {re.escape(who)} "
                     r"résultat=source de besoins n° 1$", log, re.M)
    assert log.count("commande terminée : sdaasp migrate") == 2


def test_unexpected_error_is_one_french_line_the_traceback_in_the_log(tmp_path):
    (tmp_path / "sdaasp.sqlite3").write_text("pas une base SQLite", encoding="utf-8")
    res = run("services", "list", env=cli_environ(tmp_path))
    log_file = tmp_path / "logs" / "sdaasp.log"
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stderr.strip() == ("Erreur inattendue : la commande a échoué ; détails dans le "
                                  f"journal {log_file}")
    log = log_file.read_text(encoding="utf-8")
    assert "ERROR sdaasp.cli commande en échec inattendu : sdaasp services list" in log
    assert "Traceback" in log and "file is not a database" in log


@pytest.mark.django_db
def test_pending_migrations_are_detected(monkeypatch, capsys):
    """The check reads Django's migration plan: one migration unrecorded is pending."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    from sdaasp.cli import _django

    assert _django.is_up_to_date()
    MigrationRecorder(connection).migration_qs.filter(app="zones").delete()
    assert not _django.is_up_to_date()
    assert {m.app_label for m, _ in _django.migration_plan()} == {"zones"}
    monkeypatch.setattr(_django, "_ready", False)
    assert main(["zones", "59"]) == 2
    assert capsys.readouterr().err.strip() == NOT_MIGRATED


# -- the base class: transaction, French errors ---------------------------------------------

class _WritesThenRefuses(Command):
    name = "essai"
    help = description = "écrit un panier puis refuse"
    atomic = True

    def handle(self, args):
        from sdaasp.diagnostic.offer.models import Basket

        Basket.objects.create(code="essai", nom="Essai")
        raise SdaaspError("refusé après écriture")


class _WritesThenRefusesNoTransaction(_WritesThenRefuses):
    atomic = False


@pytest.mark.django_db
@pytest.mark.parametrize(("command", "kept"), [(_WritesThenRefuses, False),
                                               (_WritesThenRefusesNoTransaction, True)])
def test_atomic_command_writes_nothing_when_refused(command, kept, capsys, caplog):
    from sdaasp.diagnostic.offer.models import Basket

    assert command().execute(argparse.Namespace(), ["essai"]) == 2
    assert capsys.readouterr().err == "Erreur : refusé après écriture\n"
    assert Basket.objects.filter(code="essai").exists() is kept
    assert "commande refusée : sdaasp essai motif=refusé après écriture" in caplog.text


def test_unexpected_error_in_process_is_logged_with_its_traceback(capsys, caplog):
    class Broken(Command):
        name = "casse"
        help = description = "échoue"
        needs_django = False

        def handle(self, args):
            raise RuntimeError("panne imprévue")

    assert Broken().execute(argparse.Namespace(), ["casse"]) == 1
    assert "Erreur inattendue : la commande a échoué" in capsys.readouterr().err
    record = next(r for r in caplog.records if r.levelname == "ERROR")
    assert record.name == "sdaasp.cli" and record.exc_info[0] is RuntimeError
