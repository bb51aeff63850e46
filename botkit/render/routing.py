"""Which engine renders each shot, decided from capabilities (data), at plan time and again at
render time with the same rules.

A deployment profile names the model per task: ``BOTKIT_TASK_ENGINES='{"t2v": "wan2.1-t2v-1.3b",
"i2v": "wan2.1-i2v-14b-480p", "keyframe": "flux.1-schnell", "v2v": "wan2.1-vace-1.3b",
"preview": "animatic"}'``. A shot's task (``t2v``, ``i2v``, ``v2v``) goes to the model the profile
names for it, else to the deployment's engine (``BOTKIT_ENGINE``). With ``keyframe`` set,
text-to-video shots are factorized: the key frame model paints the first frame and the profile's
image-to-video model animates it (the engine name ``"<keyframe>><i2v>"``). ``preview`` renders every
shot of a preview. A plan that no configured engine can render is refused before anything is
stored or queued, with a message that names registry models able to do it.

The user's own media never reaches a model that cannot keep it: footage shots and still shots
are sources of their own (``STILL``, ``FOOTAGE``), and an image shot becomes a still when no
engine here does image-to-video of real pictures (the embedded model knows only its toy world).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from botkit.domain import Shot, ShotKind, ShotPlan
from botkit.engine.base import TASK_WORDS, Capabilities, Engine
from botkit.engine.registry import Registry
from botkit.errors import InputError
from botkit.quality import Thresholds
from botkit.render.media import FootageSource, KeptSource, StillSource, media_canvas
from botkit.render.sources import EngineSource, ShotSource

ENV_ROUTES = "BOTKIT_TASK_ENGINES"
PROFILE_TASKS = ("t2v", "i2v", "v2v", "keyframe", "preview")
"""What a deployment profile may name a model for."""
STILL, FOOTAGE = "still", "footage"
"""Names of the sources that are not engines (in ``route_shots``' answer and in each shot's metadata)."""


def _shots(indices: list[int]) -> str:
    numbers = [str(i + 1) for i in indices]
    if len(numbers) == 1:
        return f"shot {numbers[0]}"
    return f"shots {', '.join(numbers[:-1])} and {numbers[-1]}"


def _suggest(task: str, able: list[str], engine: str) -> str:
    names = [name for name in able if name != engine][:4]
    if not names:
        return "no model in the registry can; add one (botkit models list)"
    return f'models that can: {", ".join(names)} (set BOTKIT_ENGINE, or {ENV_ROUTES}=\'{{"{task}": "{names[0]}"}}\')'


def route_shots(
    plan: ShotPlan,
    engine: str,
    capabilities: Callable[[str], Capabilities],
    *,
    routes: Mapping[str, str] | None = None,
    fps: Callable[[str], int] | None = None,
    able: Callable[[str], list[str]] | None = None,
    preview: bool = False,
) -> list[str]:
    """The engine name for each shot of ``plan``. Raises ``InputError`` naming the shots, what they
    need, what the engine does, and models in the registry that can (``able(task)``)."""
    routes = profile_routes(routes or {}, engine, capabilities)
    if preview:
        engine = routes.get("preview", "animatic")
        routes = {}
    chosen: list[str] = []
    unable: dict[str, list[int]] = {}
    for shot in plan.shots:
        task = shot.mode.value
        name = engine
        if shot.kind is not ShotKind.GENERATED:
            chosen.append(STILL if shot.kind is ShotKind.STILL else FOOTAGE)
            continue
        if task in routes:  # the profile names the model for this task
            name = routes[task]
            if capabilities(name).can(task) and task == "i2v" and not _keeps_photos(capabilities(name)):
                chosen.append(STILL)  # the profile's image model knows only its toy world: shown as a still
                continue
        elif task == "i2v" and not _keeps_photos(capabilities(engine)):
            chosen.append(STILL)  # no engine here animates a real photo: it is shown as a still
            continue
        if task in routes:
            name = routes[task]
            if not capabilities(name).can(task):
                raise InputError(
                    f"{ENV_ROUTES} sends {TASK_WORDS[task]} shots to {name!r}, which does "
                    f"{capabilities(name).describe()} only"
                )
        if not capabilities(name).can(task):
            unable.setdefault(task, []).append(shot.index)
        chosen.append(name)
    for task, indices in unable.items():
        does = capabilities(engine).describe()
        need = "from an input image" if task == "i2v" else "from text alone"
        raise InputError(
            f"{_shots(indices)} of this plan {'is' if len(indices) == 1 else 'are'} {TASK_WORDS[task]} ({need}) "
            f"but engine {engine!r} does {does} only; {_suggest(task, able(task) if able else [], engine)}"
        )
    for shot, name in zip(plan.shots, chosen, strict=True):
        if name not in (STILL, FOOTAGE):
            _check_frames(shot, name, capabilities(name), fps(name) if fps else None)
    return chosen


def profile_routes(
    routes: Mapping[str, str], engine: str, capabilities: Callable[[str], Capabilities]
) -> dict[str, str]:
    """The profile as task -> engine name, ``keyframe`` folded into ``t2v`` (a factorized name).
    Raises ``InputError`` for a task it does not know or a profile that contradicts itself."""
    unknown = sorted(set(routes) - set(PROFILE_TASKS))
    if unknown:
        raise InputError(f"{ENV_ROUTES} names {', '.join(unknown)}; it takes {', '.join(PROFILE_TASKS)}")
    resolved = {task: name for task, name in routes.items() if task != "keyframe"}
    keyframe = routes.get("keyframe")
    if keyframe:
        if "t2v" in routes:
            raise InputError(
                f"{ENV_ROUTES} names both t2v ({routes['t2v']!r}) and keyframe ({keyframe!r}): text-to-video "
                "shots would be made two ways; keep t2v for one model, or keyframe (+ i2v) for key frame then motion"
            )
        video = routes.get("i2v", engine)
        if not capabilities(video).can("i2v"):
            raise InputError(
                f"{ENV_ROUTES} names a keyframe model ({keyframe!r}) but no image-to-video model to animate its "
                f'key frames ({video!r} does {capabilities(video).describe()} only): add "i2v" to the profile'
            )
        resolved["t2v"] = factorized_name(keyframe, video)
    return resolved


def factorized_name(keyframe: str, video: str) -> str:
    """The engine name of 'key frame by ``keyframe``, motion by ``video``' (the registry resolves it)."""
    return f"{keyframe}>{video}"


def _keeps_photos(capabilities: Capabilities) -> bool:
    return capabilities.can("i2v") and capabilities.real_images


def _check_frames(shot: Shot, name: str, capabilities: Capabilities, fps: int | None) -> None:
    if shot.mode.value == "i2v" and capabilities.needs_last_image:
        raise InputError(
            f"engine {name!r} needs a first and a last image for every image-to-video shot; "
            f"{_shots([shot.index])} has one image: use an image-to-video model that takes one"
        )
    if fps is None:
        return
    frames = max(1, math.ceil(shot.duration_s * fps))
    if not capabilities.frames_fit(frames):
        raise InputError(
            f"{_shots([shot.index])} lasts {shot.duration_s:g} s ({frames} frames) but engine {name!r} renders "
            f"at most {capabilities.max_frames} frames and cannot continue a shot; make it at most "
            f"{(capabilities.max_frames or 1) / fps:.1f} s or use a model with image-to-video"
        )


class Engines:
    """The engines one worker renders with: its own, plus the deployment's routes by task (loaded
    on first use and kept warm). Picks a ``ShotSource`` for each shot."""

    def __init__(
        self,
        main: Engine,
        *,
        routes: Mapping[str, str] | None = None,
        load: Callable[[str], Engine] | None = None,
        quality_checks: bool = True,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.main = main
        self.routes = dict(routes or {})
        self._load = load
        self._loaded: dict[str, Engine] = {main.name: main}
        self._registry: Registry | None = None
        self.quality_checks, self.thresholds = quality_checks, thresholds

    def engine(self, name: str) -> Engine:
        if name not in self._loaded:
            if self._load is None:
                raise InputError(f"this worker has no engine {name!r} and cannot load one")
            self._loaded[name] = self._load(name)
        return self._loaded[name]

    def sources_for(self, plan: ShotPlan, *, preview: bool = False) -> list[ShotSource]:
        """One source per shot (the same checks as at plan time; engines loaded as needed and kept
        warm): stills and footage at the plan's media canvas, image shots on a real model guarded by
        input kept. ``preview``: every generated shot by the profile's preview engine (the animatic)."""
        names = route_shots(plan, self.main.name, self._capabilities, routes=self.routes, preview=preview)
        canvas = media_canvas(plan) if STILL in names or FOOTAGE in names else None
        sources: list[ShotSource] = []
        for shot, name in zip(plan.shots, names, strict=True):
            if name == STILL:
                sources.append(StillSource(canvas or media_canvas(plan), shot.fit))
            elif name == FOOTAGE:
                sources.append(FootageSource(shot, canvas or media_canvas(plan)))
            else:
                source = EngineSource(self.engine(name), quality_checks=self.quality_checks, thresholds=self.thresholds)
                sources.append(KeptSource(source) if shot.mode.value == "i2v" and source.checks else source)
        return sources

    def _capabilities(self, name: str) -> Capabilities:
        if name in self._loaded:
            return self._loaded[name].capabilities
        if self._registry is None:
            self._registry = Registry.default()
        return self._registry.capabilities(name)
