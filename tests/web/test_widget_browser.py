"""The widget in real headless Chromium, embedded by a page on another origin: send, progress,
play the video, upload a panel, reload and find the history; phone layout; screenshots."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from .conftest import Live, live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"
)

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Trail shoes</title>
<style>
  /* hostile page CSS: must not reach inside the widget */
  button {{ background: red !important; font-size: 40px !important; }}
  * {{ font-family: serif; }}
  botkit-chat {{ --botkit-accent: #0f766e; }}
  body {{ margin: 0; padding: 40px; background: #f5f5f4; }}
</style></head>
<body><h1>Trail shoes</h1><p>Our new shoes. Ask the bot for a teaser.</p>
<script src="{api}/widget.js" data-site-key="{site_key}" data-title="Shoe video bot"
  data-preview="off"></script>
</body></html>"""


@pytest.fixture(scope="module")
def i2v_engine():  # type: ignore[no-untyped-def]
    from botkit.engine import load_engine

    return load_engine("tiny-ltx")  # tiny random LTX: text- and image-to-video (panels)


@pytest.fixture
def live_rendering(tmp_path: Path, i2v_engine) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(tmp_path, i2v_engine, workers=True) as server:
        yield server


@pytest.fixture
def page_server(live_rendering: Live) -> Iterator[str]:
    """The customer's page on a different origin (another port)."""
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield live_rendering.page_origin + "/"
    server.shutdown()


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def wait_for_card_state(page, index: int, timeout_s: float = 90) -> set[str]:  # type: ignore[no-untyped-def]
    """Poll the nth job card's status label until the render ends; returns every label seen."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout_s
    label = page.locator("botkit-chat .card").nth(index).locator(".status span")
    while time.monotonic() < deadline:
        text = label.text_content(timeout=5000) or ""
        seen.add(text)
        if text == "Done" or text.startswith(("Failed", "Cancelled")):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"render did not finish; labels seen: {seen}")


def conversation_id(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('botkit:'))[1]).conversationId"
    )


def video_state(page, index: int) -> dict:  # type: ignore[no-untyped-def]
    video = page.locator("botkit-chat .card").nth(index).locator("video").first
    video.wait_for(timeout=10_000)
    page.wait_for_function("v => v.readyState >= 1 && isFinite(v.duration)", arg=video.element_handle(), timeout=15_000)
    return video.evaluate(
        """async v => { v.muted = true; await v.play(); await new Promise(r => setTimeout(r, 400));
           return {readyState: v.readyState, duration: v.duration, currentTime: v.currentTime, width: v.videoWidth,
                   height: v.videoHeight, error: v.error && v.error.code}; }"""
    )


def test_widget_end_to_end(page_server: str, live_rendering: Live, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_server)

    launcher = page.locator("botkit-chat .launcher")
    # Shadow DOM keeps the page's `button { background: red }` out
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(15, 118, 110)"
    launcher.click()
    page.locator("botkit-chat textarea").fill("a 1 second video for X of a red ball bouncing")
    page.locator("botkit-chat button[aria-label=Send]").click()

    card = page.locator("botkit-chat .card").first
    card.wait_for(timeout=10_000)
    assert "1 shot(s), 1 s, for x" in card.locator("h4").text_content()
    assert card.locator("li").count() == 1
    labels = wait_for_card_state(page, 0)
    assert any(label.startswith(("Rendering", "Editing")) for label in labels), labels
    assert "Done" in labels
    state = video_state(page, 0)
    assert state["readyState"] >= 1 and state["error"] is None, state
    assert state["duration"] == pytest.approx(1.0, abs=0.1)
    assert (state["width"], state["height"]) == (1280, 720)
    assert state["currentTime"] > 0, "the video did not play"
    assert card.locator("a", has_text="Download").get_attribute("href").endswith("download=1")
    page.screenshot(path=str(ARTIFACTS / "1-desktop-video.png"))

    # follow-up buttons fit the video: a 16:9 video for X gets a vertical and a square version, no widescreen one
    def follow_labels(index: int) -> list[str]:
        return page.locator("botkit-chat .card").nth(index).locator(".follow button").all_text_contents()

    assert follow_labels(0) == ["Another take", "Vertical version", "Square version", "Add captions"]

    # a follow-up button: "Another take" re-plans with new seeds and renders again
    seeds = [
        shot["seed"] for shot in live_rendering.bot.repo.latest_plan(conversation_id(page))[1].model_dump()["shots"]
    ]
    card.locator("button", has_text="Another take").click()
    page.locator("botkit-chat .card").nth(1).wait_for(timeout=10_000)
    assert page.locator("botkit-chat .msg.user").nth(1).text_content() == "another take"
    assert "Done" in wait_for_card_state(page, 1)
    new_seeds = [shot.seed for shot in live_rendering.bot.repo.latest_plan(conversation_id(page))[1].shots]
    assert new_seeds != seeds

    # "Vertical version": the same shots for TikTok too; the next video offers no vertical version again
    page.locator("botkit-chat .card").nth(1).locator("button", has_text="Vertical version").click()
    page.locator("botkit-chat .card").nth(2).wait_for(timeout=10_000)
    assert "Done" in wait_for_card_state(page, 2)
    assert live_rendering.bot.repo.latest_plan(conversation_id(page))[1].platforms == ["x", "tiktok"]
    assert follow_labels(2) == ["Another take", "Square version", "Add captions"]
    assert page.locator("botkit-chat .card").nth(2).locator("video").count() == 2

    # upload a storyboard panel (an image-to-video shot)
    panel = tmp_path / "panel.png"
    Image.new("RGB", (96, 64), (30, 90, 200)).save(panel)
    page.locator("botkit-chat input[type=file]").set_input_files(str(panel))
    assert page.locator("botkit-chat .chips span").count() == 1
    page.locator("botkit-chat textarea").fill("animate this panel, 1 second, for X")
    page.locator("botkit-chat button[aria-label=Send]").click()
    page.locator("botkit-chat .card").nth(3).wait_for(timeout=10_000)
    assert page.locator("botkit-chat .msg.user .thumbs img").count() == 1
    assert "from image" in page.locator("botkit-chat .card").nth(3).text_content()
    labels = wait_for_card_state(page, 3)
    assert "Done" in labels, labels
    page.screenshot(path=str(ARTIFACTS / "2-desktop-panel.png"))

    # reload: the history comes back from the API (token + conversation id in localStorage)
    page.reload()
    page.locator("botkit-chat .card").nth(3).wait_for(timeout=10_000)
    assert page.locator("botkit-chat .card").count() == 4
    assert page.locator("botkit-chat .msg.user").count() == 4
    assert page.locator("botkit-chat .msg.user .thumbs img").count() == 1
    panel_plan = live_rendering.bot.repo.latest_plan(conversation_id(page))[1]
    expected = ["Another take", "Vertical version", "Square version"]
    expected.append("Remove captions" if panel_plan.captions else "Add captions")
    assert follow_labels(3) == expected  # restored from the API, fitted to the latest plan
    assert page.locator("botkit-chat .follow button").count() == 4  # follow-ups only on the latest plan
    state = video_state(page, 3)
    assert state["duration"] == pytest.approx(1.0, abs=0.1)
    assert page.locator("botkit-chat .card").nth(0).locator(".status span").text_content() == "Done"
    page.screenshot(path=str(ARTIFACTS / "3-after-reload.png"))
    assert not errors, errors

    # a phone with the same storage: the open panel takes the whole screen, history and all
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, storage_state=context.storage_state()
    )
    phone_page = phone.new_page()
    phone_page.goto(page_server)
    phone_page.locator("botkit-chat .card").nth(3).locator("video").wait_for(timeout=10_000)
    box = phone_page.locator("botkit-chat .panel").bounding_box()
    assert box is not None and box["width"] == 390 and box["height"] >= 800
    assert phone_page.locator("botkit-chat textarea").is_visible()
    assert not phone_page.locator("botkit-chat .launcher").is_visible()  # the header's close button is enough
    video_box = phone_page.locator("botkit-chat .card").nth(3).locator("video").bounding_box()
    assert video_box is not None and video_box["width"] <= 390
    phone_page.screenshot(path=str(ARTIFACTS / "4-phone.png"))
    phone.close()
    context.close()


def test_signed_in_user_gets_tokens_from_the_customers_backend(live_http: Live, browser) -> None:  # type: ignore[no-untyped-def]
    """The page's backend mints user tokens (``mint_user_token``) at ``data-token-url``."""
    live = live_http
    from botkit.channels.web import mint_user_token

    page_html = (
        "<!doctype html><meta charset='utf-8'><title>shop</title><p>Signed in as customer 42</p>"
        f"<script src='{live.url}/widget.js' data-site-key='{live.site.site_key}' data-token-url='/token' data-preview='off'></script>"
    ).encode()
    minted: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/token":  # what the customer's backend does for its signed-in user
                token = mint_user_token(live.site.secret, live.site.site_key, "customer-42", 600)
                minted.append(token)
                body = json.dumps({"token": token, "expires_at": int(time.time()) + 600}).encode()
                content_type = "application/json"
            else:
                body, content_type = page_html, "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    port = int(live.page_origin.rsplit(":", 1)[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(live.page_origin + "/")
        page.locator("botkit-chat .launcher").click()
        page.locator("botkit-chat textarea").fill("a 2 second video for X of our trail shoes")
        page.locator("botkit-chat button[aria-label=Send]").click()
        page.locator("botkit-chat .card").first.wait_for(timeout=10_000)
        page.reload()
        card = page.locator("botkit-chat .card").first
        card.wait_for(timeout=10_000)
        assert card.locator(".status span").text_content() == "Queued"  # no workers here: it waits
        card.locator("button", has_text="Cancel").click()  # the stream reports it back
        page.wait_for_function(
            "() => document.querySelector('botkit-chat').shadowRoot.querySelector('.card .status span')"
            ".textContent === 'Cancelled'",
            timeout=10_000,
        )
        assert card.locator("button", has_text="Cancel").count() == 0
        context.close()
    finally:
        server.shutdown()
    assert len(minted) == 1  # the token was kept (in localStorage) while it was valid
    with live.bot.repo.sessions() as session:
        from botkit.store import models

        owners = [c.owner for c in session.query(models.Conversation)]
    assert owners == [f"site:{live.site.site_key}:user:customer-42"]
    assert [job.state for job in map(live.bot.jobs.status, [_job_of(live)])] == ["cancelled"]


def _job_of(live: Live) -> str:
    from botkit.store import models

    with live.bot.repo.sessions() as session:
        return session.query(models.RenderJob.id).scalar()


def test_the_widget_plays_a_video_from_the_bucket(
    tmp_path: Path, tiny_engine, s3_server, s3_bucket: str, browser
) -> None:  # type: ignore[no-untyped-def]
    """On the S3 asset store the widget's link redirects to a presigned URL and Chromium plays the
    video from the bucket (the bucket CORS rule docs/deploy.md asks for: a video with a captions track is
    fetched in CORS mode)."""
    s3_server.client().put_bucket_cors(
        Bucket=s3_bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": ["*"],
                    "AllowedMethods": ["GET", "HEAD"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["Content-Range", "Content-Length", "Accept-Ranges"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )
    settings = {"assets_url": f"s3://{s3_bucket}/site", "s3_endpoint_url": s3_server.endpoint_url}
    with live_server(tmp_path, tiny_engine, workers=True, **settings) as live:
        html = PAGE.format(api=live.url, site_key=live.site.site_key).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(html)

            def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
                pass

        page_server = http.server.ThreadingHTTPServer(("127.0.0.1", int(live.page_origin.rsplit(":", 1)[1])), Handler)
        threading.Thread(target=page_server.serve_forever, daemon=True).start()
        try:
            page = browser.new_page()
            from_bucket: list[tuple[int, str]] = []
            page.on(
                "response",
                lambda r: (
                    from_bucket.append((r.status, r.headers.get("content-type", "")))
                    if r.url.startswith(s3_server.endpoint_url)
                    else None
                ),
            )
            page.goto(live.page_origin + "/")
            page.locator("botkit-chat .launcher").click()
            page.locator("botkit-chat textarea").fill("a 1 second video for X of a red ball bouncing")
            page.locator("botkit-chat button[aria-label=Send]").click()
            page.locator("botkit-chat .card").first.wait_for(timeout=10_000)
            assert "Done" in wait_for_card_state(page, 0)
            state = video_state(page, 0)
        finally:
            page_server.shutdown()
    assert state["readyState"] >= 1 and state["error"] is None, state
    assert state["duration"] == pytest.approx(1.0, abs=0.1) and state["currentTime"] > 0, state
    assert any(status in (200, 206) and kind == "video/mp4" for status, kind in from_bucket), from_bucket
