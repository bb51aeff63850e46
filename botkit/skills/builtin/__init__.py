"""botkit's built-in skills (``botkit.skills.builtin``), written with the public skills SDK.

They are registered under the ``botkit.skills`` entry-point group exactly like a third-party skill.
"""
