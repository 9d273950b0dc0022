"""Property tests of the Django-free readers the roster importer stands on: dates as people write
them, ID numbers and phones."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loudong.lib.dates import DAY, MONTH, YEAR, format_date, read_date
from loudong.lib.identity import (
    InvalidValue,
    birth_date_from_id,
    id_check_char,
    id_from_15_digits,
    normalize_id_number,
    normalize_phone,
)

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@given(days, st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日",
                              "{y}{m:02d}{d:02d}", " {y} 年 {m} 月 {d} 日 "]))  # fmt: skip
def test_a_day_written_any_usual_way_reads_back_to_the_day(day, form):
    written = read_date(form.format(y=day.year, m=day.month, d=day.day))
    assert (written.day, written.precision) == (day, DAY)
    assert str(written) == f"{day.year}年{day.month}月{day.day}日"


@given(days, st.sampled_from(["{y}.{m:02d}", "{y}.{m}", "{y}-{m}", "{y}/{m:02d}", "{y}年{m}月", "{y}年{m:02d}月份",
                              "{y}{m:02d}"]))  # fmt: skip
def test_a_month_written_any_usual_way_is_kept_as_a_month(day, form):
    written = read_date(form.format(y=day.year, m=day.month))
    assert (written.day, written.precision) == (day.replace(day=1), MONTH)
    assert str(written) == f"{day.year}年{day.month}月"
    assert written.day <= day <= written.last_day


@given(days)
def test_a_month_typed_into_a_number_cell_is_read_as_that_month_or_the_doubt_told(day):
    written = read_date(float(f"{day.year}.{day.month:02d}"))
    if day.month == 10:  # the cell holds 1985.1: January as shown, and the user is told why
        assert (written.day, written.precision) == (date(day.year, 1, 1), MONTH) and "10月" in written.note
    else:
        assert (written.day, written.precision, written.note) == (day.replace(day=1), MONTH, "")


@given(st.dates(min_value=date(1906, 1, 1), max_value=date(2025, 12, 31)))
def test_a_date_cell_an_excel_serial_and_a_year_are_read(day):
    # Serials 1890..2100 (days in 1905-1906) would read as years: no roster holds such dates.
    assert read_date(day).day == day
    assert read_date((day - date(1899, 12, 30)).days).day == day
    assert read_date(day.year).precision == YEAR and format_date(read_date(str(day.year)).day, YEAR) == f"{day.year}年"


@given(st.integers(1900, 2100), st.integers(13, 99))
def test_a_month_that_does_not_exist_is_refused_in_chinese(year, month):
    with pytest.raises(InvalidValue, match="不存在"):
        read_date(f"{year}.{month}")


@given(st.text(alphabet="abc不详早年前后", min_size=1, max_size=6))
def test_words_that_are_no_date_are_refused_in_chinese(text):
    with pytest.raises(InvalidValue, match="看不懂"):
        read_date(text)


regions = st.sampled_from(["430407", "110101", "440305", "510104"])


@st.composite
def id_numbers(draw) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)))
    first17 = f"{draw(regions)}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_char(first17)


@given(id_numbers(), st.sampled_from(["plain", "spaced", "wide", "lower"]))
def test_a_valid_id_number_in_any_spelling_reads_back(id_number, spelling):
    written = {
        "plain": id_number,
        "spaced": f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}",
        "wide": id_number.translate(WIDE),
        "lower": id_number.lower(),
    }[spelling]
    assert normalize_id_number(written) == id_number


@given(id_numbers(), st.integers(0, 17), st.integers(1, 9))
def test_one_miscopied_character_of_an_id_number_is_caught(id_number, position, shift):
    digits = "0123456789X" if position == 17 else "0123456789"
    wrong = digits[(digits.index(id_number[position]) + shift) % len(digits)]
    if position == 17 and wrong == id_number[17]:
        return
    with pytest.raises(InvalidValue):
        normalize_id_number(id_number[:position] + wrong + id_number[position + 1 :])


@given(id_numbers(), st.integers(1, 17))
def test_an_id_number_with_digits_lost_is_refused(id_number, lost):
    with pytest.raises(InvalidValue, match="18位"):
        normalize_id_number(id_number[:-lost])


@given(id_numbers())
def test_an_id_number_stored_as_a_number_in_scientific_notation_is_refused(id_number):
    with pytest.raises(InvalidValue, match="科学计数法"):
        normalize_id_number(f"{int(id_number[:17]):.5E}")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), st.integers(0, 999))
def test_an_old_15_digit_id_number_becomes_its_18_digit_form(born, order):
    old = f"430407{born:%y%m%d}{order:03d}"
    new = id_from_15_digits(old)
    assert normalize_id_number(new) == new and birth_date_from_id(new) == born


@given(st.sampled_from("3456789"), st.integers(0, 10**9 - 1),
       st.sampled_from(["{n}", "+86 {n}", "0086{n}", "{a}-{b}-{c}", "{a} {b} {c}", "wide"]))  # fmt: skip
def test_a_mobile_in_any_spelling_reads_back_to_eleven_digits(second, rest, form):
    number = f"1{second}{rest:09d}"
    written = (
        number.translate(WIDE) if form == "wide" else form.format(n=number, a=number[:3], b=number[3:7], c=number[7:])
    )
    assert normalize_phone(written) == number
    assert normalize_phone(int(number)) == number


@given(st.sampled_from(["0734", "0731", "010", "020"]), st.integers(2_000_000, 8_999_999))
def test_a_landline_with_its_area_code_is_kept_with_a_dash(area, local):
    for written in (f"{area}-{local}", f"{area}{local}", f"({area}){local}"):
        assert normalize_phone(written) == f"{area}-{local}"


@given(st.text(alphabet="0123456789", min_size=1, max_size=6) | st.from_regex(r"1[012]\d{9}", fullmatch=True))
def test_too_short_or_impossible_phones_are_refused_in_chinese(text):
    with pytest.raises(InvalidValue, match="电话号码"):
        normalize_phone(text)
