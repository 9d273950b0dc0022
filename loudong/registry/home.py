"""Sections of a community's home page offered by the layers above the registry.

The home page is drawn here, below the domains whose news it shows (a resident's requests live in
tickets): each such app registers a section in its AppConfig.ready(), and the page shows every
section that has something for the user, in the order the apps load.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from loudong.registry.models import Community

# section(request, community, the user's roles there) -> the section's HTML, or "" to show nothing
HomeSection = Callable[[HttpRequest, Community, set[str]], SafeString | str]

_sections: list[HomeSection] = []


def register(section: HomeSection) -> None:
    """Called once by an app when it loads; registering again is harmless."""
    if section not in _sections:
        _sections.append(section)


def sections_for(request: HttpRequest, community: Community, roles: set[str]) -> list[SafeString | str]:
    return [html for section in _sections if (html := section(request, community, roles))]
