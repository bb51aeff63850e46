"""Optional parts of botkit (pip extras): a clear error naming the extra when one is missing."""

from __future__ import annotations

from importlib.util import find_spec

from botkit.errors import InputError

EXTRAS: dict[str, tuple[str, ...]] = {
    "web": ("fastapi", "uvicorn", "multipart", "jwt", "limits"),
    "slack": ("slack_bolt", "slack_sdk"),
    "celery": ("celery", "redis"),
    "postgres": ("psycopg",),
    "llm": ("langchain_core", "langchain_openai"),
    "metrics": ("prometheus_client",),
    "s3": ("boto3",),
}
"""Each extra of ``pyproject.toml`` and the modules that show it is installed."""


def installed(extra: str) -> bool:
    return all(find_spec(module) is not None for module in EXTRAS[extra])


def require(extra: str, what: str) -> None:
    """Raise ``InputError`` saying which extra ``what`` needs, unless it is installed."""
    missing = [module for module in EXTRAS[extra] if find_spec(module) is None]
    if missing:
        raise InputError(
            f"{what} needs botkit's [{extra}] extra ({', '.join(missing)} not installed): pip install 'botkit[{extra}]'"
        )
