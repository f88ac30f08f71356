"""The hostile export's reports (tests/hostile.py) in headless Chromium: on every page (reviewer and full
pages, the combined document, both landing pages) no planted script runs, no dialog opens, no console error.
Builds its own run in a temporary folder; run by `make browser-test`."""
import pytest
from playwright.sync_api import sync_playwright

from tests.browser.test_reports_in_browser import CHROMIUM, FLAGS
from tests.hostile import build_hostile_run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory):
    code, run_dir, stderr = build_hostile_run(tmp_path_factory.mktemp("hostile"))
    assert code in (0, 2), stderr[-3000:]
    return sorted(run_dir.glob("*.html")) + [run_dir.parent / "index.html"] if code == 0 else []


def test_no_script_runs_and_no_dialog_opens(hostile_pages):
    assert hostile_pages, "the hostile export was refused: nothing to open"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        ran = {}
        for path in hostile_pages:
            page = browser.new_page()
            dialogs, errors = [], []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            pwned = page.evaluate("typeof window.__pwned")
            if dialogs or errors or pwned != "undefined":
                ran[path.name] = {"dialogs": dialogs, "console errors": errors, "window.__pwned": pwned}
            page.close()
        browser.close()
    assert not ran, ran
