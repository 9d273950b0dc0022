"""Demo step: honours and study blackboard notes."""

from loudong.demo.context import DemoSite


def build_honours(site: DemoSite) -> None:
    """Adds nothing until the feature lands."""
