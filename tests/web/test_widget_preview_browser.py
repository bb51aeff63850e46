"""Preview first in the widget, in real headless Chromium: a promo gets an animatic card with
Approve / Revise / Cancel; a change previews again (the old card loses its buttons); Approve
renders that revision in a new card; a reload restores both cards and no buttons."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from .conftest import Live
from .test_widget_browser import ARTIFACTS, browser, video_state, wait_for_card_state  # noqa: F401 - fixtures

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Desk lamps</title></head>
<body><h1>Desk lamps</h1>
<script src="{api}/widget.js" data-site-key="{site_key}" data-title="Lamp video bot"></script>
</body></html>"""


@pytest.fixture
def page_server(live_rendering: Live) -> Iterator[str]:
    html = PAGE.format(api=live_rendering.url, site_key=live_rendering.site.site_key).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    port = int(live_rendering.page_origin.rsplit(":", 1)[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield live_rendering.page_origin + "/"
    server.shutdown()


def label(page, index: int) -> str:  # type: ignore[no-untyped-def]
    return page.locator("botkit-chat .card").nth(index).locator(".status span").text_content() or ""


def test_widget_preview_revise_approve(page_server: str, live_rendering: Live, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_server)
    page.locator("botkit-chat .launcher").click()
    page.locator("botkit-chat textarea").fill("a 1 second promo for X of our desk lamp")
    page.locator("botkit-chat button[aria-label=Send]").click()

    cards = page.locator("botkit-chat .card")
    first = cards.first
    first.wait_for(timeout=10_000)
    assert first.get_attribute("data-preview") == "true"
    assert first.locator("h4").text_content().startswith("Preview: ")
    first.locator("button[data-decision=approve]").wait_for(timeout=60_000)
    assert label(page, 0) == "Preview ready: approve to render"
    assert first.locator(".follow button").all_text_contents() == ["Approve and render", "Revise", "Cancel"]
    assert video_state(page, 0)["duration"] == pytest.approx(1.0, abs=0.1)
    page.screenshot(path=str(ARTIFACTS / "preview-1-ready.png"))

    # Revise: the box asks what should change; the change previews again, the old card loses its buttons
    first.locator("button[data-decision=revise]").click()
    assert "What should change" in page.locator("botkit-chat textarea").get_attribute("placeholder")
    page.locator("botkit-chat textarea").fill("make it 2 seconds")
    page.locator("botkit-chat button[aria-label=Send]").click()
    second = cards.nth(1)
    second.locator("button[data-decision=approve]").wait_for(timeout=60_000)
    assert second.get_attribute("data-preview") == "true"
    assert first.locator(".follow button").count() == 0
    page.wait_for_function(
        "() => document.querySelector('botkit-chat').shadowRoot.querySelector('.card .status span')"
        ".textContent === 'Replaced by a newer preview'",
        timeout=10_000,
    )

    # Approve: the render of that revision streams into a new card
    second.locator("button[data-decision=approve]").click()
    render = cards.nth(2)
    render.wait_for(timeout=10_000)
    assert render.get_attribute("data-preview") is None
    assert "Done" in wait_for_card_state(page, 2)
    assert label(page, 1) == "Approved: rendering below"
    assert video_state(page, 2)["duration"] == pytest.approx(2.0, abs=0.1)  # the approved preview's timing
    jobs = live_rendering.bot.jobs.of_conversation(
        live_rendering.bot.jobs.status(second.get_attribute("data-job")).conversation_id
    )
    assert [(j.purpose, j.decision) for j in jobs] == [
        ("preview", "superseded"),
        ("preview", "approved"),
        ("render", None),
    ]
    assert jobs[2].preview_id == jobs[1].id
    page.screenshot(path=str(ARTIFACTS / "preview-2-approved.png"))

    # reload: the previews and the render come back, with no decision buttons left
    page.reload()
    cards.nth(2).wait_for(timeout=10_000)
    assert cards.count() == 3
    assert [label(page, i) for i in range(3)] == ["Replaced by a newer preview", "Approved: rendering below", "Done"]
    assert page.locator("botkit-chat button[data-decision]").count() == 0
    assert not errors, errors
