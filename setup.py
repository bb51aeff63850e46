"""Package list for setuptools: ``botkit`` plus the top-level ``skills/``, ``prompts/`` and
``alembic/`` folders, shipped as ``botkit_skills``, ``botkit_prompts`` and ``botkit_migrations``."""

from setuptools import find_namespace_packages, find_packages, setup


def mapped(folder: str, name: str) -> list[str]:
    return [name] + [f"{name}.{sub}" for sub in find_namespace_packages(folder, exclude=["*__pycache__*"])]


setup(
    packages=find_packages(include=["botkit", "botkit.*"])
    + mapped("skills", "botkit_skills")
    + mapped("prompts", "botkit_prompts")
    + mapped("alembic", "botkit_migrations"),
)
