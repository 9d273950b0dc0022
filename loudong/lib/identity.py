"""Chinese resident ID numbers and phone numbers: normalising, validating, masking.

Django-free so the roster importer, forms and the API share one definition.
"""

import re
import unicodedata
from datetime import date

# GB 11643-1999: weights of the first 17 digits and the check character for sum % 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
}  # fmt: skip
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.·()（）]+")


class InvalidValue(ValueError):
    """A value that cannot be accepted; the message is Chinese and shown to the user."""


def clean_text(value: object) -> str:
    """Full-width to half-width (NFKC), non-breaking spaces removed, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u200b", "").replace("\ufeff", "").strip()


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: object) -> str:
    """Return an 18-character ID number, or raise InvalidValue with a reason in Chinese.

    Accepts spaces, dashes, full-width digits and a lower-case x. A number cell longer than
    15 digits has lost its last digits in Excel; that is caught by the checksum.
    """
    if isinstance(value, float):
        if value != int(value):
            raise InvalidValue("身份证号格式不对")
        value = int(value)
    written = clean_text(value).upper()
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", written.replace(" ", "")):
        raise InvalidValue("身份证号被表格存成了科学计数法，末几位已丢失，请把这一列设为文本后重新填写")
    text = _SEPARATORS.sub("", written)
    if not text:
        return ""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise InvalidValue(f"身份证号应为18位（现为{len(text)}位）")
    if text[:2] not in _PROVINCE_CODES:
        raise InvalidValue("身份证号前两位不是有效的省份代码")
    if birth_date_from_id(text) is None:
        raise InvalidValue("身份证号中的出生日期不存在")
    if id_check_char(text[:17]) != text[17]:
        raise InvalidValue("身份证号校验位不对，请核对是否抄错或末几位丢失")
    return text


def id_from_15_digits(value: object) -> str | None:
    """The 18-character form of a first-generation 15-digit ID number (issued before 1999: no
    century, no check character), or None when the value is not one."""
    text = _SEPARATORS.sub("", clean_text(value))
    if not re.fullmatch(r"\d{15}", text):
        return None
    first17 = f"{text[:6]}19{text[6:]}"
    return first17 + id_check_char(first17)


def birth_date_from_id(id_number: str) -> date | None:
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    return born if date(1890, 1, 1) <= born <= date.today() else None


def gender_from_id(id_number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men."""
    return "M" if int(id_number[16]) % 2 else "F"


def normalize_phone(value: object) -> str:
    """Return a mobile (11 digits) or a landline with area code (e.g. 0734-8123456).

    Accepts +86 / 0086 / 86 prefixes, spaces, dashes, full-width digits and numbers stored as
    floats in spreadsheets.
    """
    if isinstance(value, float):
        if value != int(value):
            raise InvalidValue("电话号码格式不对")
        value = int(value)
    text = clean_text(value)
    if not text:
        return ""
    digits = re.sub(r"[\s\-‐‑–—()（）.+]", "", text)
    if not digits.isdigit():
        raise InvalidValue(f"电话号码含有非数字字符：{text}")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if re.fullmatch(r"0\d{9,11}", digits):
        area_len = 3 if digits[1] in "12" else 4  # 010, 02x are three digits; others four
        return f"{digits[:area_len]}-{digits[area_len:]}"
    if re.fullmatch(r"[2-9]\d{6,7}", digits):
        return digits  # a local landline without area code
    raise InvalidValue(f"电话号码位数不对：{text}")


def mask_phone(phone: str) -> str:
    """138****8000; landlines keep the area code and the last two digits."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    return phone[:-6] + "****" + phone[-2:] if len(phone) > 6 else "****"


def mask_id_number(id_number: str) -> str:
    """430407**********12: region and the last two characters only."""
    if not id_number:
        return ""
    return f"{id_number[:6]}{'*' * (len(id_number) - 8)}{id_number[-2:]}"
