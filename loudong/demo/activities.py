"""Demo step: activities with sign-ins."""

from loudong.demo.context import DemoSite


def build_activities(site: DemoSite) -> None:
    """Adds nothing until the feature lands."""
