"""The render path: one plan to finished, stored files (``pipeline.render_plan``).

``pipeline`` (the stages: shots -> produce -> after_produce steps -> assets), ``routing`` (which
engine renders each shot, checked at plan time too), ``sources`` (where a shot's clip comes from),
``clips`` (the clip cache by render key), ``steps`` (what runs after produce: skill hook, then
audio and signing), ``context`` (built once from settings). ``botkit.jobs`` claims a job,
heartbeats and records events around ``render_plan``; channels never reach in here.
"""

from botkit.render.context import RenderContext, render_context
from botkit.render.pipeline import Rendered, Reporter, render_plan
from botkit.render.routing import Engines, route_shots
from botkit.render.steps import OutputStep, Staged

__all__ = [
    "Engines",
    "OutputStep",
    "RenderContext",
    "Rendered",
    "Reporter",
    "Staged",
    "render_context",
    "render_plan",
    "route_shots",
]
