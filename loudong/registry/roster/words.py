"""The words of descriptive roster columns: 民族, 文化程度, 与户主关系, 政治面貌, 党员类别, 工作单位.

Django-free. Each reader returns the value to store, or None when the words are not ones it knows
(the importer then keeps the person and warns about that cell).
"""

import re

ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 "
    "撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 "
    "京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
_ETHNIC = {name: name for name in ETHNIC_GROUPS} | {name.removesuffix("族"): name for name in ETHNIC_GROUPS}
_ETHNIC |= {"汉": "汉族", "维吾尔": "维吾尔族", "蒙": "蒙古族", "维": "维吾尔族"}

# (what a cell holds, in order of testing) -> the level stored
_EDUCATION = (
    (("博士", "硕士", "研究生"), "研究生"),
    (("大专", "专科", "高职"), "大学专科"),
    (("本科", "大学", "大本", "学士"), "大学本科"),
    (("中专", "中技", "技校", "职高", "中等专业", "中职"), "中专"),
    (("高中",), "高中"),
    (("初中",), "初中"),
    (("小学",), "小学"),
    (("文盲", "半文盲", "不识字", "未上学", "学龄前"), "未上学"),
)
EDUCATION_LEVELS = ("研究生", "大学本科", "大学专科", "中专", "高中", "初中", "小学", "未上学")

RELATIONS = {
    "head": ("户主", "本人", "户主本人"),
    "spouse": ("配偶", "妻", "妻子", "夫", "丈夫", "爱人", "老伴", "夫妻"),
    "child": ("子", "女", "子女", "儿子", "女儿", "长子", "次子", "三子", "四子", "长女", "次女", "三女", "四女",
              "独生子", "独生女", "养子", "养女", "继子", "继女", "儿", "女孩", "男孩"),
    "parent": ("父母", "父亲", "母亲", "父", "母", "公公", "婆婆", "岳父", "岳母", "继父", "继母", "养父", "养母"),
    "grandchild": ("孙子女", "孙子", "孙女", "外孙", "外孙子", "外孙女", "孙", "曾孙", "曾孙女"),
    "sibling": ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹"),
    "other": ("其他", "儿媳", "女婿", "祖父", "祖母", "外祖父", "外祖母", "侄子", "侄女", "外甥", "外甥女",
              "保姆", "亲属", "非亲属", "孙媳", "嫂子", "弟媳", "姐夫", "妹夫"),
}  # fmt: skip
_RELATION = {word: code for code, words in RELATIONS.items() for word in words}

MEMBER_WORDS = {"中共党员", "党员", "中国共产党党员", "共产党员", "正式党员", "中共正式党员"}
PROBATIONARY_WORDS = {"中共预备党员", "预备党员", "预备"}
NON_MEMBER_WORDS = {
    "群众", "共青团员", "团员", "中国共产主义青年团团员", "少先队员", "无党派", "无党派人士", "民主党派",
    "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员", "台盟盟员",
    "否", "非党员", "无",
}  # fmt: skip
TICKS = {"√", "✓", "✔", "是", "y", "yes", "1", "有"}
# 党员类别 as 组织部 rosters write it: (standing, employment, registration); None = not said.
_STANDING_WORDS: dict[str, tuple[str | None, str | None, str | None]] = {
    "正式": ("full", None, None), "正式党员": ("full", None, None), "中共党员": ("full", None, None),
    "预备": ("probationary", None, None), "预备党员": ("probationary", None, None),
    "中共预备党员": ("probationary", None, None),
    "在职党员": (None, "working", None), "在职": (None, "working", None),
    "离退休党员": (None, "retired", None), "退休党员": (None, "retired", None), "离休党员": (None, "retired", None),
    "离退休": (None, "retired", None), "退休": (None, "retired", None), "离休": (None, "retired", None),
    "流动党员": (None, None, "mobile"), "流动": (None, None, "mobile"),
}  # fmt: skip
_NOT_WORKING = {"无业", "待业", "失业", "无", "无工作", "暂无工作", "家务", "家庭主妇", "在家", "无固定职业",
                "学生", "在校学生", "学龄前", "幼儿"}  # fmt: skip
_RETIRED = {"退休", "离休", "离退休", "已退休", "退休人员", "离退休人员"}
_POST_SPLIT = re.compile(r"\s+|[/、,，;；]")


def read_ethnicity(text: str) -> str | None:
    return _ETHNIC.get(text.replace(" ", ""))


def read_education(text: str) -> str | None:
    text = text.replace(" ", "")
    if text in EDUCATION_LEVELS:
        return text
    for words, level in _EDUCATION:
        if any(word in text for word in words):
            return level
    return None


def read_relation(text: str) -> str | None:
    """与户主关系 as one of RELATIONS' codes: 之妻 and 户主之子 are read too."""
    text = re.sub(r"^(户主)?之", "", text.replace(" ", ""))
    if code := _RELATION.get(text):
        return code
    if text.startswith(("孙", "外孙", "曾孙")):
        return "grandchild"
    return None


def read_political(text: str) -> str | None:
    """'full' or 'probationary' for a party member, '' for anyone else, None when unreadable."""
    text = text.lower()
    if text in PROBATIONARY_WORDS:
        return "probationary"
    if text in MEMBER_WORDS or text in TICKS:
        return "full"
    if text in NON_MEMBER_WORDS:
        return ""
    return None


def read_standing(text: str) -> tuple[str | None, str | None, str | None] | None:
    """(standing, employment, registration) from 党员类别 wording; None when unreadable."""
    return _STANDING_WORDS.get(text.replace(" ", ""))


def read_work(text: str) -> tuple[str, str, str]:
    """(workplace, post, employment) from a 工作单位及职务 cell: '衡阳市第八中学 教师' is at work;
    '退休', '某厂退休职工' retired; '无业', '待业' neither ('')."""
    compact = text.replace(" ", "")
    if compact in _NOT_WORKING:
        return "", "", ""
    if compact in _RETIRED:
        return "", "", "retired"
    employment = "retired" if ("退休" in compact or "离休" in compact) else "working"
    if "学生" in compact:
        employment = ""
    parts = [p for p in _POST_SPLIT.split(text) if p]
    if len(parts) >= 2:
        return "".join(parts[:-1]), parts[-1], employment
    return text, "", employment


def workplace_only(text: str) -> str:
    """A 工作单位 cell as the workplace: '' when it states a status (无业, 退休) instead."""
    compact = text.replace(" ", "")
    return "" if compact in _NOT_WORKING or compact in _RETIRED or compact in {"-", "/", "—"} else text
