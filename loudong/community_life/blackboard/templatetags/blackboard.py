"""{% blackboard_notes building %}: the latest notes of a building's blackboard, for the
registry's building page (`{% load blackboard %}` there)."""

from django import template

from loudong.community_life.blackboard.models import Note
from loudong.registry.models import Building

register = template.Library()
SHOWN = 3


@register.inclusion_tag("community_life/blackboard/_building_notes.html")
def blackboard_notes(building: Building) -> dict:
    notes = Note.objects.filter(community_id=building.community_id).for_building(building.pk).shown()
    return {"building": building, "code": building.community.code, "notes": list(notes[:SHOWN])}
