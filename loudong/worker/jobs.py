"""The registry of background jobs (see loudong.worker). It imports no domain: each domain registers
its jobs here from its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

ROUND = 0.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 24 * HOUR


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], str]  # what it did, in Chinese, for the worker's log; "" when nothing
    every: float  # seconds between runs; ROUND runs it every round


_jobs: dict[str, Job] = {}


def register(name: str, run: Callable[[], str], every: float) -> None:
    """Add a job (registering the same name again replaces it: ready() may run more than once)."""
    _jobs[name] = Job(name, run, every)


def registered() -> tuple[Job, ...]:
    return tuple(_jobs.values())
