"""Schemathesis against the published OpenAPI document, with and without a token: every phase
the pytest runner has (examples, coverage, fuzzing) plus the stateful phase, bounded; no 5xx
and no response that breaks the schema."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import hypothesis
import schemathesis
from schemathesis.config import SchemathesisConfig

from .conftest import make_live

CONFIG = {
    "seed": 14,
    "generation": {"max-examples": 12},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": True, "max-steps": 6},
    },
    "checks": {"positive_data_acceptance": {"enabled": False}},  # valid shapes still meet auth and 404s
}


def _serve() -> tuple:  # type: ignore[type-arg]
    """The app is built when the module is imported: schemathesis makes one test per operation
    from the schema at collection time (its lazy fixture loader does not run on pytest 9)."""
    from botkit.channels.web import WebOptions

    folder = Path(tempfile.mkdtemp(prefix="botkit-schemathesis-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    options = WebOptions(sse_poll_s=0.05, sse_max_s=0.2, user_active_jobs=1000, user_messages_per_window=100_000)
    _bot, app, live = make_live(folder, None, workers=False, options=options)
    return app, live


APP, LIVE = _serve()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=SchemathesisConfig.from_dict(CONFIG))


@schema.parametrize()
def test_api_without_a_token(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate()


@schema.parametrize()
def test_api_with_a_token(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers={"Authorization": f"Bearer {LIVE.token('fuzzer')}"})


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Stateful phase: chains of calls (start a conversation, then use its ids), with a token."""

    def get_call_kwargs(self, case):  # type: ignore[no-untyped-def]
        return {"headers": {"Authorization": f"Bearer {LIVE.token('stateful')}"}}


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = hypothesis.settings(max_examples=6, stateful_step_count=6, deadline=None)
