"""Background jobs for applications: the daily tidy of drafts nobody came back to."""

from __future__ import annotations

from portal.applications.services import tidy_drafts
from portal.common.jobs import job
from portal.common.rendering import rendering_context


@job(retries=2, retry_delay=600, schedule={"hour": "3", "minute": "15"})
def tidy_drafts_daily() -> tuple[int, int]:
    """Every night: one reminder about a draft nearing removal, and removal of drafts kept too long."""
    with rendering_context():
        return tidy_drafts()
