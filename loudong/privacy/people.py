"""Who a privacy request is about, as a `loudong.lib.personal.Person`: from the registry's record, or
from a request placed (its contact phone proven by the resident, or only that one request)."""

from loudong.accounts.models import User
from loudong.lib.personal import Person
from loudong.registry.models import Member, Resident
from loudong.tickets.models import Request


def of_resident(resident: Resident) -> Person:
    phones = {resident.phone} if resident.phone else set()
    phones |= set(
        Request.objects.filter(resident=resident).exclude(contact_phone="").values_list("contact_phone", flat=True)
    )
    return Person(
        community_id=resident.community_id,
        resident=resident,
        name=resident.name,
        phones=phones,
        id_number=resident.id_number or "",
        household_id=resident.household_id,
        member_id=Member.objects.filter(resident=resident).values_list("pk", flat=True).first(),
        user_id=User.objects.filter(resident=resident).values_list("pk", flat=True).first(),
    )


def resident_of_request(req: Request) -> Resident | None:
    """The registry's record of whoever placed `req`: linked, or the one resident with its phone."""
    if req.resident_id:
        return req.resident
    if req.contact_phone:
        found = list(Resident.objects.filter(community_id=req.community_id, phone=req.contact_phone)[:2])
        if len(found) == 1:
            return found[0]
    return None


def of_request(req: Request, *, whole: bool) -> Person:
    """Everything about the requester when `whole` (their phone proven), else the one request only."""
    if whole:
        resident = resident_of_request(req)
        if resident is not None:
            person = of_resident(resident)
            person.phones |= {req.contact_phone} if req.contact_phone else set()
            person.request_ids.add(req.pk)
            return person
        phones = {req.contact_phone} if req.contact_phone else set()
        return Person(req.community_id, name=req.contact_name, phones=phones, request_ids={req.pk})
    person = Person(req.community_id, name=req.contact_name, request_ids={req.pk})
    person.other_values = {req.contact_phone} - {""}
    return person
