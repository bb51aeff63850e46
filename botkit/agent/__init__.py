"""The agent layer: a request and its conversation -> a ShotPlan."""

from botkit.agent.offline import OfflinePlanner, PlanRequest

__all__ = ["OfflinePlanner", "PlanRequest"]
