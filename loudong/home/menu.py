"""Everything a user can open in their community, by role, in one declared list.

The navigation bar shows the few entries marked `primary` (plus 首页 and 消息); the community's
home page shows the whole menu in sections, as large tiles. Declaring it once keeps the two in step
and lets a test check that every entry opens for every role that is shown it.
"""

from dataclasses import dataclass

from django.urls import reverse

from loudong.accounts.models import Role

ADMIN, LEADER, VOLUNTEER = Role.ADMIN, Role.LEADER, Role.VOLUNTEER
STAFF = frozenset({ADMIN, LEADER})
MEMBERS = frozenset({ADMIN, LEADER, VOLUNTEER})
SERVING = frozenset({LEADER, VOLUNTEER})


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str  # reversed with the community's code as its one argument (unless account_page)
    roles: frozenset[str]
    hint: str = ""
    primary: bool = False
    account_page: bool = False  # a page of the account, reversed without the code


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    hint: str


SECTIONS: list[tuple[str, list[Entry]]] = [
    (
        "为民服务",
        [
            Entry("派单", "tickets:queue", STAFF, "新的点单、派给志愿者、审核", primary=True),
            Entry("我的接单", "tickets:mine", SERVING, "派给我的点单，接单和办结", primary=True),
            Entry("代居民点单", "tickets:create", MEMBERS, "入户、开会或电话里听到的需求"),
            Entry("我的包户", "outreach:mine", SERVING, "我负责的住户，该走访的排在前面", primary=True),
            Entry("包户安排", "outreach:groups", STAFF, "每户都有党员负责"),
            Entry("走访覆盖", "outreach:coverage", STAFF, "本周期走访到的住户"),
        ],
    ),
    (
        "双报到",
        [
            Entry("岗位", "partners:posts", MEMBERS, "认领服务岗位：敲门问需、文明劝导、周五大扫除"),
            Entry("在职党员报到", "partners:reports", frozenset({ADMIN}), "确认报到，打印报到二维码"),
            Entry("共建单位", "partners:units", MEMBERS, "学校、医院、企业，能提供什么"),
            Entry("反馈单", "partners:sheets", frozenset({ADMIN}), "每季度评价，打印给单位党组织"),
        ],
    ),
    (
        "需求、资源和项目",
        [
            Entry("需求清单", "projects:needs", STAFF, "党小组一家办不了的需求，建议对接的资源"),
            Entry("资源清单", "projects:resources", STAFF, "共建单位和在职党员能提供的"),
            Entry("项目清单", "projects:projects", STAFF, "需求对接资源立项，按步骤办完"),
        ],
    ),
    (
        "微自治",
        [
            Entry("议事会", "meetings:list", MEMBERS, "议题、到会、纪要、决定"),
            Entry("跟进事项", "meetings:tasks", MEMBERS, "议事会定下的事，谁办、何时办完"),
        ],
    ),
    (
        "微文化",
        [
            Entry("活动", "activities:list", MEMBERS, "公益、互助、宣讲、升旗、家庭党校"),
            Entry("党史小黑板", "blackboard:index", MEMBERS, "党员写的学习笔记，可打印张贴"),
            Entry("荣誉", "honours:list", STAFF, "好人好事和表彰"),
        ],
    ),
    (
        "志愿服务时长",
        [
            Entry("我的服务时长", "hours:mine", SERVING, "办事、走访、活动的时长和证明"),
            Entry("小组服务时长", "hours:team", STAFF, "按姓名列出，不排名次"),
            Entry("时长更正", "hours:queue", STAFF, "志愿者提出的更正和补录"),
        ],
    ),
    (
        "数据",
        [
            Entry("数据看板", "stats:dashboard", STAFF, "收集、派单、办结、满意，每个数字可查明细"),
            Entry("工作简报", "stats:work_report", frozenset({ADMIN}), "按时间段生成 Word 或 PDF 简报"),
        ],
    ),
    (
        "党小组",
        [
            Entry("党小组", "elections:groups", MEMBERS, "小组、组长和选举"),
            Entry("议事场所", "venues:list", STAFF, "红色议事厅的场所和物品"),
            Entry("打印", "printing:index", STAFF, "公示栏和联系卡"),
            Entry("党小组规划", "planning:plan", frozenset({ADMIN}), "按楼栋划分党小组"),
            Entry("覆盖情况", "planning:coverage", frozenset({ADMIN}), "哪些单元还没有党小组"),
        ],
    ),
    (
        "档案",
        [
            Entry("居民", "registry:residents", STAFF, "按姓名或拼音首字母查找"),
            Entry("党员", "registry:members", STAFF, "党员和服务项目"),
            Entry("楼栋", "registry:buildings", STAFF, "楼栋、单元和住户"),
            Entry("导入名册", "roster:import", frozenset({ADMIN}), "从 Excel 名册导入"),
        ],
    ),
    (
        "管理",
        [
            Entry("制度", "policy:show", frozenset({ADMIN}), "时限、走访周期、小组规模"),
            Entry("工作日", "tickets:calendar", frozenset({ADMIN}), "节假日和调休"),
            Entry("审计日志", "audit", frozenset({ADMIN}), "谁查看或修改了个人信息"),
            Entry("登录锁定", "locks", frozenset({ADMIN}), "输错密码被锁定的账号，可解锁"),
            Entry("接口令牌", "api_tokens", MEMBERS, "程序登录接口的令牌，可撤销", account_page=True),
            Entry("两步验证", "two_factor_users", frozenset({ADMIN}), "谁用手机验证码登录；手机丢失时重置"),
            Entry("意见建议", "feedback_queue", frozenset({ADMIN}), "居民和党员对网站本身的意见，逐条答复"),
            Entry("个人信息申请", "privacy:queue", frozenset({ADMIN}), "居民查阅、更正、删除的申请，15 个工作日内答复"),
        ],
    ),
]


def _link(entry: Entry, code: str) -> Link:
    return Link(entry.label, reverse(entry.url_name, args=[] if entry.account_page else [code]), entry.hint)


def menu_for(roles: set[str], code: str) -> list[tuple[str, list[Link]]]:
    """The sections this set of roles may open, without empty sections."""
    sections = []
    for title, entries in SECTIONS:
        links = [_link(e, code) for e in entries if e.roles & roles]
        if links:
            sections.append((title, links))
    return sections


# 长辈版: the leader's and the volunteer's home page is their few main actions as big tiles (and a
# link to the whole menu). The admin's is not cut down: their work is the whole menu.
ELDER_TILES: dict[str, tuple[str, ...]] = {
    LEADER: ("tickets:queue", "tickets:mine", "outreach:mine", "meetings:list"),
    VOLUNTEER: ("tickets:mine", "outreach:mine", "tickets:create", "hours:mine"),
}


def elder_tiles_for(roles: set[str], code: str) -> list[Link]:
    """The main actions of a leader or volunteer (not an admin), empty for anyone else."""
    role = None if ADMIN in roles else next((r for r in (LEADER, VOLUNTEER) if r in roles), None)
    if role is None:
        return []
    entries = {e.url_name: e for _, section in SECTIONS for e in section}
    return [_link(entries[name], code) for name in ELDER_TILES[role]]


def primary_for(roles: set[str], code: str) -> list[Link]:
    return [_link(e, code) for _, entries in SECTIONS for e in entries if e.primary and e.roles & roles]
