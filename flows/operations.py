"""Operators' work: what to re-run, reprocess or backfill, decided from the run ledger.

Plans are plain data built from the warehouse; the flows in nightly.py carry them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flows.stages import FetchedRef
from schemas.records import Stage

# A page that failed at one of these stages has its bytes in the raw archive:
# re-running it starts there instead of asking the site again.
AFTER_FETCH = {Stage.STRIP, Stage.EXTRACT, Stage.VALIDATE, Stage.LOAD}


@dataclass
class RerunPlan:
    fetch: list[str] = field(default_factory=list)  # fetch failed: ask the site again
    archived: list[FetchedRef] = field(default_factory=list)  # later stage failed: start from the archive
    listings: list[str] = field(default_factory=list)  # a listing page failed: walk it again

    @property
    def empty(self) -> bool:
        return not (self.fetch or self.archived or self.listings)

    def describe(self) -> str:
        return (f"{len(self.fetch)} to fetch again, {len(self.archived)} from the raw archive, "
                f"{len(self.listings)} listing pages to walk again")


def plan_rerun(wh, archive, *, run_id: str | None = None, since: datetime | None = None) -> RerunPlan:
    """Exactly the pages whose last state is failed, each from the stage that failed."""
    plan = RerunPlan()
    for page in wh.failed_pages(run_id=run_id, since=since):
        stage = Stage(page.stage)
        if stage in AFTER_FETCH and page.content_hash and archive.has(page.content_hash):
            plan.archived.append(FetchedRef(page.url, page.content_hash))
        elif stage == Stage.DISCOVER:
            plan.listings.append(page.url)
        else:
            plan.fetch.append(page.url)
    return plan


def plan_reprocess(wh, archive, *, since: date | None = None) -> tuple[RerunPlan, list[str]]:
    """Every archived document (published since `since`): strip..load again, no network."""
    plan = RerunPlan()
    missing = []
    for ref in wh.documents_since(since):
        if ref.content_hash and archive.has(ref.content_hash):
            plan.archived.append(FetchedRef(ref.url, ref.content_hash))
        else:
            missing.append(ref.url)
    return plan, missing


def this_process() -> dict:
    """Who runs a flow: kept with the run so a later run can tell a live run from a killed one."""
    import os
    import socket

    return {"host": socket.gethostname(), "pid": os.getpid()}


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def mark_abandoned_runs(wh, *, limit: int = 50) -> list[str]:
    """Runs still 'running' whose process on this host is gone (killed, crashed) become 'abandoned'.

    Runs of other hosts are left alone: from here there is no way to tell whether they live.
    """
    me = this_process()
    abandoned = []
    for run in wh.recent_runs(limit):
        proc = (run.params or {}).get("process") or {}
        if run.status == "running" and proc.get("host") == me["host"] and proc.get("pid") != me["pid"] \
                and isinstance(proc.get("pid"), int) and not _alive(proc["pid"]):
            wh.finish_run(run.run_id, "abandoned", {"reason": f"process {proc['pid']} on {proc['host']} is gone"})
            abandoned.append(run.run_id)
    return abandoned
