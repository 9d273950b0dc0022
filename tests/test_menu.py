"""The declared menu: each role is shown what it may open, and every entry it is shown opens."""

import pytest

from loudong.accounts.models import Role
from loudong.home.menu import SECTIONS, menu_for


@pytest.mark.parametrize("persona", ["admin", "leader", "volunteer"])
def test_every_menu_entry_shown_to_a_role_opens_for_it(world, login, persona):
    user = getattr(world, persona)
    client = login(user)
    roles = user.roles_in(world.community.pk)
    links = [link for _, section in menu_for(roles, world.community.code) for link in section]
    assert links
    for link in links:
        response = client.get(link.url, follow=True)
        assert response.status_code == 200, (persona, link.label, link.url)


def test_the_home_page_shows_the_menu_in_sections_and_the_bar_shows_the_primary_entries(world, login):
    client = login(world.volunteer)
    page = client.get(f"/c/{world.community.code}/").content.decode()
    assert 'id="menu"' in page and "我的包户" in page and "我的服务时长" in page
    assert "导入名册" not in page and "审计日志" not in page  # admin-only entries stay hidden
    nav = page.split('aria-label="主菜单"')[1].split("</nav>")[0]
    assert "我的接单" in nav and "我的包户" in nav and "派单<" not in nav


def test_a_resident_gets_no_staff_menu(world, login):
    page = login(world.resident).get(f"/c/{world.community.code}/").content.decode()
    assert 'id="menu"' not in page


def test_admin_only_entries_are_declared_for_admins_alone():
    admin_only = {e.label for _, entries in SECTIONS for e in entries if e.roles == {Role.ADMIN}}
    assert {"导入名册", "审计日志", "制度", "工作日", "党小组规划"} <= admin_only
