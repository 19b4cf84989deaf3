"""Reporters: each renders a Report to a string in one format; none decides the exit code."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from permitcheck.findings import RenderOptions, Report

FORMATS = ("text", "json", "junit", "sarif", "github", "markdown")

Renderer = Callable[[Report, RenderOptions], str]


def renderer(name: str) -> Renderer:
    """The render function of format `name` (imported on demand: rich only for text)."""
    if name not in FORMATS:
        raise KeyError(name)
    module = import_module(f"permitcheck.render.{name}")
    render: Renderer = module.render
    return render
