"""Errors of the skills SDK, under botkit's one root (``botkit.errors.BotkitError``).

BotkitError
└── SkillError           anything a skill did wrong
    ├── SkillLoadError   a skill refused at load: broken import, wrong shape, incompatible API
    └── SkillHookError   a skill's hook raised or returned something invalid while serving a request
"""

from __future__ import annotations

from botkit.errors import BotkitError


class SkillError(BotkitError):
    """A skill misbehaved; the message names the skill."""


class SkillLoadError(SkillError):
    """A skill was refused when it was loaded; the other skills still load."""


class SkillHookError(SkillError):
    """A skill's hook failed while serving a request; the message is safe to show a user."""
