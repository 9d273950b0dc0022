"""The resident's form between its screens, kept in the session so that every screen is a page
reached by GET (Post/Redirect/Get): the phone's Back button returns to the previous screen with what
was typed, instead of asking to send the form again.

Each screen still carries the whole draft in hidden fields, so a session that expired meanwhile
loses nothing of a screen being sent; the session copy is what the GET pages show. A draft is kept
two days (as its photos are); a session keeps its newest few.
"""

import re
import secrets
import time
from collections.abc import Callable

from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "ask_drafts"
KEEP_SECONDS = 2 * 24 * 3600
MAX_DRAFTS = 5
_KEY = re.compile(r"^[A-Za-z0-9_-]{12}$")


def valid_key(key: str) -> bool:
    return bool(key) and bool(_KEY.match(key))


def _fresh(session: SessionBase) -> dict[str, dict]:
    cutoff = time.time() - KEEP_SECONDS
    return {key: d for key, d in (session.get(SESSION_KEY) or {}).items() if d.get("saved", 0) > cutoff}


def save(
    session: SessionBase, values: dict[str, str], *, step: int, errors: bool = False, notes: dict | None = None
) -> str:
    """Keep the draft `values` (under their "draft" key, or a new one) as shown on screen `step`,
    with its errors shown when `errors`; `notes` are messages the screen cannot work out again
    (a refused upload, a refusal of the whole submission). Returns the draft's key."""
    drafts = _fresh(session)
    key = values.get("draft", "")
    if not valid_key(key):
        key = secrets.token_urlsafe(9)
    drafts[key] = {
        "values": {**values, "draft": key},
        "step": step,
        "errors": errors,
        "notes": notes or {},
        "saved": time.time(),
    }
    newest = sorted(drafts, key=lambda k: drafts[k]["saved"], reverse=True)[:MAX_DRAFTS]
    session[SESSION_KEY] = {k: drafts[k] for k in newest}
    return key


def load(session: SessionBase, key: str) -> dict | None:
    return _fresh(session).get(key) if valid_key(key) else None


def latest(session: SessionBase, matches: Callable[[dict[str, str]], bool]) -> dict | None:
    """The newest draft not yet sent whose values match (the one a landing page left for the next screen)."""
    found = [d for d in _fresh(session).values() if not d.get("sent") and matches(d["values"])]
    return max(found, key=lambda d: d["saved"]) if found else None


def finish(session: SessionBase, key: str, receipt: str) -> None:
    """The draft was sent: its screens, opened again with Back, lead to its receipt."""
    drafts = _fresh(session)
    if key in drafts:
        drafts[key] = {"sent": receipt, "saved": drafts[key]["saved"], "values": {}}
        session[SESSION_KEY] = drafts


def drop(session: SessionBase, key: str) -> None:
    drafts = session.get(SESSION_KEY) or {}
    if key in drafts:
        session[SESSION_KEY] = {k: d for k, d in drafts.items() if k != key}
