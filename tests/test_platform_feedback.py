"""意见建议: from any page's footer, anyone tells their community what is wrong with the platform itself;
the community's admins see it, and answer it; the sender reads the answer on their own link."""

from django.urls import reverse

from loudong.feedback.models import Feedback
from loudong.registry.models import Community

NEW = reverse("feedback_new")


def test_every_page_has_the_footer_link_back_from_the_page_it_is_on(client, world, login):
    page = client.get(reverse("ask:building", args=[world.building.public_token]) + "?elder=1").content.decode()
    assert f'<a href="{NEW}?from=/ask/b/{world.building.public_token}/">意见建议</a>' in page
    page = login(world.volunteer).get(reverse("community", args=["xihu"])).content.decode()
    assert f'<a href="{NEW}?from=/c/xihu/">意见建议</a>' in page


def test_a_resident_from_a_qr_code_sends_feedback_to_the_buildings_community_and_reads_the_answer(client, world, login):
    start = f"/ask/b/{world.building.public_token}/"
    form = client.get(NEW, {"from": start}).content.decode()
    assert "请告诉西湖新村社区" in form and 'name="community"' not in form  # the QR code's page says which
    sent = client.post(NEW, {"from": start, "text": "字太小了，看不清楚"})
    feedback = Feedback.objects.get()
    assert sent["Location"] == reverse("feedback_show", args=[feedback.token])
    assert (feedback.community, feedback.page, feedback.sent_by) == (world.community, start, None)
    assert "已收到" in client.get(sent["Location"]).content.decode()

    admin = login(world.admin)
    queue = admin.get(reverse("feedback_queue", args=["xihu"])).content.decode()
    assert "字太小了，看不清楚" in queue and "待答复（1 条）" in queue
    admin.post(
        reverse("feedback_answer", args=["xihu", feedback.pk]), {"answer": "已经加了长辈版，点页面上方的“长辈版”"}
    )
    shown = client.get(sent["Location"]).content.decode()
    assert "西湖新村社区已答复" in shown and "已经加了长辈版" in shown
    assert "待答复（0 条）" in admin.get(reverse("feedback_queue", args=["xihu"])).content.decode()


def test_a_signed_in_member_sends_it_to_their_own_community(client, world, login):
    login(world.volunteer).post(NEW, {"from": "/accounts/password/", "text": "改密码的按钮找不到"})
    feedback = Feedback.objects.get()
    assert (feedback.community, feedback.sent_by) == (world.community, world.volunteer)


def test_where_the_page_names_no_community_the_sender_picks_one_or_is_told_to(client, world):
    form = client.get(NEW, {"from": "/accounts/login/"}).content.decode()
    assert 'name="community"' in form and "别的社区" in form
    refused = client.post(NEW, {"from": "/accounts/login/", "text": "登录页看不懂"}).content.decode()
    assert "请选择您所在的社区" in refused and "登录页看不懂" in refused  # kept for the next try
    assert not Feedback.objects.exists()
    client.post(NEW, {"from": "/accounts/login/", "text": "登录页看不懂", "community": world.other.pk})
    assert Feedback.objects.get().community == Community.objects.get(code="other")


def test_empty_or_too_long_feedback_is_refused_in_chinese(client, world):
    start = f"/ask/b/{world.building.public_token}/"
    assert "请写下您的意见建议" in client.post(NEW, {"from": start, "text": " "}).content.decode()
    assert "请写在 1000 字以内" in client.post(NEW, {"from": start, "text": "长" * 1001}).content.decode()
    assert not Feedback.objects.exists()


def test_only_the_communitys_admins_see_and_answer_it(client, world, login):
    feedback = Feedback.objects.create(community=world.community, text="地图太小")
    for persona in (world.volunteer, world.leader, world.outsider):
        other = login(persona)
        assert other.get(reverse("feedback_queue", args=["xihu"])).status_code == 404
        other.post(reverse("feedback_answer", args=["xihu", feedback.pk]), {"answer": "好"})
    feedback.refresh_from_db()
    assert feedback.answered_at is None
    outsider_queue = login(world.outsider).get(reverse("feedback_queue", args=["other"])).content.decode()
    assert "地图太小" not in outsider_queue


def test_an_empty_answer_is_refused(client, world, login):
    feedback = Feedback.objects.create(community=world.community, text="地图太小")
    response = login(world.admin).post(
        reverse("feedback_answer", args=["xihu", feedback.pk]), {"answer": ""}, follow=True
    )
    assert "请写下答复再提交" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.answered_at is None
