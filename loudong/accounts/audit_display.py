"""Reading the audit log in plain Chinese: the name of each object type and each detail key.

Entries outlive the code that wrote them, so nothing here may fail on what an entry holds: a key
that is a reverse relation, a field of any kind, a key no model knows, a nested value. A key is
named by the object's model field when that field has a Chinese name, else by `DETAIL_LABELS`;
a key written in Chinese is its own name. tests/test_audit_kinds.py reads every `record(...)` call
in the source and checks that each key it may write has a Chinese name here.
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model

from loudong.accounts.models import AuditEntry

# Object types written by code other than a model instance, or models without a Chinese name.
OBJECT_TYPE_NAMES = {
    "user": "账号",
    "resident": "居民",
    "member": "党员档案",
    "household": "户",
    "building": "楼栋",
    "stairwell": "单元",
    "buildinggroup": "楼栋党小组",
    "roster": "名册",
    "importjob": "名册导入",
    "importrow": "名册导入的行",
    "rostermapping": "名册各列的对应",
    "policy": "制度",
    "policyversion": "制度",
    "policydocument": "制度文件",
    "grant": "角色",
    "community": "社区",
    "district": "区",
    "subdistrict": "街道",
    "stats_list": "统计名单",
    "apikey": "Open311 接口密钥",
    "apitoken": "接口令牌",
    "auditentry": "审计日志",
    "auditname": "审计日志中的化名",
    "caretag": "关爱标签",
    "serviceitem": "服务项目",
    "election": "组长选举",
    "elector": "选民",
    "candidate": "候选人",
    "venue": "红色议事厅",
    "venueconsent": "议事厅同意书",
    "venuekititem": "议事厅物品",
    "request": "点单",
    "requestevent": "点单记录",
    "requestphoto": "点单照片",
    "supporter": "我也遇到",
    "requestsequence": "点单编号",
    "calendaroverride": "工作日调整",
    "intake": "待受理的点单",
    "notification": "站内消息",
    "outboxmessage": "待发消息",
    "dbtaskresult": "后台任务记录",
    "grouprobot": "群机器人",
    "assignment": "包户",
    "assignmentdraft": "包户建议",
    "visit": "敲门问需",
    "meeting": "红色议事厅会议",
    "agendaitem": "会议议题",
    "attendance": "到会签到",
    "decision": "议事决定",
    "followuptask": "跟进事项",
    "activity": "活动",
    "servingmember": "活动服务党员",
    "activityphoto": "活动照片",
    "note": "党史小黑板",
    "honour": "荣誉",
    "correction": "服务时长更正",
    "certificate": "志愿服务记录证明",
    "areatally": "统计汇总",
    "areatrend": "统计趋势",
    "localtally": "统计汇总",
    "dirtyday": "待重算的统计日",
    "errandday": "跑腿时长",
    "errandweek": "跑腿时长",
    "errandmonth": "跑腿时长",
    "coveragetally": "覆盖统计",
    "stalecoverage": "待重算的覆盖统计",
    "demomarker": "演示数据",
    "idempotencyrecord": "接口重复提交记录",
    "ratecounter": "访问频率计数",
}

# Detail keys in English, as the code writes them; a model field with a Chinese name comes first.
DETAIL_LABELS = {
    "added": "新增到会",
    "address": "地址",
    "adjacent": "相邻",
    "attendance": "到会人员",
    "awarded_by": "授予单位",
    "awarded_on": "获得日期",
    "birth_date": "出生日期",
    "care_tags": "关爱标签",
    "channel": "来源",
    "confirmed": "已确认",
    "count": "条数",
    "created": "新增",
    "date": "日期",
    "decision": "议事决定",
    "depth": "深（米）",
    "deputy": "副组长",
    "description": "内容",
    "due_on": "完成期限",
    "employment": "在职/退休",
    "factor": "验证方式",
    "ends_at": "结束时间",
    "failed": "导入失败",
    "field": "字段",
    "file": "文件",
    "filter": "筛选条件",
    "from": "从",
    "gender": "性别",
    "group": "党小组",
    "held_at": "开会时间",
    "host": "主人",
    "household": "住户",
    "id": "编号",
    "id_number": "身份证号",
    "is_workday": "上班",
    "joined_on": "入党日期",
    "kind": "申请类型",
    "leader": "组长",
    "left": "剩余恢复码",
    "level": "范围",
    "locked": "账号已锁定",
    "mapping": "各列读作",
    "meeting": "会议",
    "member": "党员",
    "minutes": "会议纪要",
    "name": "名称",
    "new_household": "迁入住户",
    "note": "说明",
    "opened_on": "启用日期",
    "opening_times": "开放时间",
    "organiser": "组织者",
    "owner": "负责人",
    "page": "页面",
    "password": "密码",
    "person_name": "姓名",
    "phone": "联系电话",
    "pk": "编号",
    "place": "地点",
    "places_created": "新建的楼栋、单元和住户",
    "reason": "原因",
    "record": "档案",
    "registration": "组织关系",
    "rejected": "未导入",
    "removed": "移出到会",
    "resident": "居民",
    "resident_id": "居民",
    "row": "行号",
    "rows": "行数",
    "scope": "范围",
    "service_items": "服务项目",
    "site_height": "平面图高（米）",
    "site_width": "平面图宽（米）",
    "speaker": "主讲人",
    "stairwells": "单元",
    "standing": "党员类别",
    "starts_at": "开始时间",
    "status": "状态",
    "success": "登录成功",
    "text": "内容",
    "title": "标题",
    "to": "到",
    "tries": "第几次输错",
    "two_factor": "两步验证",
    "type": "类型",
    "unchanged": "未变",
    "updated": "更新",
    "venue": "红色议事厅",
    "venue_stairwell": "红色议事厅所在单元",
    "via": "途径",
    "visit": "敲门问需记录",
    "warnings": "提醒",
    "whole": "本人全部信息",
    "what": "事项",
    "width": "宽（米）",
    "x": "平面图横坐标（米）",
    "y": "平面图纵坐标（米）",
}

# Values written as codes, by detail key; domains above this one add theirs with `name_values`.
VALUE_WORDS: dict[str, dict[str, str]] = {
    "via": {"api": "接口", "command": "命令行"},
    "page": {"resident": "档案", "attendance": "到会名单"},
    "status": {"done": "已完成", "open": "未完成"},
    "level": {"community": "社区", "subdistrict": "街道", "district": "区", "group": "楼栋党小组"},
    "factor": {"totp": "手机验证码", "recovery": "恢复码"},
    "two_factor": {
        "enrolled": "开启（绑定手机，生成恢复码）",
        "recovery_codes": "重新生成恢复码",
        "reset": "管理员重置",
    },
}


def name_values(key: str, choices: list[tuple[str, str]]) -> None:
    """Show the codes a domain writes under `key` by their Chinese names (called from AppConfig.ready)."""
    VALUE_WORDS.setdefault(key, {}).update(choices)


def model_named(object_type: str) -> type[Model] | None:
    return next((m for m in apps.get_models() if m._meta.model_name == object_type), None)


def object_type_name(object_type: str) -> str:
    if object_type in OBJECT_TYPE_NAMES:
        return OBJECT_TYPE_NAMES[object_type]
    model = model_named(object_type)
    name = str(model._meta.verbose_name) if model else ""
    return name if name and not name.isascii() else object_type


def detail_label(model: type[Model] | None, key: str) -> str:
    """The Chinese name of a detail key; a key nobody named is shown as it is."""
    if not key.isascii():
        return key
    try:
        field = model._meta.get_field(key) if model else None
    except FieldDoesNotExist:
        field = None
    # Reverse relations and generic foreign keys have no verbose_name of their own.
    name = str(getattr(field, "verbose_name", "") or "")
    if name and not name.isascii():
        return name
    if key in DETAIL_LABELS:
        return DETAIL_LABELS[key]
    related = getattr(field, "related_model", None)
    if isinstance(related, type) and not (related_name := object_type_name(related._meta.model_name)).isascii():
        return related_name
    return key


def shown(value: object, model: type[Model] | None = None, key: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(shown(v, model) for v in value) or "（空）"
    if isinstance(value, dict):
        pairs = (f"{detail_label(model, str(k))} {shown(v, model, str(k))}" for k, v in value.items())
        return "，".join(pairs) or "（空）"
    if isinstance(value, str):
        return VALUE_WORDS.get(key, {}).get(value, value)
    return str(value)


def detail_lines(entry: AuditEntry) -> list[str]:
    """The entry's detail in plain words: field changes as "字段：旧 → 新", values as stored
    (phone and ID numbers were masked when written)."""
    detail = entry.detail
    if not isinstance(detail, dict):
        return [shown(detail)]
    if entry.action == AuditEntry.Action.LOGIN and "factor" in detail:
        return [two_factor_line(detail)]
    if entry.action == AuditEntry.Action.LOGIN and "success" in detail:
        text = "成功" if detail["success"] else "失败：用户名或密码错误"
        if detail.get("locked"):
            text = "失败：账号已锁定"
        return [f"结果：{text}"]
    model = model_named(entry.object_type)
    if entry.action == AuditEntry.Action.VIEW:
        if "field" in detail:
            return [f"显示了完整的{detail_label(model, str(detail['field']))}"]
        if set(detail) <= {"page"}:
            return [f"打开了{shown(detail.get('page') or '档案', key='page')}页面"]
    # Views write field changes either at the top level or under "changes"; both read the same.
    flat = {k: v for k, v in detail.items() if k != "changes"}
    if isinstance(detail.get("changes"), dict):
        flat.update(detail["changes"])
    elif "changes" in detail:
        flat["changes"] = detail["changes"]
    lines = []
    for key, value in flat.items():
        label = detail_label(model, str(key))
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], dict):
            lines.append(f"{label}：{shown(value[0], model, key)} → {shown(value[1], model, key)}")
        else:
            lines.append(f"{label}：{shown(value, model, key)}")
    return lines


def two_factor_line(detail: dict) -> str:
    """The second step of a login: a wrong code (the how-many-th of this login) or a recovery code used."""
    factor = shown(detail.get("factor"), key="factor")
    if detail.get("success"):
        return f"两步验证：使用了{factor}，还剩 {shown(detail.get('left'))} 个"
    return f"两步验证失败：{factor}错误（第 {shown(detail.get('tries'))} 次）"
