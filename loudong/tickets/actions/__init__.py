"""The one write path of the request workflow. Every state change of a Request goes through here.

Each action runs in one transaction, re-reads the request under a row lock, checks the actor's
role, the status and the scope, writes a RequestEvent and queues notifications through the outbox
(sent after commit). A refusal raises ActionRefused with a Chinese message and changes nothing.
Every action takes `now=` so history (the demo, tests) can be written with a fixed clock.

Who may do what:
- dispatch / reject / merge / escalate: the leader of the request's group or the community admin
- accept / decline / resolve / flag_unreasonable: only the assigned volunteer
  (an escalated request is resolved by the community admin)
- pause_for_resident / resume / extend: the assigned volunteer or a dispatcher
- set_scope: the leader of the request's group or the community admin
- publish (公开进展): the assigned volunteer or a dispatcher
- confirm / reopen / resume / support / comment(by=None): the resident, by the tracking token
  (the view checks the token; these take no user)
- remind / mark_response_late / step_overdue / close_unrated: the worker
"""

from loudong.lib.actions import ActionRefused
from loudong.tickets.access import is_admin, is_assignee, is_dispatcher, is_leader
from loudong.tickets.actions.clock import close_unrated, mark_response_late, remind, step_overdue
from loudong.tickets.actions.followup import MAX_REOPENS, confirm, extend, pause_for_resident, reopen, resume
from loudong.tickets.actions.placing import comment, group_for, next_number, place_request
from loudong.tickets.actions.public import publish, set_scope, support
from loudong.tickets.actions.workflow import (
    accept,
    decline,
    dispatch,
    escalate,
    flag_unreasonable,
    may,
    merge,
    reject,
    resolve,
)

__all__ = [
    "MAX_REOPENS",
    "ActionRefused",
    "accept",
    "close_unrated",
    "comment",
    "confirm",
    "decline",
    "dispatch",
    "escalate",
    "extend",
    "flag_unreasonable",
    "group_for",
    "is_admin",
    "is_assignee",
    "is_dispatcher",
    "is_leader",
    "mark_response_late",
    "may",
    "merge",
    "next_number",
    "pause_for_resident",
    "place_request",
    "publish",
    "reject",
    "remind",
    "reopen",
    "resolve",
    "resume",
    "set_scope",
    "step_overdue",
    "support",
]
