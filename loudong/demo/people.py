"""Step: the households of an old urban neighbourhood and the people in them.

Many elderly people, alone or in couples; working couples with a child; three generations under
one roof. Phones and ID numbers are synthetic but well formed (ID region 430407, 石鼓区).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.names import NameMaker
from loudong.demo.plans import ID_REGION, REFERENCE_DATE
from loudong.lib.identity import id_check_char
from loudong.lib.pinyin import name_keys
from loudong.registry.models import CareTag, Resident

CARE_TAGS = ("独居老人", "高龄", "低保", "残疾", "困难家庭")

# Composition of a household and its weight (share of households, per cent).
KINDS = {
    "single_elder": 24, "single_adult": 16, "elder_couple": 20, "couple": 10, "parent_child": 6,
    "nuclear3": 13, "nuclear4": 2, "three_gen": 7, "skip_gen": 2,
}  # fmt: skip

# Mobile prefixes of the three carriers; older people keep older numbers.
OLD_PREFIXES = ("134", "135", "136", "137", "138", "139", "130", "131", "132", "133", "150", "151", "153",
                "158")  # fmt: skip
NEW_PREFIXES = ("152", "155", "157", "159", "176", "177", "180", "181", "182", "183", "185", "186", "187",
                "188", "189", "166", "173", "178", "198", "199")  # fmt: skip


@dataclass
class Sketch:
    """One person before they get a name: who they are in the household."""

    gender: str
    age: int
    surname: str


def elder_age(rng: random.Random, low: int = 60) -> int:
    decade = rng.choices((60, 70, 80, 90), (45, 35, 17, 3))[0]
    return max(low, min(98, decade + rng.randrange(10)))


def compose(kind: str, rng: random.Random, names: NameMaker) -> list[Sketch]:
    """The people of one household; children carry their father's surname."""
    other = "MF"

    def spouse_of(p: Sketch, gap: int) -> Sketch:
        g = other[p.gender == "M"]
        return Sketch(g, max(22, p.age - gap if p.gender == "M" else p.age + gap), names.surname())

    def child_of(father_surname: str, parent_age: int, low: int = 24, high: int = 33) -> Sketch:
        return Sketch(rng.choice(other), max(0, parent_age - rng.randint(low, high)), father_surname)

    if kind == "single_elder":
        return [Sketch(rng.choices(other, (40, 60))[0], elder_age(rng), names.surname())]
    if kind == "single_adult":
        return [Sketch(rng.choice(other), rng.randint(24, 59), names.surname())]
    if kind in ("elder_couple", "skip_gen"):
        husband = Sketch("M", elder_age(rng, 62), names.surname())
        people = [husband, spouse_of(husband, rng.randint(-1, 5))]
        if kind == "skip_gen":
            people.append(Sketch(rng.choice(other), rng.randint(4, 16), husband.surname))
        return people
    if kind == "couple":
        husband = Sketch("M", rng.randint(26, 59), names.surname())
        return [husband, spouse_of(husband, rng.randint(0, 4))]
    if kind == "parent_child":
        parent = Sketch(rng.choices(other, (35, 65))[0], elder_age(rng, 62), names.surname())
        surname = parent.surname if parent.gender == "M" else names.surname()
        child = child_of(surname, parent.age, 25, 33)
        child.age = max(26, child.age)
        return [parent, child]
    if kind in ("nuclear3", "nuclear4"):
        father = Sketch("M", rng.randint(30, 55), names.surname())
        mother = spouse_of(father, rng.randint(0, 4))
        people = [father, mother, child_of(father.surname, mother.age)]
        if kind == "nuclear4":
            people.append(child_of(father.surname, mother.age, 22, 36))
        return people
    # three_gen: one or two grandparents, a grown child (usually a son) with spouse, a grandchild
    grandfather = Sketch("M", elder_age(rng, 60), names.surname())
    elders = [grandfather, spouse_of(grandfather, rng.randint(-1, 4))]
    elders = elders if rng.random() < 0.6 else [elders[rng.randrange(2)]]
    family = grandfather.surname if elders[0] is grandfather or len(elders) == 2 else names.surname()
    grown = Sketch(rng.choices(other, (65, 35))[0], max(28, elders[0].age - rng.randint(24, 32)), family)
    partner = spouse_of(grown, rng.randint(0, 4))
    kid_surname = grown.surname if grown.gender == "M" else partner.surname
    return [*elders, grown, partner, child_of(kid_surname, min(grown.age, partner.age), 23, 32)]


def birth_date(rng: random.Random, age: int) -> date:
    """A birthday that makes the person `age` on the reference date."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    return latest - timedelta(days=rng.randrange(365))


class Identities:
    """Unique phones and ID numbers for one community."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.ids: set[str] = set()

    def phone(self, age: int) -> str:
        """Children have none, and many of the very old use a family member's."""
        share = 0 if age < 15 else 0.95 if age < 60 else 0.85 if age < 80 else 0.55
        if self.rng.random() >= share:
            return ""
        prefixes = OLD_PREFIXES if age >= 50 else NEW_PREFIXES + OLD_PREFIXES
        while (number := self.rng.choice(prefixes) + f"{self.rng.randrange(10**8):08d}") in self.phones:
            pass
        self.phones.add(number)
        return number

    def id_number(self, born: date, gender: str) -> str:
        """About 70% of the registry has an ID number on file."""
        if self.rng.random() >= 0.7:
            return ""
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            first17 = f"{ID_REGION}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_char(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number


def build_people(site: DemoSite) -> None:
    for demo in site.communities.values():
        _build_community_people(demo)


def _build_community_people(demo: DemoCommunity) -> None:
    rng = demo.rng("people")
    names = NameMaker(demo.rng("names"))
    identities = Identities(demo.rng("identities"))
    residents: list[Resident] = []
    kinds, weights = list(KINDS), list(KINDS.values())
    for household in demo.households:
        kind = rng.choices(kinds, weights)[0]
        demo.household_kinds[household.pk] = kind
        for sketch in compose(kind, rng, names):
            born = birth_date(rng, sketch.age)
            name = names.full(sketch.gender, born.year, sketch.surname)
            pinyin, initials = name_keys(name)
            residents.append(
                Resident(
                    community=demo.community,
                    household=household,
                    name=name,
                    name_pinyin=pinyin,
                    name_initials=initials,
                    gender=sketch.gender,
                    birth_date=born,
                    phone=identities.phone(sketch.age),
                    id_number=identities.id_number(born, sketch.gender) or None,
                )
            )
    demo.residents = Resident.objects.bulk_create(residents, batch_size=1000)
    _tag_care(demo)


def age_on_reference(resident: Resident) -> int:
    born, on = resident.birth_date, REFERENCE_DATE
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _tag_care(demo: DemoCommunity) -> None:
    """独居老人 and 高龄 follow from age and household; 低保, 困难家庭 and 残疾 are a few per cent."""
    rng = demo.rng("care")
    tags = CareTag.objects.bulk_create(CareTag(community=demo.community, name=n) for n in CARE_TAGS)
    demo.care_tags = {t.name: t for t in tags}
    by_household: dict[int, list[Resident]] = {}
    for resident in demo.residents:
        by_household.setdefault(resident.household.pk, []).append(resident)

    tagged: list[tuple[Resident, str]] = []
    for household in demo.households:
        people = by_household[household.pk]
        if len(people) == 1 and age_on_reference(people[0]) >= 60:
            tagged.append((people[0], "独居老人"))
        roll = rng.random()
        household_tag = "低保" if roll < 0.03 else "困难家庭" if roll < 0.06 else None
        for person in people:
            age = age_on_reference(person)
            if age >= 80:
                tagged.append((person, "高龄"))
            if household_tag:
                tagged.append((person, household_tag))
            if rng.random() < (0.015 if age < 60 else 0.04 if age < 80 else 0.08):
                tagged.append((person, "残疾"))
    through = Resident.care_tags.through
    through.objects.bulk_create(
        (through(resident_id=r.pk, caretag_id=demo.care_tags[tag].pk) for r, tag in tagged), batch_size=2000
    )
