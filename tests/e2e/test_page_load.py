"""The app's page load (share/jupyter/voila/templates/flatclosure/index.html.j2): a view of a
notebook notes the widget extensions' scripts it loads, and the next view fetches them early,
each once, and nothing else that was noted; the page still shows its total and its chart."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
NOTEBOOK = "/voila/render/00_start_here.ipynb"
KEY = "flatclosure:preload:" + NOTEBOOK

# The scripts fetched from /voila/labextensions (the charts' plotly.js has its own preload), each
# with how it was fetched: "link" for a preload, "script" for a script element.
EXTENSION_SCRIPTS = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/voila/labextensions/') && !e.name.includes('/flatclosure-plotly/'))
  .map(e => [e.name, e.initiatorType])"""


def view(context: Any, url: str, before: str = "") -> list[list[str]]:
    """Open the notebook's page in a new tab until its total and first chart show and it has
    noted its scripts; return the extension scripts it fetched."""
    page = context.new_page()
    try:
        if before:
            page.add_init_script(before)
        page.goto(url)
        total = page.locator(".fc-total", has_text="whole claim").first
        expect(total).to_contain_text("$", timeout=90_000)
        page.locator(".js-plotly-plot .yaxislayer-above text").first.wait_for(timeout=90_000)
        page.wait_for_function(f"() => localStorage.getItem({KEY!r})", timeout=30_000)
        page.wait_for_timeout(500)  # the note is written 300 ms after the last new script
        fetched: list[list[str]] = page.evaluate(EXTENSION_SCRIPTS)
        return fetched
    finally:
        page.close()


def test_the_next_view_preloads_the_scripts_the_last_one_used(voila_url: str,
                                                             browser_context: Any) -> None:
    url = voila_url + NOTEBOOK
    first = view(browser_context, url)
    used = {name for name, _ in first}
    # anywidget's, the widgets' and Voila's widget manager's remote entries at least
    assert sum("remoteEntry" in name for name in used) == 3, used
    # noted names that are no extension script of this server are not fetched
    foreign = ["https://example.org/voila/labextensions/x.js",
               voila_url + "/voila/labextensions/anywidget/package.json"]
    noted = f"localStorage.setItem({KEY!r}, JSON.stringify([...JSON.parse(" \
            f"localStorage.getItem({KEY!r}) || '[]'), ...{foreign!r}]));"
    second = view(browser_context, url, before=noted)
    names = [name for name, _ in second]
    assert len(names) == len(set(names)), "a script fetched twice"
    assert set(names) == used
    assert all(how == "link" for _, how in second), second  # each by its preload, none late
