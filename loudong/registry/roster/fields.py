"""The fields a roster column can be read as, the many ways rosters name them, and header matching."""

import hashlib
import re

from loudong.lib.identity import clean_text
from loudong.registry.roster.cells import cell_text

# Field -> the ways community rosters name it (compared after normalize_header). The order is the
# order of the choices offered on the preview page.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "人员姓名", "党员姓名"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"),
    "education": ("文化程度", "学历", "最高学历", "全日制学历", "文化"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "公民身份证号码", "证件号"),
    "phone": ("联系电话", "手机", "手机号码", "手机号", "电话", "电话号码", "联系方式", "本人电话",
              "本人联系电话", "本人手机"),
    "household_number": ("户号", "户编号", "户序号"),
    "relation": ("与户主关系", "与户主的关系", "家庭关系", "关系", "与户主关系称谓"),
    "building": ("楼栋", "楼号", "栋号", "楼栋号", "栋", "楼栋名称"),
    "stairwell": ("单元", "楼道", "单元号"),
    "room": ("房号", "门牌号", "室号", "房间号", "门牌"),
    "address": ("住址", "地址", "家庭住址", "现住址", "居住地址", "现居住地址", "现居住地", "现居地址",
                "居住地", "家庭地址", "详细地址", "居住详细地址"),
    "care_tags": ("关爱标签", "人员类别", "特殊人群", "标签", "关爱类型", "重点人群", "人员类型",
                  "关爱对象类别", "关爱类别", "对象类别", "困难类型"),
    "political": ("政治面貌", "是否党员"),
    "joined_on": ("入党时间", "入党日期", "入党年月"),
    "standing": ("党员类别", "党员类型", "党员身份"),
    "registration": ("组织关系所在", "组织关系", "组织关系所在单位", "组织关系所在党组织", "所在党组织",
                     "所在党支部", "所在支部", "党组织关系所在单位", "单位党组织", "组织关系所在支部"),
    "employment": ("在职/退休", "在职退休", "在职或退休", "工作状态", "在职情况", "在职", "退休"),
    "workplace_post": ("工作单位及职务", "工作单位和职务", "单位及职务", "工作单位及职务职称", "工作单位及职称"),
    "workplace": ("工作单位", "单位", "工作单位名称", "所在单位", "就业单位", "工作单位或学校"),
    "post": ("职务", "职位", "职务职称", "现任职务"),
    "service_items": ("服务项目", "服务内容", "可提供服务", "志愿服务项目", "服务意向", "志愿服务意向"),
    "note": ("备注", "备注说明"),
}  # fmt: skip
FIELD_LABELS = {
    "name": "姓名", "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期", "education": "文化程度",
    "id_number": "身份证号", "phone": "联系电话", "household_number": "户号", "relation": "与户主关系",
    "building": "楼栋", "stairwell": "单元", "room": "房号", "address": "住址", "care_tags": "关爱标签",
    "political": "政治面貌", "joined_on": "入党日期", "standing": "党员类别", "registration": "组织关系所在",
    "employment": "在职/退休", "workplace_post": "工作单位及职务", "workplace": "工作单位", "post": "职务",
    "service_items": "服务项目", "note": "备注",
}  # fmt: skip
PLACE_FIELDS = ("building", "stairwell", "room", "address")
_DECORATION = re.compile(r"[\s*※★☆:：]+")
_BRACKETED = re.compile(r"[(\[【〔].*?[)\]】〕]")


def normalize_header(value: object) -> str:
    """'* 身份证号码\\n(18位)' -> '身份证号码(18位)': full width folded; spaces, breaks, stars gone."""
    return _DECORATION.sub("", clean_text(value if isinstance(value, str) else cell_text(value))).lower()


_HEADER_INDEX = {normalize_header(n): f for f, names in HEADER_NAMES.items() for n in names}


def field_for_header(value: object) -> str | None:
    header = normalize_header(value)
    if not header:
        return None
    return _HEADER_INDEX.get(header) or _HEADER_INDEX.get(_BRACKETED.sub("", header))


def header_signature(header: list[str]) -> str:
    """Names one template: the same column headers give the same signature, whatever the rows."""
    names = [normalize_header(h) for h in header]
    while names and not names[-1]:
        names.pop()
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def columns_of(mapping: list[str]) -> dict[str, list[int]]:
    """Field -> column positions, from one field name ('' for not imported) per column."""
    columns: dict[str, list[int]] = {}
    for position, name in enumerate(mapping):
        if name in FIELD_LABELS:
            columns.setdefault(name, []).append(position)
    return columns
