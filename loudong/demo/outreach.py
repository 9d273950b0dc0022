"""Demo step: households assigned to volunteers and door-knocking visits."""

from loudong.demo.context import DemoSite


def build_outreach(site: DemoSite) -> None:
    """Adds nothing until the feature lands."""
