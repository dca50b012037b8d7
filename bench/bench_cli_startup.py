"""Start-up of the ``sdaasp`` command: ``--help``, against importing what the parsers used to
import (the core packages, hence pandas and GeoPandas); and a database command on an up-to-date
database (set-up, migration check, one query), against ``sdaasp migrate`` on the same database
(what every command used to run first).

Run: ``.venv/bin/python bench/bench_cli_startup.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _common import machine


def median_seconds(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "sdaasp.cli"]
    with tempfile.TemporaryDirectory(prefix="sdaasp-bench-cli-") as data_dir:
        env = {**os.environ, "SDAASP_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
        rows = {
            "sdaasp --help": [*cli, "--help"],
            "import of the core packages (old parsers)":
                [sys.executable, "-c", "import sdaasp.territory, sdaasp.offer, sdaasp.needs"],
            "sdaasp services baskets (database command)": [*cli, "services", "baskets"],
            "sdaasp migrate, up to date (old implicit step)": [*cli, "migrate"],
        }
        print(machine())
        for label, cmd in rows.items():
            print(f"{label:<48} {median_seconds(cmd, env, args.runs):6.2f} s (median of "
                  f"{args.runs})")


if __name__ == "__main__":
    main()
