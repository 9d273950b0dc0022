"""The roster corpus: real-world layouts communities get and keep, each with what must become of
every row (created, imported with a warning, or refused, with words of the reason).

Row numbers are the spreadsheet's (the first row of the file is 1)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from roster_corpus.people import People, wrong_check
from roster_corpus.writers import write_csv, write_ods, write_xls, write_xlsx

CREATED, WARNING, REFUSED = "created", "warning", "refused"
FUTURE_YEAR = date.today().year + 2


@dataclass
class Layout:
    name: str
    file_name: str
    write: Callable[[Path, list[list], list[str]], None]
    rows: list[list] = field(default_factory=list)
    expected: dict[int, tuple[str, str]] = field(default_factory=dict)  # row -> (outcome, words)
    merges: list[str] = field(default_factory=list)

    def line(self, *cells: object) -> None:
        """A row that is no person: a title, a header, a total, a signature."""
        self.rows.append(list(cells))

    def person(self, *cells: object, outcome: str = CREATED, words: str = "") -> int:
        self.rows.append(list(cells))
        self.expected[len(self.rows)] = (outcome, words)
        return len(self.rows)

    def save(self, folder: Path) -> Path:
        path = folder / self.file_name
        self.write(path, self.rows, self.merges)
        return path


PARTY_HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "文化程度", "入党时间", "身份证号码", "联系电话",
                "现居住地址", "工作单位及职务", "组织关系所在党组织", "党员类别", "备注"]  # fmt: skip


def party_roster(name: str, file_name: str, write: Callable) -> Layout:
    """组织部 党员花名册: title and 填报单位 rows, month dates, 工作单位及职务, 合计 and 制表人 rows."""
    p = People(1)
    layout = Layout(name, file_name, write, merges=["A1:N1"])
    layout.line("中共西湖新村社区委员会党员花名册", *[""] * 13)
    layout.line("填报单位：西湖新村社区党委（盖章）", "", "", "", "", "", "", "", "", "填报日期：2024年7月1日")
    layout.line(*PARTY_HEADER)
    local = "西湖新村社区党委"

    def member(born: date, birth: object, joined: object, work: str, *, male: bool = True, ethnic: str = "汉族",
               education: str = "大专", org: str = local, standing: str = "正式党员", id_number: object = None,
               phone: str | None = None, note: str = "", who: str | None = None, outcome: str = CREATED,
               words: str = "") -> None:  # fmt: skip
        number = len(layout.expected) + 1
        id_number = p.id_number(born, male) if id_number is None else id_number
        home = p.address(number % 4, number % 3 + 1, 100 * (number % 6 + 1) + number % 2 + 1)
        layout.person(number, p.name() if who is None else who, "男" if male else "女", ethnic, birth, education,
                      joined, id_number, phone or p.phone(), home, work, org, standing, note,
                      outcome=outcome, words=words)  # fmt: skip

    member(date(1950, 3, 15), "1950.03", "1975.07", "退休")  # the first member: never taken for a header
    member(date(1962, 8, 9), "1962年8月", "1985年7月", "衡阳市第八中学 教师", male=False, org="衡阳市第八中学党总支")
    member(date(1970, 5, 6), date(1970, 5, 6), "2000.11", "石鼓区人民医院 护士长", education="大学本科",
           org="石鼓区人民医院党委")  # fmt: skip
    member(date(1956, 4, 20), 1956.04, 1985.07, "个体", ethnic="回族", education="初中")
    member(date(1990, 6, 1), "1990.06", "2023.12", "衡阳市自来水公司 会计", male=False, education="硕士研究生",
           standing="预备党员")  # fmt: skip
    member(
        date(1958, 9, 3), "1958.09", "1980.05", "退休", ethnic="穿青人", outcome=WARNING, words="民族「穿青人」认不出"
    )
    member(date(1948, 2, 11), "1948.02", "1972.03", "退休", male=False, education="扫盲班", outcome=WARNING,
           words="文化程度「扫盲班」认不出")  # fmt: skip
    member(date(1952, 11, 5), "1952.11", "1976.10", "退休", standing="失联党员", outcome=WARNING,
           words="党员类别「失联党员」认不出")  # fmt: skip
    member(date(1949, 10, 1), "1949.10", "1970.01", "退休", id_number="", education="小学")  # no ID: month kept
    member(date(1955, 7, 7), "1955.07", 1985.1, "衡阳市纺织厂退休职工", male=False, outcome=WARNING,
           words="按1985年1月导入")  # fmt: skip
    member(date(1961, 1, 9), "1961.01", "1983.06", "退休", id_number=wrong_check(p.id_number(date(1961, 1, 9), True)),
           outcome=REFUSED, words="身份证号校验位不对")  # fmt: skip
    member(date(1966, 3, 3), "1966.03", "1990.07", "退休", male=False,
           id_number=float(p.id_number(date(1966, 3, 3), False)[:17] + "0"), outcome=REFUSED,
           words="身份证号被存成了数字")  # fmt: skip
    member(date(1980, 5, 2), "1980.05", "1995.03", "衡阳市第八中学 教师", outcome=REFUSED, words="未满18岁")
    member(date(1975, 4, 4), "1975.04", f"{FUTURE_YEAR}.05", "个体", male=False, outcome=REFUSED, words="在今天之后")
    member(date(1898, 3, 3), "1898.03", "1919.05", "退休", outcome=REFUSED, words="早于1921年7月建党")
    member(date(1968, 12, 12), "1968.12", "1992.06", "退休", phone="1391234", outcome=REFUSED, words="电话号码位数不对")
    member(date(1972, 2, 2), "1972.02", "1996.07", "退休", who="", outcome=REFUSED, words="姓名为空")
    layout.line("合计", f"共{len(layout.expected)}人")
    layout.line()
    layout.line("制表人：王芳", "", "", "", "审核人：李强", "", "", "", "", "", "", "", "", "")
    return layout


def in_post_members() -> Layout:
    """在职党员报到登记表: 工作单位 and 职务 apart, 单位党组织, 报到时间 (not read), 服务意向."""
    p = People(2)
    layout = Layout("在职党员报到登记表", "在职党员报到登记表.xlsx", write_xlsx, merges=["A1:L1"])
    layout.line("西湖新村社区在职党员报到登记表", *[""] * 11)
    layout.line("序号", "姓名", "性别", "出生年月", "政治面貌", "工作单位", "职务", "单位党组织", "现居住地址",
                "联系电话", "报到时间", "服务意向")  # fmt: skip

    def row(birth: object, political: str, work: str, post: str, org: str, *, phone: str | None = None,
            outcome: str = CREATED, words: str = "") -> None:  # fmt: skip
        n = len(layout.expected) + 1
        layout.person(n, p.name(), "男" if n % 2 else "女", birth, political, work, post, org,
                      p.address(n % 4, 1, 400 + n), phone or p.phone(), date(2024, 3, n), "政策咨询、义务理发",
                      outcome=outcome, words=words)  # fmt: skip

    row("1985.04", "中共党员", "衡阳市自来水公司", "工程师", "衡阳市自来水公司党委")
    row("1990年2月", "中共预备党员", "石鼓区人民法院", "书记员", "石鼓区人民法院机关党支部")
    row("1979.09", "中共党员", "衡阳师范学院", "", "衡阳师范学院党委")
    row("1988.08", "中共党员", "衡阳市第一人民医院", "医生", "衡阳市第一人民医院党委", phone="138001380",
        outcome=REFUSED, words="电话号码位数不对")  # fmt: skip
    row("1990.13", "中共党员", "衡阳市供电公司", "电工", "衡阳市供电公司党委", outcome=REFUSED, words="不存在")
    row(
        "1992.05",
        "待定",
        "衡阳市税务局",
        "科员",
        "衡阳市税务局机关党委",
        outcome=WARNING,
        words="政治面貌「待定」认不出",
    )
    row("1983.03", "中共党员", "衡阳日报社", "编辑", "衡阳日报社党委", phone="0734-8221234")
    row("1986.11", "中共党员", "无", "", "西湖新村社区党委")
    return layout


def household_register() -> Layout:
    """居民信息登记表: households by 户号 and 与户主关系, the address on the 户主's row only,
    members among the family by 政治面貌."""
    p = People(3)
    layout = Layout("居民信息登记表（户号、与户主关系）", "居民信息登记表.xlsx", write_xlsx)
    layout.line("西湖新村社区居民信息登记表")
    layout.line("户号", "姓名", "与户主关系", "性别", "民族", "出生日期", "身份证号", "政治面貌", "文化程度",
                "工作单位", "联系电话", "现住址", "备注")  # fmt: skip

    def row(number: str, relation: str, born: date, male: bool, political: str, education: str, work: str,
            address: str = "", *, with_id: bool = True, phone: str | None = "", outcome: str = CREATED,
            words: str = "") -> None:  # fmt: skip
        id_number = p.id_number(born, male) if with_id else ""
        layout.person(number, p.name(), relation, "男" if male else "女", "汉族", born.isoformat(), id_number,
                      political, education, work, p.phone() if phone == "" else phone, address, "",
                      outcome=outcome, words=words)  # fmt: skip

    row("001", "户主", date(1955, 1, 5), True, "中共党员", "高中", "退休", "船山路63号2单元301室")
    row("001", "妻", date(1957, 3, 8), False, "群众", "初中", "退休", phone=None)
    row("001", "长子", date(1980, 7, 19), True, "中共预备党员", "大学本科", "衡阳市第一人民医院 医生")
    row("001", "孙女", date(2012, 6, 1), False, "少先队员", "小学", "", with_id=False, phone=None)
    row("002", "户主", date(1962, 9, 9), False, "中共党员", "大专", "衡阳市图书馆", "环城北路93号1单元502室")
    row("002", "之夫", date(1960, 4, 4), True, "群众", "高中", "个体")
    row("002", "女儿", date(2005, 10, 10), False, "共青团员", "高中", "学生", phone=None)
    row("002", "母亲", date(1932, 12, 1), False, "群众", "文盲", "", phone=None)
    row("002", "干女儿", date(1999, 2, 2), False, "群众", "大学本科", "衡阳市邮政局", outcome=WARNING,
        words="与户主关系「干女儿」认不出")  # fmt: skip
    row("003", "本人", date(1948, 8, 8), True, "群众", "小学", "无业", "学宫巷3号1单元201室", phone="0734-8221234")
    row("003", "弟", date(1951, 5, 5), True, "群众", "小学", "退休", phone=None)
    row("001", "女婿", date(1982, 1, 1), True, "群众", "大专", "个体", "学宫巷3号1单元202室", outcome=WARNING,
        words="住址却不同")  # fmt: skip
    row("009", "户主", date(1970, 7, 7), True, "群众", "初中", "个体", outcome=REFUSED, words="没有填写住址")
    return layout


def grid_collection() -> Layout:
    """网格员入户采集表, saved from Excel as CSV (GBK): 楼栋 | 单元 | 门牌号 apart, 人员类别 as care
    tags, an ID number Excel turned into scientific notation, columns not read (网格, 采集人)."""
    p = People(4)
    layout = Layout("网格员入户采集表（CSV，GBK）", "网格员入户采集表.csv", write_csv("gbk"))
    layout.line("西湖新村社区第三网格入户采集表")
    layout.line("所属网格", "楼栋", "单元", "门牌号", "姓名", "与户主关系", "性别", "身份证号码", "联系电话",
                "人员类别", "走访情况", "采集人", "采集日期")  # fmt: skip

    def row(stair: str, room: str, relation: str, born: date, male: bool, phone: str, tags: str = "", *,
            id_number: str | None = None, name: str | None = None, outcome: str = CREATED,
            words: str = "") -> None:  # fmt: skip
        layout.person("第三网格", "5栋", stair, room, name or p.name(), relation, "男" if male else "女",
                      p.id_number(born, male) if id_number is None else id_number, phone, tags, "已走访",
                      "李网格", "2024/5/12", outcome=outcome, words=words)  # fmt: skip

    row("2", "301", "户主", date(1940, 2, 3), False, p.phone(), "独居老人、高龄")
    row("2", "302", "户主", date(1958, 6, 6), True, "0734-8221234", "低保")
    row("2", "302", "配偶", date(1960, 6, 6), False, "")
    row("2", "401", "户主", date(1966, 6, 6), True, p.phone(), id_number="4.30407E+17", outcome=REFUSED,
        words="科学计数法")  # fmt: skip
    row("2", "402", "租户", date(1991, 9, 9), False, p.phone(), outcome=WARNING, words="与户主关系「租户」认不出")
    row("3", "101", "户主", date(1950, 1, 20), True, "+86 139 1234 5678", "残疾")
    row("3", "102", "", date(1975, 3, 3), True, p.phone(), name=f"{p.name()}（户主）")
    layout.line()
    layout.line("合计：6户")
    return layout


def care_ledger() -> Layout:
    """关爱对象台账 (.ods): 年龄 and the contact person's phone not read, old 15-digit IDs, long notes."""
    p = People(5)
    layout = Layout("关爱对象台账（ODS）", "关爱对象台账.ods", write_ods)
    layout.line("西湖新村社区关爱对象台账（2024年）")
    layout.line("序号", "姓名", "性别", "年龄", "身份证号", "住址", "关爱类型", "本人电话", "紧急联系人",
                "紧急联系人电话", "帮扶责任人", "备注")  # fmt: skip

    def row(id_number: str, tags: str, phone: str = "", note: str = "", *, outcome: str = CREATED,
            words: str = "") -> None:  # fmt: skip
        n = len(layout.expected) + 1
        layout.person(n, p.name(), "", 80 + n, id_number, p.address(1, 1, 100 + n), tags, phone, p.name(),
                      p.phone(), "刘光前", note, outcome=outcome, words=words)  # fmt: skip

    row(p.id_number(date(1938, 5, 5), False), "独居老人、高龄", p.phone(), "每周电话问候")
    row("430407400303021", "空巢老人", outcome=WARNING, words="15位的旧号码")
    row(p.id_number(date(1941, 1, 1), True)[:17], "高龄", outcome=REFUSED, words="应为18位")
    row(p.id_number(date(1939, 9, 9), False), "残疾、低保", "", "老人" * 110, outcome=WARNING, words="备注超过200个字")
    long_tag = "需要每天上门查看并协助就医的特别困难独居老人"
    row(p.id_number(date(1944, 4, 4), True), f"独居老人、{long_tag}", p.phone(), outcome=WARNING, words="太长")
    return layout


def party_system_export() -> Layout:
    """A 党员信息系统 export as CSV in UTF-8 with BOM: full dates, 所在党支部, 转正日期 not read."""
    p = People(6)
    layout = Layout("党员信息系统导出（CSV，UTF-8-BOM）", "党员信息导出.csv", write_csv("utf-8-sig"))
    layout.line("姓名", "性别", "民族", "出生日期", "学历", "身份证号", "手机号码", "党员类别", "入党日期",
                "转正日期", "所在党支部", "现居住地址", "工作岗位")  # fmt: skip

    def row(born: date, joined: str, standing: str = "正式党员", education: str = "大学本科", *,
            outcome: str = CREATED, words: str = "") -> None:  # fmt: skip
        n = len(layout.expected) + 1
        layout.person(p.name(), "男" if n % 2 else "女", "汉族", born.isoformat(), education,
                      p.id_number(born, bool(n % 2)), p.phone(), standing, joined, "", "西湖新村社区第一党支部",
                      p.address(2, 1, 300 + n), "退休", outcome=outcome, words=words)  # fmt: skip

    row(date(1945, 5, 5), "1968-07-01")
    row(date(1960, 6, 6), "1986-06-30", education="中专")
    row(date(1999, 9, 9), "2024-06-28", standing="预备党员")
    row(date(1990, 5, 1), "1985-07-01", outcome=REFUSED, words="早于出生日期")
    row(date(1958, 8, 8), "1982-12-01", education="其他", outcome=WARNING, words="文化程度「其他」认不出")
    return layout


def household_csv_gbk() -> Layout:
    """The issue's household roster saved from Excel as CSV (GBK): 户号, 与户主关系, Excel's
    1956/4/18 dates, the place on the 户主's row only."""
    p = People(7)
    layout = Layout("户籍花名册（Excel 另存 CSV，GBK）", "户籍花名册.csv", write_csv("gbk"))
    layout.line("户号", "姓名", "与户主关系", "性别", "出生日期", "身份证号", "联系电话", "楼栋", "单元", "房号")

    def row(number: str, relation: str, born: date, male: bool, place: tuple = ("", "", ""), *,
            phone: str | None = None, birth: str | None = None, outcome: str = CREATED,
            words: str = "") -> None:  # fmt: skip
        layout.person(number, p.name(), relation, "男" if male else "女",
                      birth or f"{born.year}/{born.month}/{born.day}", p.id_number(born, male),
                      p.phone() if phone is None else phone, *place, outcome=outcome, words=words)  # fmt: skip

    row("A01", "户主", date(1956, 4, 18), True, ("7栋", "1", "101"))
    row("A01", "配偶", date(1958, 2, 1), False, phone="")
    row("A01", "子", date(1983, 11, 30), True)
    row("A02", "户主", date(1949, 7, 1), False, ("7栋", "1", "102"), phone="1380013800", outcome=REFUSED,
        words="电话号码位数不对")  # fmt: skip
    row("A03", "户主", date(1960, 2, 29), True, ("7栋", "2", "201"), birth="1960/2/30", outcome=REFUSED,
        words="不存在")  # fmt: skip
    row("A03", "妻", date(1962, 3, 3), False, ("7栋", "2", "201"))
    return layout


def volunteer_list_utf8() -> Layout:
    """A sign-up list exported by a mini-program: CSV in UTF-8 without BOM, a quoted cell with a
    comma, a cell with a line break."""
    p = People(8)
    layout = Layout("志愿者报名表（CSV，UTF-8）", "志愿者报名.csv", write_csv("utf-8"))
    layout.line("姓名", "手机号", "住址", "政治面貌", "服务项目", "备注")
    layout.person(p.name(), p.phone(), "船山路63号2单元501", "中共党员", "理发, 修家电", "")
    layout.person(p.name(), "+86 138 0000 0002", "船山路63号2单元502", "群众", "代买代办", "")
    layout.person(p.name(), p.phone(), "船山路63号2单元601", "中共党员", "政策咨询", "每周六上午\n可以服务")
    layout.person(p.name(), "12345678901", "船山路63号2单元602", "群众", "", "", outcome=REFUSED, words="电话号码")
    return layout


def group_roster_two_row_header() -> Layout:
    """A 党小组 roster with a two-row header (住址 over 楼栋 | 单元 | 房号) and a building cell
    merged down over a household."""
    p = People(9)
    layout = Layout("党小组名册（两行表头、合并单元格）", "党小组名册.xlsx", write_xlsx,
                    merges=["A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:F2", "G2:G3", "H2:H3", "D4:D6"])  # fmt: skip
    layout.line("环城北路93号党小组党员名册", *[""] * 7)
    layout.line("序号", "姓名", "性别", "住址", "", "", "联系电话", "政治面貌")
    layout.line("", "", "", "楼栋", "单元", "房号", "", "")
    layout.person(1, p.name(), "男", "环城北路93号", 1, 301, p.phone(), "中共党员")
    layout.person(2, p.name(), "女", "", 1, 302, p.phone(), "中共党员")
    layout.person(3, p.name(), "男", "", 2, 101, p.phone(), "预备党员")
    layout.person(4, p.name(), "女", "学宫巷3号", 1, 201, p.phone(), "群众")
    layout.person(5, "", "女", "学宫巷3号", 1, 202, p.phone(), "中共党员", outcome=REFUSED, words="姓名为空")
    return layout


def all_layouts() -> list[Layout]:
    return [
        party_roster("组织部党员花名册（xlsx）", "党员花名册.xlsx", write_xlsx),
        party_roster("组织部党员花名册（WPS 存的 xls）", "党员花名册（WPS）.xls", write_xls),
        party_roster("组织部党员花名册（WPS 表格 et）", "党员花名册.et", write_xls),
        in_post_members(),
        household_register(),
        grid_collection(),
        care_ledger(),
        party_system_export(),
        household_csv_gbk(),
        volunteer_list_utf8(),
        group_roster_two_row_header(),
    ]
