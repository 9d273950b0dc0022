"""Demo step: meetings of the red council hall with decisions and follow-up tasks."""

from loudong.demo.context import DemoSite


def build_meetings(site: DemoSite) -> None:
    """Adds nothing until the feature lands."""
