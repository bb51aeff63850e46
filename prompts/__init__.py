"""Versioned prompt templates (data). Shipped in the wheel as ``botkit_prompts``."""
