"""Demo step: volunteer hours corrections and certificates."""

from loudong.demo.context import DemoSite


def build_hours(site: DemoSite) -> None:
    """Adds nothing until the feature lands."""
