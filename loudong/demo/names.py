"""Synthetic Chinese names: surnames weighted as in Hunan, given names in the fashion of the birth year.

Names are drawn from character pools, so they look ordinary and belong to nobody in particular;
a short list of famous names (and the four leaders named in the account) is never produced.
"""

import random

# Approximate frequencies (per mille) of surnames in Hengyang; 欧阳 is the common double surname.
SURNAMES: dict[str, int] = {
    "刘": 70, "李": 60, "陈": 55, "王": 50, "张": 45, "周": 40, "罗": 38, "杨": 35, "彭": 33, "谭": 32,
    "唐": 30, "黄": 30, "曾": 26, "邓": 25, "胡": 24, "肖": 22, "何": 20, "赵": 18, "廖": 18, "朱": 16,
    "吴": 16, "蒋": 15, "谢": 14, "龙": 12, "贺": 12, "郭": 10, "文": 10, "邹": 10, "许": 9, "徐": 9,
    "颜": 8, "宋": 8, "段": 8, "雷": 8, "易": 8, "袁": 8, "欧阳": 7, "孙": 7, "曹": 7, "高": 7,
    "阳": 6, "蔡": 6, "尹": 6, "夏": 6, "钟": 6, "马": 6, "梁": 6, "石": 5, "左": 5, "田": 5,
    "伍": 5, "戴": 5, "向": 5, "陆": 5, "邱": 4, "康": 4, "宁": 4, "欧": 4, "匡": 3, "旷": 3,
    "凌": 3, "粟": 2, "封": 2,
}  # fmt: skip

# Given-name characters by era and gender:
# (first characters, second characters, share of one-character names).
_POOLS: dict[tuple[str, str], tuple[str, str, float]] = {
    ("old", "M"): ("德福炳树长金秋春玉正松桂国光庆文永家荣汉锡承楚湘培",
                   "生山林清泉华明成和元初才贵章堂祥田发安良仁喜", 0.05),
    ("old", "F"): ("秀桂玉淑凤翠菊冬金春素月兰满", "英兰珍芳香莲娥梅贞花云姣娇", 0.03),
    ("mid", "M"): ("建国卫志跃红新立爱向胜援振小光学友", "国华民军平东强明伟林成忠武兵荣辉斌", 0.08),
    ("mid", "F"): ("红丽桂春秀小美建玉爱冬素凤彩", "梅霞芳兰英萍华琴珍云莲娟娥玲", 0.06),
    ("young", "M"): ("志海俊文小建晓永国明伟春", "伟勇军斌涛刚杰峰强鹏辉波华亮", 0.25),
    ("young", "F"): ("丽晓小海春红雪文美慧秀玉", "丽静敏燕艳娟婷芳霞红玲琳莉", 0.25),
    ("new", "M"): ("子浩宇俊梓博睿泽嘉思一奕", "轩豪宇涵航然杰辰阳洋哲睿", 0.0),
    ("new", "F"): ("欣雨梓思诗语梦佳紫可雅一", "怡涵萱琪彤妍瑶琳悦然菲宁", 0.0),
}  # fmt: skip

# The four first group leaders in the account: only the builder gives these names, to those four.
LEADER_NAMES = ("肖伯群", "刘光前", "郭旭中", "杨学成")

FAMOUS = {
    "毛泽东", "周恩来", "刘少奇", "朱德", "邓小平", "胡耀邦", "彭德怀", "贺龙", "任弼时", "罗荣桓",
    "习近平", "李克强", "胡锦涛", "温家宝", "江泽民", "李强", "王岐山", "谭嗣同", "曾国藩", "左宗棠",
    "王夫之", "夏明翰", "彭玉麟", "雷锋", "焦裕禄", "刘德华", "张学友", "郭富城", "周杰伦", "王菲",
    "李宇春", "张艺谋", "李连杰", "周星驰", "赵本山", "宋丹丹", "杨利伟", "刘翔", "姚明", "李娜",
    "王宝强", "马云", "雷军", "李白", "杜甫", "袁隆平", "钟南山", "屠呦呦", "钱学森", "邓稼先",
    "华罗庚", "陈景润", "杨振宁", "李政道", "莫言", "鲁迅", "巴金", "老舍", "冰心", "金庸",
    "刘慈欣", "王刚", "周涛", "杨洋", "邓超", "黄晓明", "李宁", "郭晶晶", "邓亚萍", "刘国梁",
    "马龙", "许海峰", "郎平", "赵丽颖", "刘亦菲", "杨幂", "孙俪", "易烊千玺", "王俊凯", "张艺兴",
    "刘欢", "韩红", "李玉刚", "王杰", "张杰", "陈坤", "黄渤", "刘涛", "李静", "王小丫",
}  # fmt: skip

_FORBIDDEN = FAMOUS | set(LEADER_NAMES)


def era(birth_year: int) -> str:
    if birth_year <= 1950:
        return "old"
    if birth_year <= 1970:
        return "mid"
    if birth_year <= 1990:
        return "young"
    return "new"


class NameMaker:
    """Draws names from one random stream, so a seed gives the same people every time."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames = list(SURNAMES)
        self._weights = list(SURNAMES.values())

    def surname(self) -> str:
        return self.rng.choices(self._surnames, self._weights)[0]

    def given(self, gender: str, birth_year: int) -> str:
        first, second, single_share = _POOLS[(era(birth_year), gender)]
        if self.rng.random() < single_share:
            return self.rng.choice(second)
        return self.rng.choice(first) + self.rng.choice(second)

    def full(self, gender: str, birth_year: int, surname: str | None = None) -> str:
        """A name nobody famous bears; `surname` keeps a child's family name."""
        family = surname or self.surname()
        while True:
            name = family + self.given(gender, birth_year)
            if name not in _FORBIDDEN:
                return name
