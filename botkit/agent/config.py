"""Planner settings (``BOTKIT_LLM_*``) and the planner they choose: offline unless an LLM is configured."""

from __future__ import annotations

import logging
from typing import Literal, Protocol

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from botkit.agent.offline import OfflinePlanner, PlanRequest
from botkit.domain import ShotPlan
from botkit.skills import SkillRegistry

logger = logging.getLogger(__name__)


class Planner(Protocol):
    name: str
    skills: SkillRegistry

    def plan(self, request: PlanRequest) -> ShotPlan: ...


class LLMSettings(BaseSettings):
    """The LLM planner is used when base URL and model are set (the API key may be blank for local servers)."""

    model_config = SettingsConfigDict(env_prefix="BOTKIT_LLM_", extra="ignore")

    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = 30.0
    max_retries: int = 2
    """HTTP retries inside the OpenAI client (429s and 5xx, with its backoff) before falling back."""
    repair_attempts: int = 1
    """Times an invalid plan is sent back to the model with the validation error."""
    method: Literal["function_calling", "json_schema", "json_mode"] = "function_calling"
    temperature: float = 0.2

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


def make_planner(settings: LLMSettings | None = None, skills: SkillRegistry | None = None) -> Planner:
    """The offline planner, or the LLM planner (with the offline one as its fallback) when configured."""
    settings = settings if settings is not None else LLMSettings()
    offline = OfflinePlanner(skills=skills)
    if not settings.enabled:
        return offline
    from langchain_openai import ChatOpenAI

    from botkit.agent.llm import LLMPlanner

    key = settings.api_key.get_secret_value() if settings.api_key else ""
    model = ChatOpenAI(
        base_url=settings.base_url,
        model=settings.model,
        api_key=SecretStr(key or "unused"),  # local servers (vLLM, Ollama) take any key
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
    )
    logger.info("LLM planner: %s at %s", settings.model, settings.base_url)
    return LLMPlanner(
        model,
        offline=offline,
        model_name=settings.model or "",
        secrets=[key] if key else [],
        repair_attempts=settings.repair_attempts,
        method=settings.method,
    )
