"""Venues (红色议事厅) as the pages and the printed boards read them."""

from django.db.models import Exists, OuterRef, QuerySet

from loudong.groups.models import BuildingGroup, Venue, VenueConsent


def open_venues() -> QuerySet[Venue]:
    """Venues whose household's consent stands (a withdrawn consent closes the venue)."""
    standing = VenueConsent.objects.filter(venue=OuterRef("pk"), withdrawn_on__isnull=True)
    return Venue.objects.filter(Exists(standing))


def current_venue(group: BuildingGroup) -> Venue | None:
    return (
        open_venues().filter(group=group).select_related("household__stairwell__building", "host__resident")
        .order_by("-opened_on", "-id").first()
    )  # fmt: skip


def venue_address(venue: Venue) -> str:
    stairwell = venue.household.stairwell
    building = stairwell.building
    return f"{building.address or building.name}{stairwell.name}{venue.household.room}室"
