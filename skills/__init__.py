"""botkit's built-in skills (installed as ``botkit_skills``), written with the public skills SDK."""
