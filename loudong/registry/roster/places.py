"""The community's buildings, stairwells and households during an import: loaded once into dicts,
new ones created in bulk and remembered for the result. In a dry run nothing is written: new
places get stand-in keys (negative numbers) so the rest of the run can count as if they existed."""

from itertools import count

from loudong.lib.identity import InvalidValue
from loudong.lib.natural import natural_key
from loudong.registry.models import Building, Community, Household, Stairwell
from loudong.registry.roster import bulk

Place = tuple[str, str | None, str]  # (building, stairwell or None, room) as the sheet says


class PlaceBook:
    def __init__(self, community: Community, *, dry_run: bool = False) -> None:
        self.community = community
        self.dry_run = dry_run
        self._stand_in = count(-1, -1)
        self.buildings: dict[str, int] = {}
        self.addresses: dict[str, int] = {}
        buildings = Building.objects.filter(community=community).values_list("pk", "name", "address")
        for pk, name, address in buildings:
            self.buildings[name] = pk
            if address:
                self.addresses.setdefault(address, pk)
        self.building_names = {pk: name for name, pk in self.buildings.items()}
        self.stairwells: dict[tuple[int, str], int] = {}
        self.stairwells_of: dict[int, list[str]] = {}
        for pk, building_id, name in Stairwell.objects.filter(community=community).values_list(
            "pk", "building_id", "name"
        ):
            self.stairwells[building_id, name] = pk
            self.stairwells_of.setdefault(building_id, []).append(name)
        self.households: dict[tuple[int, str], int] = {}
        self.numbers: dict[int, str] = {}  # household -> 户号
        self.by_number: dict[str, int] = {}
        for pk, stairwell_id, room, number in Household.objects.filter(community=community).values_list(
            "pk", "stairwell_id", "room", "number"
        ):
            self.households[stairwell_id, room] = pk
            if number:
                self.numbers[pk] = number
                self.by_number.setdefault(number, pk)
        self._resolved: dict[str, str] = {}
        self.created: dict[str, list[str]] = {"buildings": [], "stairwells": [], "households": []}
        self.created_count = 0

    def building(self, written: str) -> str:
        """The registry's name for a building: exact name, its address, or a known name the written
        one ends with (衡阳市石鼓区环城北路93号 -> 环城北路93号); else the written name (new)."""
        if written in self._resolved:
            return self._resolved[written]
        name = written
        if written not in self.buildings:
            if written in self.addresses:
                name = self.building_names[self.addresses[written]]
            else:
                known = [n for n in self.buildings if _ends_with(written, n)]
                known += [self.building_names[pk]
                          for a, pk in self.addresses.items() if _ends_with(written, a)]  # fmt: skip
                if known:
                    name = max(known, key=len)
        self._resolved[written] = name
        return name

    def resolve(self, place: Place) -> tuple[str, str, str]:
        """(building, stairwell, room) with the registry's names. A missing stairwell is taken from a
        known building that has exactly one; otherwise the row cannot be placed."""
        building, stairwell, room = place
        building = self.building(building)
        if stairwell is None:
            building_id = self.buildings.get(building)
            names = self.stairwells_of.get(building_id, []) if building_id else []
            if len(names) != 1:
                where = f"{building}有{len(names)}个单元" if names else f"登记中还没有{building}的单元"
                raise InvalidValue(f"住址缺少单元号（{where}），请写成“{building}1单元{room}”这样")
            stairwell = names[0]
        return building, stairwell, room

    def household_id(self, place: tuple[str, str, str]) -> int:
        building, stairwell, room = place
        return self.households[self.stairwells[self.buildings[building], stairwell], room]

    def place_of(self, household_id: int) -> tuple[str, str, str]:
        """(building, stairwell, room) of a known household."""
        stairwell_id, room = next(key for key, pk in self.households.items() if pk == household_id)
        building_id, stairwell = next(key for key, pk in self.stairwells.items() if pk == stairwell_id)
        return self.building_names[building_id], stairwell, room

    def number_households(self, numbered: dict[int, str]) -> None:
        """Record the 户号 of households that have none yet (a 户号 never moves to another home)."""
        updates = []
        for household_id, number in numbered.items():
            if not self.numbers.get(household_id) and number not in self.by_number:
                self.numbers[household_id] = number
                self.by_number[number] = household_id
                updates.append((number, household_id))
        if updates and not self.dry_run:
            bulk.update(Household, ["number"], updates)

    def _created_keys(self, model: type, objs: list) -> list[int]:
        if self.dry_run:
            return [next(self._stand_in) for _ in objs]
        return [obj.pk for obj in model.objects.bulk_create(objs)]

    def ensure(self, places: list[tuple[str, str, str]]) -> None:
        """Create the buildings, stairwells and households of `places` the registry doesn't know."""
        new_buildings = []
        for building, _s, _r in places:
            if building not in self.buildings and building not in new_buildings:
                new_buildings.append(building)
        if new_buildings:
            count = len(self.buildings)
            objs = [
                Building(community=self.community, name=name, **_grid_position(count + i))
                for i, name in enumerate(new_buildings)
            ]
            for obj, pk in zip(objs, self._created_keys(Building, objs), strict=True):
                self.buildings[obj.name] = pk
                self.building_names[pk] = obj.name
            self._note("buildings", new_buildings)
        new_stairwells: list[tuple[int, str]] = []
        for building, stairwell, _r in places:
            key = (self.buildings[building], stairwell)
            if key not in self.stairwells and key not in new_stairwells:
                new_stairwells.append(key)
        if new_stairwells:
            objs = [Stairwell(community=self.community, building_id=b, name=s) for b, s in new_stairwells]
            for obj, pk in zip(objs, self._created_keys(Stairwell, objs), strict=True):
                self.stairwells[obj.building_id, obj.name] = pk
                self.stairwells_of.setdefault(obj.building_id, []).append(obj.name)
            self._note("stairwells", [f"{self.building_names[b]}{s}" for b, s in new_stairwells])
        new_households: list[tuple[int, str]] = []
        labels = []
        for building, stairwell, room in places:
            key = (self.stairwells[self.buildings[building], stairwell], room)
            if key not in self.households and key not in new_households:
                new_households.append(key)
                labels.append(f"{building}{stairwell}{room}室")
        if new_households:
            rows = [(self.community.pk, s, r, natural_key(r)) for s, r in new_households]
            if self.dry_run:
                pks = [next(self._stand_in) for _ in rows]
            else:
                pks = bulk.insert(Household, ("community_id", "stairwell_id", "room", "sort_key"), rows, returning=True)
            self.households.update(zip(new_households, pks, strict=True))
            self._note("households", labels)

    def _note(self, kind: str, labels: list[str]) -> None:
        self.created[kind].extend(labels)
        self.created_count += len(labels)


def _ends_with(written: str, known: str) -> bool:
    """衡阳市环城北路93号 ends with 环城北路93号; 13栋 does not end with 3栋 (a digit runs on)."""
    if len(known) < 2 or len(written) <= len(known) or not written.endswith(known):
        return False
    return not (written[-len(known) - 1].isdigit() and known[0].isdigit())


def _grid_position(index: int) -> dict[str, float]:
    """New buildings go on a tidy grid of the site plan, not all on one spot; admins move them later."""
    return {"x": 10.0 + (index % 8) * 45, "y": 10.0 + (index // 8) * 30}
