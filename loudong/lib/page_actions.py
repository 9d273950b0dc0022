"""What the layers above offer to do with objects a lower layer's page shows (a request, a visit, a
meeting's decisions): the lower page asks `actions_for(user, objects)` and shows the buttons in
templates/_page_actions.html, without knowing who offered them (see loudong.lib.hooks).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from loudong.lib.hooks import Hook


@dataclass(frozen=True)
class PageAction:
    label: str
    url: str
    post: bool = False  # a one-tap form (POST with the CSRF token) rather than a link


page_actions = Hook(
    "What the layers above offer on a lower layer's page: send(user, objects) answers, per receiver, "
    "a list of (object, PageAction) for the objects (all of one model) that user may act on."
)


def actions_for(user: Any, objects: Iterable[Any]) -> dict[int, list[PageAction]]:
    """{object pk: its actions}, asked once for all the objects of a page."""
    objects = list(objects)
    found: dict[int, list[PageAction]] = defaultdict(list)
    if not objects:
        return found
    for pairs in page_actions.send(user, objects):
        for obj, action in pairs:
            found[obj.pk].append(action)
    return found
