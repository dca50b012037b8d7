"""Browser tests: Playwright for Python driving Debian's chromium (no browser download).

They skip with a reason when /usr/bin/chromium (or ``SDAASP_CHROMIUM``) or Playwright is absent.
The platform runs in pytest-django's ``live_server`` (transactional database: every test
saves the Nord territory again, since the previous transactional test flushed the tables).
Screenshots go to ``test-artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SDAASP_CHROMIUM", "/usr/bin/chromium"))
#: Flags for a closed network: no first-run, sync, component updates or QUIC probes.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="package")
def browser():
    """One headless chromium for the browser tests of this package."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):  # CI installs chromium: a missing browser is a failure there
            pytest.fail(f"navigateur absent en CI : {CHROMIUM}")
        pytest.skip(f"navigateur absent : {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright absent (pip install -e '.[test]')")
    # Playwright's sync API runs an event loop in this thread; Django's ORM (used by the
    # fixtures that save the territory) refuses to run there unless told it is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                   headless=True)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    # The page's Content-Security-Policy would also forbid Playwright's string predicates
    # (wait_for_function) and axe's injection: bypassed here, enforced in test_csp.py.
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900},
                                  bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture
def site(live_server, transactional_db, nord):
    """The live platform with the real Nord territory saved; returns its base URL."""
    from sdaasp.diagnostic.territory.models import Commune
    from sdaasp.diagnostic.territory.services import save_territory

    if not Commune.objects.filter(departement="59").exists():
        save_territory(nord)
    return live_server.url


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js as bundled by the PyPI package axe-playwright-python."""
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python absent")
    return (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text(
        encoding="utf-8")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def axe_violations(page, axe_source: str, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; the violations of the given impacts."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]
