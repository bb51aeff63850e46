"""The agent layer: a request and its conversation -> a ShotPlan (offline or LLM planner), plan
revisions from follow-ups, and the agent tools (``botkit.agent.tools``, LangChain)."""

from botkit.agent.config import LLMSettings, Planner, make_planner
from botkit.agent.offline import OfflinePlanner, PlanRequest, check_request
from botkit.agent.revise import NewRequest, UnclearRevision, changed_shots, reusable_shots, revise

__all__ = [
    "LLMSettings",
    "NewRequest",
    "OfflinePlanner",
    "PlanRequest",
    "Planner",
    "UnclearRevision",
    "changed_shots",
    "check_request",
    "make_planner",
    "reusable_shots",
    "revise",
]
