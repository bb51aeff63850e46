"""Benchmark: the mixed job through the product (Bot.plan + Bot.render: uploads probed and stored,
routing, footage, stills, the embedded model, xfade transitions, captions, encode per platform,
assets and rows) against the one hand-written ffmpeg command of ``bench/media.py``.

The job is ``bench/media.py``'s: 2 footage shots (a pan over the demo photo from 0.5 s; a rotated
phone clip at 1.5x), 2 stills (the photo pushed in, a wide crop panned left), 1 generated shot
(the embedded model), 2 s each, a cross-fade, a dip to black, a wipe and a slide of 0.4 s, for
TikTok, YouTube and Instagram feed. The uploads are planned by the product's words; the exact
shot settings above are then stored as a plan revision, as a follow-up would. The hand command
gets the generated shot pre-rendered (its time is added on a second line), overlaps its
transitions (8.4 s out) where botkit centres them on the cuts (10 s out): seconds per output
second are shown too. Runs alternate; medians; one table; contact sheets of both to look at.

    .venv/bin/python bench/media_job.py [--repeats 1] [--out /tmp/botkit-bench-media-job]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from media import PLATFORMS, TRANSITIONS, generated_shot, handwritten_job, make_inputs

from botkit.bot import Bot, Turn
from botkit.domain import ShotKind, ShotMode
from botkit.media.probe import check_video
from botkit.post.decode import read_frames
from botkit.post.preview import contact_sheet
from botkit.settings import Settings

REQUEST = "a 10 second ad for our LUMO bottle in 5 shots, with captions"


def product_job(inputs: dict[str, Path], data: Path) -> tuple[Turn, Bot]:
    shutil.rmtree(data, ignore_errors=True)
    bot = Bot.open(Settings(data_dir=data, engine="embedded", torch_threads=1))
    turn = bot.plan(REQUEST, images=[inputs["pan"], inputs["photo"], inputs["wide"], inputs["phone"]],
                    platforms=PLATFORMS, skill="marketing")  # fmt: skip
    pan, photo, wide, phone = (shot for shot in turn.plan.shots[:4])
    assert [s.kind for s in (pan, photo, wide, phone)] == [ShotKind.FOOTAGE, ShotKind.GENERATED,
                                                          ShotKind.GENERATED, ShotKind.FOOTAGE]  # fmt: skip
    exact = [
        pan.model_copy(update={"in_s": 0.5, "duration_s": 2.0, "reframe": "follow"}),
        photo.model_copy(update={"camera": "slow push in", "duration_s": 2.0}),
        turn.plan.shots[4].model_copy(
            update={
                "prompt": "a red circle moving left on a blue background",
                "mode": ShotMode.TEXT_TO_VIDEO,
                "image": None,
                "duration_s": 2.0,
            }
        ),
        wide.model_copy(update={"camera": "pan left", "duration_s": 2.0}),
        phone.model_copy(update={"speed": 1.5, "duration_s": 2.0}),
    ]
    shots = [
        shot.model_copy(
            update={
                "index": i,
                "transition": TRANSITIONS[i - 1].kind if i else "cut",
                "transition_s": TRANSITIONS[i - 1].duration_s if i else 0.5,
            }
        )
        for i, shot in enumerate(exact)
    ]
    plan = turn.plan.model_copy(update={"shots": shots, "total_duration_s": 10.0, "notes": []})
    plan = type(plan).model_validate(plan.model_dump())
    plan_id = bot.repo.add_plan_revision(turn.conversation_id, plan)
    return bot.render(Turn(conversation_id=turn.conversation_id, plan_id=plan_id, plan=plan)), bot


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/botkit-bench-media-job"))
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    inputs = make_inputs(out)
    _, generated_path, generation_s = generated_shot(out)
    times: dict[str, list[float]] = {"botkit": [], "hand": []}
    turn, bot = None, None
    for run in range(args.repeats):
        started = time.perf_counter()
        turn, bot = product_job(inputs, out / f"data-{run}")
        times["botkit"].append(time.perf_counter() - started)
        started = time.perf_counter()
        handwritten_job(inputs, generated_path, out)
        times["hand"].append(time.perf_counter() - started)
    assert turn is not None and bot is not None
    botkit_s, hand_s = statistics.median(times["botkit"]), statistics.median(times["hand"])
    sheets, seconds_out = [], {}
    for output in turn.outputs:
        mine = check_video(Path(output.path))
        theirs = check_video(out / f"hand-{output.platform}.mp4")
        seconds_out[output.platform] = (mine.duration_s, theirs.duration_s)
        for name, path in (("botkit", Path(output.path)), ("hand", out / f"hand-{output.platform}.mp4")):
            frames = read_frames(path, width=360)
            sheets.append(contact_sheet(frames, out / f"{name}-job-{output.platform}-contact.png", count=10,
                                        columns=5, thumb_width=160))  # fmt: skip
    mine_s = sum(m for m, _ in seconds_out.values())
    theirs_s = sum(t for _, t in seconds_out.values())
    [row] = [r for r in bot.repo.assets_of(turn.conversation_id, "video") if r["platform"] == "tiktok"][-1:]
    sources = [shot["source"] for shot in row["metrics"]["shots"]]
    print(f"mixed job through the product: shots from {sources}, 3 platforms, {args.repeats} run(s), medians\n")
    print("| pipeline | wall s | ratio | s per output s |")
    print("|---|---|---|---|")
    print(f"| botkit chat (Bot.plan + Bot.render, embedded model included) | {botkit_s:.1f} | "
          f"{botkit_s / (hand_s + generation_s):.2f}x | {botkit_s / mine_s:.2f} |")  # fmt: skip
    print(f"| one hand-written ffmpeg command + the same generated shot | {hand_s + generation_s:.1f} | 1.00x | "
          f"{(hand_s + generation_s) / theirs_s:.2f} |")  # fmt: skip
    print(f"| (hand command alone; generated shot alone) | {hand_s:.1f}; {generation_s:.1f} | "
          f"{botkit_s / hand_s:.2f}x vs the command alone | - |")  # fmt: skip
    print("\noutput seconds (botkit, hand): " + ", ".join(f"{p} {m:.2f}/{t:.2f}" for p, (m, t) in seconds_out.items()))
    print("contact sheets:\n" + "\n".join(str(sheet) for sheet in sheets))
    bot.db.dispose()


if __name__ == "__main__":
    main()
