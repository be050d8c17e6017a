"""One list per authority (the organisation that led the work), under places/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from .. import urls
from .inputs import Inputs, PageJob
from .lists import paginate
from .views import Intro


def plan_authorities(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: a list's (see `paginate`) and every member's metadata: which case studies
    an authority has depends on their `authority` fields, which `membership` leaves out,
    and the first page counts them all."""
    words = inputs.site.settings.words
    for authority in inputs.index.authorities:
        members = tuple(study.meta_key for study in authority.case_studies)
        for job in paginate(inputs, urls.authority(authority.anchor), authority.name,
                            f"{words.case_studies_title} led by {authority.name}.", [(words.places, urls.PLACES)],
                            Intro(kicker="Led by", description=f"{words.places}: {', '.join(authority.places)}.",
                                  publisher=None, url=None),
                            authority.case_studies):
            yield replace(job, keys=job.keys + members)
