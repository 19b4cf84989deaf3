"""Every output of every command: one registry of formats, each a set of string renderers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    # Only for types: choosing a format must not import the models (start-up time).
    from permitcheck.findings import DossierResult, RenderOptions
    from permitcheck.settings import FailOn

# What a command hands over to be rendered: `validate` a Report, `where` a WhereView, `steps` a
# StepsView, `rules` a RulesView, `explain` an ExplainView, `timeline` a Timeline, `pack test`
# a PackTestReport, `config` a ConfigView, `agenda` an AgendaView, `category` a CategoryView.
ViewKind = Literal[
    "report",
    "where",
    "steps",
    "rules",
    "explain",
    "timeline",
    "packtest",
    "config",
    "agenda",
    "category",
]
_GUIDES: tuple[ViewKind, ...] = ("where", "steps", "rules", "explain")


@dataclass(frozen=True)
class Renderer:
    """One output format: for each kind of view it renders, the function that renders it,
    named as `module:function` of this package (imported when used: Rich only for text)."""

    name: str
    suffix: str  # of a file holding this format (a report written to a folder is named so)
    views: Mapping[ViewKind, str]
    # The function that renders one dossier's part of a report, where the format's report is
    # the dossiers' parts in order (the worker processes of a large batch render them).
    piece: str | None = None
    # Whether its report shows a ready dossier's next steps (the checker computes them only
    # for a format that shows them, when it knows the format).
    next_steps: bool = False
    # The function that gives a report as its parts in order, where a report of many dossiers
    # is too large to build whole (10,000 dossiers: 140 MB of JSON) before it is written.
    report_parts: str | None = None
    # Whether its report says, for every dossier whatever its verdict, where to go and what
    # follows, and draws the steps counted from its dates (the checker then works them out).
    guide: bool = False

    def renders(self, kind: ViewKind) -> bool:
        return kind in self.views

    def function(self, kind: ViewKind) -> Callable[[Any, RenderOptions], str]:
        found: Callable[[Any, RenderOptions], str] = _named(self.views[kind])
        return found


def _named(where: str) -> Any:
    """The function `module:function` of this package (its module imported when first used)."""
    module, _, function = where.partition(":")
    return getattr(import_module(f"permitcheck.render.{module}"), function)


REPORTER_BY_NAME: dict[str, Renderer] = {
    "text": Renderer(
        "text",
        "txt",
        {
            "report": "text:render",
            **{kind: f"guide_views:{kind}_text" for kind in _GUIDES},
            "timeline": "timeline:render_text",
            "packtest": "packtest:render_text",
            "config": "config_view:render_text",
            "agenda": "agenda:render_text",
            "category": "category:render_text",
        },
        piece="text:dossier_piece",
        next_steps=True,
        report_parts="text:render_parts",
    ),
    "json": Renderer(
        "json",
        "json",
        {
            "report": "json:render",
            **{kind: f"guide_views:{kind}_json" for kind in _GUIDES},
            "timeline": "timeline:render_json",
            "packtest": "packtest:render_json",
            "config": "config_view:render_json",
            "agenda": "agenda:render_json",
            "category": "category:render_json",
        },
        piece="json:dossier_piece",
        report_parts="json:render_parts",
    ),
    "junit": Renderer("junit", "xml", {"report": "junit:render"}),
    "sarif": Renderer("sarif", "sarif", {"report": "sarif:render"}),
    "github": Renderer("github", "txt", {"report": "github:render"}),
    "markdown": Renderer(
        "markdown", "md", {"report": "markdown:render", "agenda": "agenda:render_markdown"}
    ),
    "html": Renderer("html", "html", {"report": "html:render"}, guide=True),
    "ics": Renderer("ics", "ics", {"agenda": "ics:render"}),
}


def formats(kind: ViewKind) -> tuple[str, ...]:
    """The names of the formats that render `kind`: a command's `--format` choices."""
    return tuple(name for name, renderer in REPORTER_BY_NAME.items() if renderer.renders(kind))


def render_parts(kind: ViewKind, view: Any, name: str, options: RenderOptions) -> Iterator[str]:
    """`render(kind, view, name, options)` as parts whose concatenation is the same text: a
    large report is written part by part, never held whole."""
    renderer = REPORTER_BY_NAME[name]
    if kind == "report" and renderer.report_parts is not None:
        parts: Callable[[Any, RenderOptions], Iterator[str]] = _named(renderer.report_parts)
        yield from parts(view, options)
        return
    yield render(kind, view, name, options)


def render(kind: ViewKind, view: Any, name: str, options: RenderOptions) -> str:
    """`view` (of `kind`) in the format `name`; KeyError if that format does not render it."""
    renderer = REPORTER_BY_NAME[name]
    if not renderer.renders(kind):
        raise KeyError(f"{name} does not render {kind}")
    return renderer.function(kind)(view, options)


@dataclass(frozen=True)
class Piece:
    """Renders one dossier's part of a report in one format (picklable: it goes to workers)."""

    name: str
    options: RenderOptions
    fail_on: FailOn

    @property
    def needs_next_steps(self) -> bool:
        """Whether the part shows a ready dossier's next steps."""
        return REPORTER_BY_NAME[self.name].next_steps

    def __call__(self, result: DossierResult) -> str:
        found = REPORTER_BY_NAME[self.name].piece
        assert found is not None  # made by piece() only for such a format
        render_piece: Callable[[DossierResult, FailOn, RenderOptions], str] = _named(found)
        return render_piece(result, self.fail_on, self.options)


def piece(name: str, options: RenderOptions, fail_on: FailOn) -> Piece | None:
    """What renders one dossier's part of a report in the format `name`; None when the format
    renders a report as a whole."""
    return Piece(name, options, fail_on) if REPORTER_BY_NAME[name].piece is not None else None
