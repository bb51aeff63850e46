"""Test support for people who build on botkit.

* ``SkillHarness`` (``botkit.testing.harness``): send a request through a real Bot, get the plan
  and the rendered outputs back; for skill authors, like pytest's ``pytester``.
* ``botkit.testing.engines``: the engine contract checks every botkit engine passes, for anyone
  writing an engine of their own.
* ``botkit.testing.credentials``: ``assert_verifies`` / ``assert_job_verifies``: an output carries
  valid content credentials (signed, binding intact, marked as AI-generated).
* ``botkit.testing.tiny``: real diffusers pipelines with tiny random weights built in code (the
  ``tiny-*`` registry entries): test doubles, never on the runtime path.

The harness is imported on first use: it needs the whole Bot, and ``botkit.testing.tiny`` is loaded
by the engine factory, which must not pull the layers above it along.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TEST_ENGINE", "Result", "SkillHarness", "engine_for_tests"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from botkit.testing import harness

        return getattr(harness, name)
    raise AttributeError(f"module 'botkit.testing' has no attribute {name!r}")
