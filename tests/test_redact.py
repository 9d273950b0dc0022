"""What neighbours may read of someone else's request: rooms, names, phones and ID numbers removed
(loudong.lib.redact), on generated texts and on every text of the demo."""

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from loudong.demo.names import SURNAMES as DEMO_SURNAMES
from loudong.demo.request_texts import ANSWERS, ASKS, PUBLIC_NOTES, QUESTIONS, RATING_COMMENTS
from loudong.lib.identity import id_check_char
from loudong.lib.redact import MASK, SURNAMES, TITLES, Redactor, excerpt, redact

# Filler: everyday characters that are no digit, numeral, surname, 老/小 or 年, so that whatever is
# removed from a generated text is the secret put in it.
_EVERYDAY = (
    "的了是在有这个们中来上大为地到以说要就出会可也你对生能而子那得着下自之过发后作里用道所然家种事成多经么去"
    "如都现没动面起看定天分进好部其些主样理心她本前开但因只从想实日者意无力它与把机民第此已工使情性知全又关"
    "点正业外将间由问很最重并物手应战向头体政相见被利什等产或新己制身果加斯月话合回特代内信表化给世位次度门"
    "垃圾桶楼道电梯屋顶路灯绿化水管坏堆满纸箱旧家具漏臭吵晚睡着帮忙请修换清运灯泡"
)
FILLER = "".join(
    dict.fromkeys(
        ch
        for ch in _EVERYDAY
        if not ch.isdigit() and ch not in "零〇一二三四五六七八九十百两老小年" and ch not in "".join(SURNAMES)
    )
)
GIVEN = "秀英桂兰建国志华淑珍德福玉梅光明春生红霞"
filler = st.text(alphabet=FILLER, max_size=12)


def digits(secret: str) -> str:
    return "".join(ch for ch in secret if ch.isdigit())


@st.composite
def mobile(draw: st.DrawFn) -> str:
    number = (
        "1"
        + draw(st.sampled_from("3456789"))
        + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    )
    style = draw(st.sampled_from(["plain", "spaces", "dashes", "plus86", "fullwidth"]))
    if style == "spaces":
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style == "dashes":
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if style == "plus86":
        return "+86 " + number
    if style == "fullwidth":
        return number.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    return number


@st.composite
def landline(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["0734", "0731", "010", "021"]))
    local = draw(st.sampled_from("2345678")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=6, max_size=7))
    )
    return draw(st.sampled_from([f"{area}-{local}", f"({area}){local}", f"（{area}）{local}", area + local]))


@st.composite
def id_number(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))).strftime("%Y%m%d")
    first17 = (
        draw(st.sampled_from(["430407", "430405", "110101"]))
        + born
        + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=3, max_size=3)))
    )
    whole = first17 + id_check_char(first17)
    return draw(st.sampled_from([whole, whole.lower(), f"{whole[:6]} {whole[6:14]} {whole[14:]}"]))


@st.composite
def room(draw: st.DrawFn) -> str:
    unit, floor = draw(st.integers(1, 9)), draw(st.integers(1, 33))
    number = f"{floor}{draw(st.integers(1, 4)):02d}"
    cn = "一二三四五六七八九"
    return draw(
        st.sampled_from(
            [
                f"{unit}单元{number}室",
                f"{unit}栋{draw(st.integers(1, 6))}单元",
                f"{number}室",
                f"{floor}楼",
                f"{floor}层",
                f"{unit}单元 {number}",
                f"{unit}号楼{number}",
                f"{cn[unit - 1]}单元",
                f"{cn[unit - 1]}楼",
                number,
                f"{unit}-{draw(st.integers(1, 6))}-{number}",
                f"{chr(64 + unit)}栋{number}",
            ]
        )
    )


@st.composite
def person(draw: st.DrawFn) -> tuple[str, str]:
    """(the name as the registry holds it, how the text names them)."""
    surname = draw(st.sampled_from(sorted(DEMO_SURNAMES)))
    given = "".join(draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2)))
    name = surname + given
    forms = [name, surname + draw(st.sampled_from(TITLES)), "老" + surname, "小" + surname]
    if len(given) >= 2:
        forms.append(given)
    return name, draw(st.sampled_from(forms))


@settings(max_examples=300, deadline=None)
@given(before=filler, after=filler, secret=st.one_of(mobile(), landline(), id_number()))
def test_no_digit_of_a_phone_or_id_number_is_left(before, after, secret):
    text = redact(before + secret + after)
    assert not any(ch.isdigit() for ch in text) and secret not in text
    assert MASK in text


@settings(max_examples=300, deadline=None)
@given(before=filler, after=filler, secret=room())
def test_no_room_or_stairwell_is_left(before, after, secret):
    text = redact(before + secret + after)
    assert secret not in text and not any(ch.isdigit() for ch in text)
    assert text.startswith(before[:-1]) and MASK in text


@settings(max_examples=300, deadline=None)
@given(before=filler, after=filler, found=person(), others=st.lists(person(), max_size=5))
def test_a_known_person_is_not_named_in_any_usual_way(before, after, found, others):
    name, written = found
    text = Redactor([name, *(n for n, _ in others)])(before + written + after)
    assert written not in text and name not in text


@settings(max_examples=200, deadline=None)
@given(
    before=filler,
    after=filler,
    surname=st.sampled_from(["王", "李", "刘", "陈", "周", "欧阳"]),
    title=st.sampled_from(["阿姨", "奶奶", "大爷", "师傅", "娭毑", "叔叔"]),
)
def test_a_surname_with_a_title_is_removed_even_from_someone_unknown(before, after, surname, title):
    assert surname + title not in redact(before + surname + title + after)


@settings(max_examples=200, deadline=None)
@given(text=filler)
def test_text_with_nothing_personal_is_left_as_it_is(text):
    assert redact(text) == text


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.one_of(filler, mobile(), room(), id_number(), landline()), max_size=6))
def test_redacting_twice_changes_nothing_more(parts):
    once = redact("".join(parts))
    assert redact(once) == once and "****" not in once


def test_the_issues_examples():
    assert redact("1单元602室的王阿姨家漏水，电话13800138000") == "**的**家漏水，电话**"
    assert redact("3栋2单元502，下午在家") == "**，下午在家"
    assert redact("602室漏水，6楼也漏") == "**漏水，**也漏"
    assert redact("身份证430407195003020015，找老刘") == "身份证**，找**"
    assert redact("刘光前说楼道灯坏了", ["刘光前"]) == "**说楼道灯坏了"
    assert redact("物业电话：0734-8221xxx，请直接联系") == "物业电话：**，请直接联系"
    assert redact("住1-1-101楼") == "住**"  # found by hypothesis: the digits before a removed room go with it


def test_everyday_words_and_dates_are_not_mistaken_for_people_or_rooms():
    for text in (
        "楼道里积了一层灰",
        "在小程序上交医保",
        "两栋楼之间的路灯不亮",
        "2026年3月15号复查",
        "电梯有点小毛病",
        "小区门口",
        "每2小时巡查一次",
    ):
        assert redact(text) == text


def test_an_excerpt_is_cut_after_redacting_so_nothing_is_cut_in_two():
    text = "楼道" * 19 + "13800138000" + "楼道" * 10
    cut = excerpt(text, Redactor(), 40)
    assert cut.endswith("…") and len(cut) == 41 and not any(ch.isdigit() for ch in cut)
    assert excerpt("短短的", Redactor(), 40) == "短短的"


def test_every_text_of_the_demo_loses_its_rooms_phones_and_names():
    from loudong.demo.names import LEADER_NAMES

    names = [*LEADER_NAMES, "陈秀珍", "梁俊华"]
    texts = [t for ask in ASKS for t in (ask[2], ask[3])] + [*QUESTIONS, *ANSWERS, *PUBLIC_NOTES.values()]
    texts += [c for comments in RATING_COMMENTS.values() for c in comments]
    redactor = Redactor(names)
    for text in texts:
        for secret in (f"{text} 找{names[0]}，电话13800138000", f"{names[1]}家住3单元602室：{text}"):
            shown = redactor(secret)
            assert not re.search(r"\d{3,}", shown) and "602" not in shown and "3单元" not in shown, shown
            assert names[0] not in shown and names[1] not in shown
    assert redactor(ASKS[8][2]) == "**楼道堆满了纸箱和旧家具，晚上很容易绊倒，也怕着火。"
    assert redactor(ASKS[11][2]) == "**楼道灯坏了一个多月，晚上上下楼看不见。"
    assert redactor(ANSWERS[0]) == "**，下午在家。"
    assert redactor("已告知物业电话：0734-8221xxx") == "已告知物业电话：**"
