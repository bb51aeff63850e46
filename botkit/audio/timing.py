"""Shot durations that fit the narration: every shot is at least as long as its line plus a lead-in
and a breath, the whole stays at the asked length (time moves from shots with room to spare to
shots whose line needs it), and every duration is a whole number of frames."""

from __future__ import annotations

import math
from collections.abc import Sequence

from botkit.domain import Limits
from botkit.errors import InputError, PlanLimitError

LEAD_IN_S = 0.15  # the voice starts a moment after the cut
BREATH_S = 0.35  # and leaves a breath before the next one


def needed_s(speech_s: float | None, *, lead_in_s: float = LEAD_IN_S, breath_s: float = BREATH_S) -> float:
    """How long a shot must be to carry a line of ``speech_s`` seconds (0 for no line)."""
    return 0.0 if not speech_s else lead_in_s + speech_s + breath_s


def fit_shot_durations(
    needed: Sequence[float],
    requested: Sequence[float],
    *,
    total_s: float | None = None,
    fps: float = 30.0,
    min_shot_s: float = Limits.MIN_SHOT_S,
    max_shot_s: float = Limits.MAX_SHOT_S,
) -> list[float]:
    """Durations (whole frames at ``fps``) summing to ``total_s`` (default: the sum of ``requested``)
    with shot ``i`` at least ``needed[i]``. Shots keep their requested length where they can; time
    for a long line comes from the other shots in proportion to the room they have.

    Raises ``PlanLimitError`` naming the lines when the narration cannot fit.
    """
    if len(needed) != len(requested) or not requested:
        raise InputError(f"need one narration length per shot: {len(needed)} for {len(requested)} shots")
    if fps <= 0:
        raise InputError(f"fps must be > 0, got {fps}")
    total = float(sum(requested) if total_s is None else total_s)
    floors = [max(min_shot_s, need) for need in needed]
    for index, floor in enumerate(floors):
        if floor > max_shot_s + 1e-9:
            raise PlanLimitError(
                f"shot {index + 1}'s narration takes {floor:.1f} s with its pauses, longer than a shot may last "
                f"({max_shot_s:g} s); split the line over two shots or shorten it"
            )
    frames_total = round(total * fps)
    floor_frames = [math.ceil(floor * fps - 1e-6) for floor in floors]
    if sum(floor_frames) > frames_total:
        longest = sorted(range(len(needed)), key=lambda i: needed[i], reverse=True)[:3]
        detail = ", ".join(f"shot {i + 1} {needed[i]:.1f} s" for i in longest if needed[i])
        raise PlanLimitError(
            f"the narration needs at least {sum(floor_frames) / fps:.1f} s ({detail}) but the video is {total:g} s; "
            f"shorten the lines or ask for a {math.ceil(sum(floor_frames) / fps)} s video"
        )
    wanted = [max(duration, floor) for duration, floor in zip(requested, floors, strict=True)]
    excess = sum(wanted) - total
    if excess > 0:
        room = [w - f for w, f in zip(wanted, floors, strict=True)]
        spare = sum(room)
        wanted = [w - excess * r / spare if spare else w for w, r in zip(wanted, room, strict=True)]
    elif excess < 0:
        weights = [max(r, 1e-9) for r in requested]
        wanted = [w - excess * weight / sum(weights) for w, weight in zip(wanted, weights, strict=True)]
    frames = _whole_frames(wanted, floor_frames, frames_total, fps)
    over = [i for i, count in enumerate(frames) if count > round(max_shot_s * fps)]
    if over:
        raise PlanLimitError(
            f"fitting the narration would make shot {over[0] + 1} {frames[over[0]] / fps:.1f} s, longer than "
            f"{max_shot_s:g} s; add a shot or shorten the video"
        )
    return [count / fps for count in frames]


def _whole_frames(wanted: list[float], floors: list[int], total: int, fps: float) -> list[int]:
    """Largest-remainder rounding to frames that keeps each shot at or above its floor."""
    exact = [w * fps for w in wanted]
    frames = [max(floor, math.floor(value)) for value, floor in zip(exact, floors, strict=True)]
    order = sorted(range(len(frames)), key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
    while sum(frames) < total:
        for index in order:
            if sum(frames) >= total:
                break
            frames[index] += 1
    while sum(frames) > total:
        slack = [i for i in range(len(frames)) if frames[i] > floors[i]]
        index = max(slack, key=lambda i: frames[i] - floors[i])
        frames[index] -= 1
    return frames
