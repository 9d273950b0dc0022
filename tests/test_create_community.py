"""`loudong create_community`: how a real deployment gets its first community."""

from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from loudong.accounts.models import AuditEntry
from loudong.registry.models import CareTag, Community, District, Subdistrict

XIHU = ("--district", "石鼓区", "--subdistrict", "青山街道", "--name", "西湖新村社区", "--code", "xihu-xincun")


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_community", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        create(*args)
    assert error.value.returncode == 2
    return str(error.value)


def test_creates_the_district_subdistrict_and_community(db):
    out = create(*XIHU, "--district-code", "shigu", "--subdistrict-code", "qingshan")
    community = Community.objects.get(code="xihu-xincun")
    assert community.name == "西湖新村社区"
    assert (community.subdistrict.code, community.subdistrict.name) == ("qingshan", "青山街道")
    assert (community.subdistrict.district.code, community.subdistrict.district.name) == ("shigu", "石鼓区")
    assert "已新建区：石鼓区（代码 shigu）" in out and "已新建街道：青山街道（代码 qingshan）" in out
    assert "已新建社区：西湖新村社区（代码 xihu-xincun）" in out
    assert "loudong grant_role 用户名 --role admin --community xihu-xincun" in out


def test_codes_left_out_are_made_from_the_pinyin_of_the_names(db):
    create(*XIHU)
    assert District.objects.get(name="石鼓区").code == "shigu"
    assert Subdistrict.objects.get(name="青山街道").code == "qingshan"


def test_a_new_community_has_the_care_tags_its_policy_sets_visit_intervals_for(db):
    create(*XIHU)
    names = set(CareTag.objects.filter(community__code="xihu-xincun").values_list("name", flat=True))
    assert {"独居老人", "高龄", "低保", "残疾", "困难家庭"} <= names


def test_the_creation_is_written_to_the_new_communitys_audit_log(db):
    create(*XIHU)
    community = Community.objects.get(code="xihu-xincun")
    entries = AuditEntry.objects.filter(community=community, action="create")
    assert set(entries.values_list("object_type", flat=True)) == {"district", "subdistrict", "community"}
    assert set(entries.values_list("actor_name", flat=True)) == {"系统"}


def test_an_existing_district_and_subdistrict_are_reused(world):
    out = create("--district", "石鼓区", "--subdistrict", "青山街道", "--name", "东风社区", "--code", "dongfeng")
    community = Community.objects.get(code="dongfeng")
    assert community.subdistrict == world.subdistrict
    assert District.objects.count() == 1 and Subdistrict.objects.filter(name="青山街道").count() == 1
    assert "已新建区" not in out and "已新建街道" not in out
    by_code = create("--district", "石鼓区", "--district-code", "shigu", "--subdistrict", "人民街道",
                     "--subdistrict-code", "renmin", "--name", "人民社区", "--code", "renmin-c")  # fmt: skip
    assert Community.objects.get(code="renmin-c").subdistrict.code == "renmin"
    assert "已新建" in by_code and "已新建街道" not in by_code


def test_running_it_again_with_the_same_code_reports_it_exists_and_creates_nothing(db):
    create(*XIHU)
    again = create(*XIHU)
    assert "社区 西湖新村社区（代码 xihu-xincun）已存在，没有重复创建" in again
    assert Community.objects.count() == 1 and District.objects.count() == 1 and Subdistrict.objects.count() == 1
    assert CareTag.objects.count() == 5
    assert AuditEntry.objects.filter(object_type="community").count() == 1


def test_a_code_another_community_uses_is_refused(world):
    message = refused("--district", "石鼓区", "--subdistrict", "青山街道", "--name", "东风社区", "--code", "xihu")
    assert "社区代码 xihu 已被“石鼓区青山街道西湖新村社区”使用" in message
    assert not Community.objects.filter(name="东风社区").exists()


def test_a_second_community_of_the_same_name_in_a_subdistrict_is_refused(world):
    message = refused("--district", "石鼓区", "--subdistrict", "青山街道", "--name", "西湖新村社区", "--code", "xihu2")
    assert "青山街道已有名为“西湖新村社区”的社区（代码 xihu）" in message
    assert not Community.objects.filter(code="xihu2").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--name", "西湖新村社区"), "缺少：--district 区名、--subdistrict 街道名、--code 社区代码"),
        ((*XIHU[:-1], "西湖"), "社区代码“西湖”不合格：只能用英文字母、数字、短横线（-）和下划线（_）"),
        ((*XIHU, "--district-code", "shi gu"), "区代码“shi gu”不合格"),
        ((*XIHU[:5], "社" * 51, *XIHU[6:]), "社区名太长，最多 50 个字"),
    ],
)
def test_bad_input_is_refused_in_chinese(db, args, message):
    assert message in refused(*args)
    assert not Community.objects.exists() and not District.objects.exists()


def test_a_district_code_used_by_another_district_is_refused(world):
    message = refused(*XIHU, "--district-code", "shigu", "--district", "雁峰区")
    assert "区代码 shigu 已用于“石鼓区”，与 --district 雁峰区 不一致" in message


def test_a_subdistrict_code_of_another_district_is_refused(world):
    District.objects.create(name="雁峰区", code="yanfeng")
    args = ("--district", "雁峰区", "--subdistrict", "青山街道", "--subdistrict-code", "qingshan",
            "--name", "新社区", "--code", "xin")  # fmt: skip
    assert "街道代码 qingshan 已用于“石鼓区青山街道”" in refused(*args)


def test_the_command_line_exits_with_code_2_and_a_chinese_message(db, capsys):
    argv = ["loudong", "create_community", "--name", "西湖新村社区"]
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(argv).execute()
    assert exit_.value.code == 2
    assert "缺少：" in capsys.readouterr().err
