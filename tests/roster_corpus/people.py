"""Made-up but realistic people for the roster corpus: names, ID numbers with their check
character, phones and addresses of a Hengyang community. Deterministic for a given seed."""

import random
from datetime import date

from loudong.lib.identity import id_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "秀英建国光前明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超兰春梅志红平刚桂玉德福海燕云凤霞金龙"
REGIONS = ("430407", "430406", "430405", "430408")  # 石鼓区, 雁峰区, 珠晖区, 蒸湘区
STREETS = ("船山路63号", "环城北路93号", "学宫巷3号", "船山路39号")


class People:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seq = 0
        self.names: set[str] = set()

    def name(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def id_number(self, born: date, male: bool) -> str:
        self.seq += 1
        order = self.seq * 2 + (1 if male else 0)
        first17 = f"{self.rng.choice(REGIONS)}{born:%Y%m%d}{order % 1000:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def born(self, first_year: int, last_year: int) -> date:
        return date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def address(self, street: int, stair: int, room: int) -> str:
        return f"{STREETS[street]}{stair}单元{room}室"


def wrong_check(id_number: str) -> str:
    """The same ID number with a wrong check character (a digit miscopied)."""
    return id_number[:17] + ("1" if id_number[17] != "1" else "2")
