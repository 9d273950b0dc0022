"""On a phone, the leader of a demo group finds a request that has just come in on the first screen
of the queue, not under the older ones."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from test_browser import log_in

from loudong.accounts.models import Role, User
from loudong.demo.logins import DEMO_PASSWORD
from loudong.tickets import actions

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_new_request_is_on_the_demo_leaders_first_screen(live_server, page: Page):
    call_command("demo", verbosity=0)
    group = User.objects.get(username="demo-leader").grants.get(role=Role.LEADER).group
    stairwell = group.stairwells.select_related("building").order_by("pk").first()
    req = actions.place_request(
        community=group.community,
        building=stairwell.building,
        stairwell=stairwell,
        category_code="environment",
        description="刚刚发现：三楼楼道灯不亮，晚上看不见",
    )
    log_in(page, live_server.url, "demo-leader", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/c/{group.community.code}/requests/")
    card = page.locator(f"#req-{req.pk}")
    expect(card).to_contain_text("刚刚发现")
    expect(card.get_by_role("link", name="派单")).to_be_in_viewport(ratio=1)
