"""The ``botkit`` command line: ``app`` (Typer) and ``main`` (the entry point), one module per
command group (``models``, ``skills``, ``web`` for serve and sites, ``slack``, ``history``,
``report``, ``credentials``); ``app`` registers them."""

from botkit.channels.cli.app import app, main

__all__ = ["app", "main"]
