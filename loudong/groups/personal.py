"""The building groups' part of a person's data (see loudong.lib.personal): what they hold as a
leader, a venue's host or a candidate blocks the erasure until it is ended; consents they gave and
nominations keep their text with the name taken out."""

from django.db.models import Q

from loudong.groups.models import BuildingGroup, Candidate, Election, Venue, VenueConsent
from loudong.lib.personal import Contribution, Person, register


def blockers(person: Person) -> list[str]:
    found = []
    if person.member_id:
        for group in BuildingGroup.objects.filter(Q(leader_id=person.member_id) | Q(deputy_id=person.member_id)):
            found.append(f"他是「{group.name}」的组长或副组长：先选出或指定新的组长")
        for venue in Venue.objects.filter(host_id=person.member_id, consents__withdrawn_on__isnull=True).distinct():
            found.append(f"他是「{venue}」的主人：先撤回议事厅的同意书")
        open_elections = Candidate.objects.filter(member_id=person.member_id).exclude(
            election__stage=Election.Stage.CLOSED
        )
        if open_elections.exists():
            found.append("他是一场还没结束的组长选举的候选人：先撤下候选人或结束选举")
    return found


def erase(person: Person) -> None:
    consents = VenueConsent.objects.filter(community_id=person.community_id)
    if person.resident is not None:
        for consent in consents.filter(people=person.resident):
            consent.people.remove(person.resident)
    if person.name:
        for consent in consents.filter(Q(others__contains=person.name) | Q(recorded_by__contains=person.name)):
            consent.others, consent.recorded_by = person.scrub(consent.others), person.scrub(consent.recorded_by)
            consent.note = person.scrub(consent.note)
            consent.save(update_fields=["others", "recorded_by", "note"])
        for candidate in Candidate.objects.filter(election__community_id=person.community_id).filter(
            Q(nominated_by__contains=person.name) | Q(member_id=person.member_id or 0)
        ):
            candidate.nominated_by = person.scrub(candidate.nominated_by)
            candidate.reasons = person.scrub_json(candidate.reasons)
            candidate.save(update_fields=["nominated_by", "reasons"])


def connect() -> None:
    register(Contribution("groups", order=30, erase=erase, blockers=blockers))
