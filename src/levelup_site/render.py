"""The one Jinja environment, its filters, and rendering a planned job to bytes.

What each page shows is decided by the planners in `pages/`; this module only turns
a job's view into text. A job and a `RenderState` are plain picklable values, so a
page renders the same in this process or in a worker started by any method.
"""

from __future__ import annotations

import datetime as dt
import json
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from . import formats
from .cache import BodyStore
from .errors import display_path
from .pages.inputs import PageJob
from .pages.views import CaseStudyView, Layout


def environment(templates: Path | Sequence[Path]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),  # a search path: the first folder holding a template wins
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["jsonld"] = jsonld
    env.globals["once"] = Once()
    return env


class Once:
    """`once(macro, *args)` in a template: the macro's output for those arguments,
    rendered the first time and reused after. A card (`_cards.html`) is rendered once
    and shown by every list it is in; a worker process keeps its own."""

    def __init__(self) -> None:
        self.rendered: dict[tuple[Any, ...], Markup] = {}

    def __call__(self, macro: Callable[..., Markup], *args: Any) -> Markup:
        key = (macro, *args)  # a macro is one object for as long as its environment lives
        found = self.rendered.get(key)
        if found is None:
            found = self.rendered[key] = macro(*args)
        return found


def template_error(error: TemplateError) -> str:
    """`templates/base.html:12: template error: ...`, the file named as the author would.

    A syntax error carries its template and line; a mistake found while rendering (an
    undefined name) does not, but Jinja's traceback has a frame in the template's own
    file and line, and the innermost such frame is where the mistake is."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if filename is None:
        for frame, frame_line in traceback.walk_tb(error.__traceback__):
            name = frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt")) and Path(name).is_file():
                filename, line = name, frame_line
    where = f"{display_path(Path(filename))}:{line or '?'}: " if filename else ""
    return f"{where}template error: {error.message}"


def jsonld(value: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block: no text in it can end the
    script or open a comment, whatever the case study says."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


@pass_context
def long_date(context: Context, value: dt.date) -> str:
    """The date in words for the site's language, which it reads from the layout's
    `site` settings (every page's globals), so each site renders in its own."""
    return formats.long_date(value, context["site"].language)


@dataclass(frozen=True)
class RenderState:
    """Everything a job needs to be rendered besides itself: where the templates are,
    and the layout every page shares (the templates' globals)."""

    templates: Path | tuple[Path, ...]  # one folder, or a search path of folders
    layout: Layout
    # A digest of every template's source: a long-running process (the preview server)
    # keeps an environment per state, and must not render with templates it cached
    # before a file was edited, added to the site's folder or removed from it.
    templates_key: str = ""
    bodies: BodyStore | None = None  # where case studies' rendered bodies are kept

    def __post_init__(self) -> None:
        if not isinstance(self.templates, Path):  # a list cannot be hashed, and states are cached
            object.__setattr__(self, "templates", tuple(self.templates))


def render_job(state: RenderState, job: PageJob) -> bytes:
    template = _environment(state).get_template(job.template)
    view = job.view
    if job.body is not None:
        if state.bodies is None or not isinstance(view, CaseStudyView):
            raise ValueError(f"{job.path}: a body to show, but no body store or no place for it")
        view = view.with_body(Markup(state.bodies.read(job.body)))
    return template.render(**_fields(view)).encode("utf-8")


@lru_cache(maxsize=4)
def _environment(state: RenderState) -> Environment:
    # One per process and layout: a worker renders many jobs with the same state.
    env = environment(state.templates)
    env.globals.update(_fields(state.layout), script_url=state.layout.script_url)
    return env


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields, one level deep: the template reads nested views by attribute."""
    return {field.name: getattr(value, field.name) for field in fields(value)}
