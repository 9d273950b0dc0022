"""The one write path of the three lists: raising needs (from a request, a meeting's decision, a
visit, or by hand), listing resources, making a project of a need and a resource, and running it
step by step to done. Each action checks who acts, runs in one transaction and writes the audit
log; the project's page shows its entries as the project's history.

A refusal raises ActionRefused with a Chinese message and changes nothing. Every action takes
`now=` so the demo and tests can write history with a fixed clock.
"""

from loudong.projects.actions.needs import (
    close_need,
    enter_need,
    may_raise_from_visit,
    need_from_decision,
    need_from_request,
    need_from_visit,
    reopen_need,
    update_need,
)
from loudong.projects.actions.projects import (
    FIRST_STEPS,
    add_step,
    begin,
    cancel,
    finish,
    mark_step,
    may_run,
    owners_for,
    remove_step,
    start_project,
    update_project,
)
from loudong.projects.actions.resources import (
    enter_resource,
    list_partner_offers,
    set_resource_active,
    unlisted_offers,
)

__all__ = [
    "FIRST_STEPS",
    "add_step",
    "begin",
    "cancel",
    "close_need",
    "enter_need",
    "enter_resource",
    "finish",
    "list_partner_offers",
    "mark_step",
    "may_raise_from_visit",
    "may_run",
    "need_from_decision",
    "need_from_request",
    "need_from_visit",
    "owners_for",
    "remove_step",
    "reopen_need",
    "set_resource_active",
    "start_project",
    "unlisted_offers",
    "update_need",
    "update_project",
]
