"""The kind of help a text asks for (场地, 资金, 法律服务 …: loudong.partners.models.Offer), guessed from
the words it uses, for a need raised in one tap and for a member's skills. The guess is only a
starting point: the need's page lets it be changed."""

from loudong.partners.models import Offer

# Words that say which kind of help is meant, for each kind; checked as parts of the text.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    Offer.VENUE: ("场地", "活动室", "会议室", "房间", "场所", "教室", "礼堂", "空地"),
    Offer.FUNDS: ("资金", "经费", "费用", "捐款", "资助", "补助", "赞助", "慰问金", "出资"),
    Offer.LEGAL: ("法律", "律师", "纠纷", "合同", "起诉", "赔偿", "遗产", "遗嘱", "维权", "调解", "诉讼", "公证"),
    Offer.MEDICAL: (
        "医疗", "医生", "护士", "义诊", "体检", "血压", "血糖", "看病", "复查", "药", "健康", "护理",
        "康复", "慢性病", "就医", "急救",
    ),
    Offer.REPAIR: (
        "维修", "修理", "修好", "修缮", "漏水", "水管", "电路", "线路", "电线", "路灯", "灯泡", "插座",
        "热水器", "门锁", "闭门器", "屋顶", "防水", "电梯", "管道", "跳闸", "水电", "电工",
    ),
    Offer.VOLUNTEERS: (
        "志愿者", "人手", "陪伴", "陪同", "买菜", "打扫", "清扫", "照看", "辅导", "作业", "搬运", "帮忙",
        "宣讲", "教学", "培训",
    ),
}  # fmt: skip


def hits(text: str) -> dict[str, list[str]]:
    """{kind: the words of that kind the text uses}, kinds without any left out."""
    found = {kind: [w for w in words if w in text] for kind, words in KIND_WORDS.items()}
    return {kind: words for kind, words in found.items() if words}


def guess_kind(text: str) -> str:
    """The kind whose words the text uses most (the first in KIND_WORDS on a tie); 其他 without any."""
    found = hits(text or "")
    if not found:
        return Offer.OTHER
    return max(found, key=lambda kind: len(found[kind]))
