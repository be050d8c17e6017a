"""Page planners: one per kind of output, each turning the loaded site into jobs.

A planner is a function `plan_x(inputs) -> Iterator[PageJob]`. A job is plain data:
the output path, the template, a frozen view (the template's variables) and the
keys of every input the view is made from. Planners render nothing; `render.render_job`
does, in this process or another one, from the job and the layout alone.

See `fingerprint` for the two words this package keeps apart: a *key* is a content
hash of one input, a *fingerprint* is a digest of everything one output is made from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .authority import plan_authorities
from .case_study import plan_case_studies
from .feeds import plan_feed, plan_robots, plan_sitemap
from .finder_index import plan_finder_index
from .home import plan_home
from .inputs import Inputs, PageJob, make_inputs
from .lists import plan_case_study_list
from .matrix import plan_matrix_cells
from .places import plan_places
from .plain import plan_not_found, plan_plain_pages
from .redirects import plan_redirects
from .search import plan_search
from .taxonomy import plan_taxonomies

Planner = Callable[[Inputs], Iterator[PageJob]]

# In the order the files are listed (and written).
PLANNERS: tuple[Planner, ...] = (
    plan_home,
    plan_case_study_list,
    plan_case_studies,
    plan_taxonomies,
    plan_matrix_cells,
    plan_places,
    plan_authorities,
    plan_search,
    plan_finder_index,
    plan_plain_pages,
    plan_not_found,
    plan_redirects,
    plan_feed,
    plan_sitemap,
    plan_robots,
)


def plan_pages(inputs: Inputs) -> Iterator[PageJob]:
    """Every page, feed and crawler file of the site, one at a time; nothing is rendered yet."""
    for planner in PLANNERS:
        yield from planner(inputs)


__all__ = ["PLANNERS", "Inputs", "PageJob", "Planner", "make_inputs", "plan_pages"]
