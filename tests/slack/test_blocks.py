"""Block Kit payloads and text handling, without Slack."""

from __future__ import annotations

from botkit.agent import OfflinePlanner, PlanRequest
from botkit.channels.slack import blocks as ids
from botkit.channels.slack.blocks import plan_blocks, result_blocks, status_blocks
from botkit.channels.slack.service import clean_text, external_key


def actions(blocks):
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_plan_blocks_show_every_shot_and_wait_for_approval_only_when_asked():
    plan = OfflinePlanner().plan(PlanRequest(text="a training video: 1. unplug the router 2. wait 3. plug it in"))
    shown = plan_blocks(plan, "P1", "C1", approval=False)
    assert shown[0]["text"]["text"] == plan.title
    assert [line.split(".")[0] for line in shown[2]["text"]["text"].splitlines()] == ["1", "2", "3"]
    assert actions(shown) == []
    waiting = actions(plan_blocks(plan, "P1", "C1", approval=True))
    assert [(e["action_id"], e["value"]) for e in waiting] == [(ids.APPROVE, "C1:P1"), (ids.CANCEL, "C1:P1")]


def test_user_words_cannot_ping_or_link_through_a_plan():
    plan = OfflinePlanner().plan(PlanRequest(text="a promo for <!channel> lamps & <https://evil.example|x>"))
    text = plan_blocks(plan, "P", "C", approval=False)[2]["text"]["text"]
    assert "<!channel>" not in text and "<https://" not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text


def test_long_plans_fit_slack_limits():
    plan = OfflinePlanner().plan(PlanRequest(text="a storyboard with 12 panels " + "very detailed " * 100))
    for block in plan_blocks(plan, "P", "C", approval=True):
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150


def test_status_and_result_buttons():
    assert [e["action_id"] for e in actions(status_blocks("x", job_id="J", running=True))] == [ids.CANCEL]
    assert actions(status_blocks("x", job_id="J", running=False)) == []
    plan = OfflinePlanner().plan(PlanRequest(text="a promo for our lamp", platforms=["tiktok", "youtube"]))
    take, square, captions, platform = actions(result_blocks("done", "C1", plan))
    assert take["action_id"] == ids.TAKE and take["value"] == "C1"
    assert (square["action_id"], square["value"], square["text"]["text"]) == (
        ids.SUGGEST,
        "C1:square",
        "Square version",
    )
    assert captions["value"] == "C1:captions-on"
    values = [o["value"] for o in platform["options"]]
    assert "C1:reels" in values and "C1:tiktok" not in values and "C1:youtube" not in values


def test_suggested_follow_ups_fit_the_video():
    def labels(plan):
        return [e["text"]["text"] for e in actions(result_blocks("done", "C1", plan)) if e["type"] == "button"]

    vertical = OfflinePlanner().plan(PlanRequest(text="a 10 second TikTok teaser with captions for our cafe"))
    assert vertical.platforms == ["tiktok"] and vertical.captions
    assert labels(vertical) == ["Another take", "Widescreen version", "Square version", "Remove captions"]
    wide = vertical.model_copy(update={"platforms": ["youtube"], "captions": False})
    assert labels(wide) == ["Another take", "Vertical version", "Square version", "Add captions"]
    every = wide.model_copy(update={"platforms": ["reels", "linkedin", "instagram-feed"]})
    assert labels(every) == ["Another take", "Add captions"]


def test_clean_text_and_thread_keys():
    assert clean_text("<@U012AB3CD> a promo &amp; teaser <@U9|bob>  for  x") == "a promo & teaser for x"
    assert clean_text("<!channel> a teaser for <https://acme.io|acme.io> in <#C123|launch>") == (
        "a teaser for acme.io in #launch"
    )
    assert clean_text("see <https://acme.io/shoes> &lt;3") == "see https://acme.io/shoes <3"
    assert clean_text(None) == ""
    assert external_key("T1", "C1", "1700.0001") == "slack:T1:C1:1700.0001"
