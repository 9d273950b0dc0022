"""Door-knocking without signal, on a phone, in a real browser: the volunteer's pages open with the network
off, what is typed offline waits in the phone's queue (待上传) and reaches the server exactly once when the
network returns, even when an answer is lost; a refusal is kept in 未能上传 with its reason; 退出 clears
what the phone held."""

import re

import pytest
from helpers.browser import fits_the_phone, log_in, log_out
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Route, expect

from loudong.outreach import actions as outreach
from loudong.outreach.models import Assignment, Visit
from loudong.registry.models import Household, Resident
from loudong.tickets import actions
from loudong.tickets.models import Request, Status

PHOTO_LIMIT = 300 * 1024
# What the phone holds: the pages kept and the records in IndexedDB (0 when the database is gone).
HELD = """async () => {
  const pages = (await caches.has("loudong-pages")) ? (await (await caches.open("loudong-pages")).keys()).length : 0;
  if (!(await indexedDB.databases()).some((db) => db.name === "loudong")) return {pages, records: 0};
  const db = await new Promise((ok) => { const r = indexedDB.open("loudong"); r.onsuccess = () => ok(r.result); });
  let records = 0;
  for (const name of db.objectStoreNames) {
    const counted = db.transaction(name).objectStore(name).count();
    records += await new Promise((ok) => { counted.onsuccess = () => ok(counted.result); });
  }
  db.close();
  return {pages, records};
}"""

# {url: html} of every page the service worker kept.
KEPT_PAGES = """async () => {
  const cache = await caches.open("loudong-pages");
  const kept = {};
  for (const request of await cache.keys()) kept[request.url] = await (await cache.match(request)).text();
  return kept;
}"""

pytestmark = pytest.mark.browser


@pytest.fixture
def errands(world):
    """王秀英 (the volunteer) has households to visit and two errands: one taken, one dispatched."""
    w = world
    for room in ("302", "401", "402", "501", "502", "601"):
        household = Household.objects.create(community=w.community, stairwell=w.stairwell, room=room)
        Resident.objects.create(community=w.community, household=household, name=f"住户{room}", phone="13912345678")
    outreach.propose_for(w.group, by=w.admin)
    outreach.confirm(w.group, by=w.admin)
    w.households = [a.household for a in Assignment.objects.filter(volunteer=w.wang_member).order_by("household_id")]
    assert len(w.households) >= 3
    w.taken = _errand(w, "帮忙去药店买降压药", accept=True)
    w.dispatched = _errand(w, "楼道灯坏了，晚上看不见", accept=False)
    return w


def _errand(w, description: str, *, accept: bool) -> Request:
    req = actions.place_request(
        community=w.community,
        building=w.building,
        stairwell=w.stairwell,
        category_code="hardship",
        description=description,
        contact_name="张建国",
        contact_phone="13700137000",
    )
    actions.dispatch(req, w.wang_member, by=w.leader)
    if accept:
        actions.accept(req, by=w.volunteer)
    return req


def open_online(page: Page, url: str) -> None:
    """Open a list page with the network on and wait until the phone has kept it for offline use."""
    page.goto(url)
    expect(page.locator(".offline-kept")).to_be_visible()


def keep_both_lists(page: Page, base: str) -> None:
    log_in(page, base, "volunteer")
    open_online(page, f"{base}/c/xihu/outreach/")
    open_online(page, f"{base}/c/xihu/requests/mine/")


def queued(page: Page) -> None:
    expect(page.locator(".messages")).to_contain_text("没有信号，已存入待上传")


def log_visit_offline(page: Page, base: str, household: Household, *, met: str | None = None, need: str = "") -> None:
    page.goto(f"{base}/c/xihu/outreach/")
    page.locator(f"#h{household.pk}").get_by_role("link", name="记走访").click()
    expect(page.locator(".offline-at")).to_be_visible()
    if met is None:
        page.locator("label.pill", has_text="无人在家").click()
    else:
        page.locator("label.pill", has_text=met).click()
    page.locator("label.pill", has_text="10 分钟").click()
    if need:
        page.get_by_label("发现的需求（没有就不填）").fill(need)
        page.get_by_label("需求的类别（没有信号时请选，上传后直接转为点单）").select_option(label="环境卫生")
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="保存走访").click()
    queued(page)
    expect(page.locator(f"#h{household.pk} .queued-tag")).to_have_text("走访待上传")


def big_photo(tmp_path) -> str:
    """A 4000 × 3000 photo of several MB, as a phone's camera takes it."""
    path = tmp_path / "errand.jpg"
    Image.effect_noise((4000, 3000), 40).convert("RGB").save(path, quality=95)
    assert path.stat().st_size > 2 * 1024 * 1024
    return str(path)


def visits_of(household: Household) -> int:
    return Visit.objects.filter(household=household).count()


def test_the_volunteers_pages_open_without_a_network(live_server, page: Page, context: BrowserContext, errands):
    w = errands
    base = live_server.url
    keep_both_lists(page, base)
    # The browser may offer to install the app: its manifest reads without error and nothing but this
    # test's private window stands in the way.
    devtools = context.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest") and manifest["errors"] == []
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []

    # What the phone kept: the volunteer's own pages only, phones masked as on them, no ID number.
    kept = page.evaluate(KEPT_PAGES)
    paths = {url.removeprefix(base) for url in kept}
    assert f"/c/xihu/requests/{w.taken.pk}/resolve/" in paths and f"/c/xihu/requests/{w.dispatched.pk}/" in paths
    assert all(p.startswith(("/c/xihu/outreach/", "/c/xihu/requests/")) for p in paths), paths
    assert not any("/requests/" in p and p.endswith("/requests/") for p in paths)  # not the leader's queue
    assert not [url for url, html in kept.items() if re.search(r"\d{17}[\dX]", html) or "13912345678" in html]

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="我的接单")).to_be_visible()
    expect(page.locator(".offline-at")).to_contain_text("离线查看，更新于")
    assert fits_the_phone(page), page.url
    page.locator(f"#req-{w.taken.pk}").get_by_role("link", name="查看详情").click()
    expect(page.get_by_text("帮忙去药店买降压药")).to_be_visible()
    expect(page.locator(".offline-at")).to_be_visible()
    page.get_by_role("link", name="办结").click()
    expect(page.get_by_role("heading", name="办结")).to_be_visible()

    page.goto(f"{base}/c/xihu/outreach/")
    expect(page.get_by_role("heading", name="我的包户")).to_be_visible()
    page.get_by_role("link", name="记走访").first.click()
    expect(page.get_by_role("heading", name="记走访")).to_be_visible()
    expect(page.locator(".offline-at")).to_be_visible()
    expect(page.get_by_label("需求的类别（没有信号时请选，上传后直接转为点单）")).to_be_visible()

    # A page the volunteer never kept (the leader's queue, another request) is not on the phone.
    with pytest.raises(Exception, match="net::ERR_"):
        page.goto(f"{base}/c/xihu/outreach/visits/")
    context.set_offline(False)
    log_out_page = page.goto(f"{base}/c/xihu/outreach/")
    assert log_out_page.ok
    log_out(page)


def test_three_visits_and_an_errand_typed_offline_reach_the_server_exactly_once(
    live_server, page: Page, context: BrowserContext, errands, tmp_path
):
    w = errands
    base = live_server.url
    keep_both_lists(page, base)
    context.set_offline(True)
    for url, heading in ((f"{base}/c/xihu/outreach/", "我的包户"), (f"{base}/c/xihu/requests/mine/", "我的接单")):
        page.goto(url)
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.locator(".offline-at")).to_be_visible()

    first, second, third = w.households[:3]
    log_visit_offline(page, base, first, met="住户", need="楼道灯坏了，晚上上下楼看不见")
    log_visit_offline(page, base, second)
    log_visit_offline(page, base, third)

    page.goto(f"{base}/c/xihu/requests/mine/")
    page.locator(f"#req-{w.taken.pk}").get_by_role("link", name="办结").click()
    page.get_by_role("radio", name="线下跑腿").check()
    page.get_by_label("答复内容 / 做了什么").fill("已买好降压药送到家，收据放在桌上。")
    page.get_by_label("用了多少分钟（线下跑腿必填）").fill("40")
    page.get_by_label("照片（可选，最多 3 张）").set_input_files(big_photo(tmp_path))
    page.get_by_role("button", name="提交办结").click()
    queued(page)
    expect(page.get_by_text("帮忙去药店买降压药")).to_be_visible()  # back on the request's kept page
    summary = page.locator(".offline-queue summary")
    expect(summary).to_contain_text("待上传 4 条")
    assert fits_the_phone(page), page.url
    assert Visit.objects.count() == 0 and Request.objects.get(pk=w.taken.pk).status == Status.ACCEPTED

    context.set_offline(False)  # the online event sends the queue
    expect(summary).to_contain_text("已上传 4 条")
    expect(summary).not_to_contain_text("待上传")
    assert [visits_of(h) for h in (first, second, third)] == [1, 1, 1]
    assert Visit.objects.count() == 3
    met = Visit.objects.get(household=first)
    assert met.someone_home == Visit.Home.MET and met.minutes == 10 and met.met.count() == 1
    need = Request.objects.get(channel=Request.Channel.VISIT)
    assert need.description == "楼道灯坏了，晚上上下楼看不见" and need.category_code == "environment"
    errand = Request.objects.get(pk=w.taken.pk)
    assert errand.status == Status.RESOLVED and errand.time_spent_minutes == 40
    (photo,) = errand.photos.filter(stage="done")
    assert 0 < photo.image.size <= PHOTO_LIMIT

    page.reload()  # nothing is left to send: nothing is sent twice
    expect(page.get_by_role("heading", name="帮忙去药店买降压药")).to_have_count(0)
    assert Visit.objects.count() == 3 and errand.photos.count() == 1


def test_answers_lost_on_the_way_back_create_nothing_twice(live_server, page: Page, context: BrowserContext, errands):
    w = errands
    base = live_server.url
    keep_both_lists(page, base)
    context.set_offline(True)
    first, second = w.households[:2]
    log_visit_offline(page, base, first)
    log_visit_offline(page, base, second)
    page.goto(f"{base}/c/xihu/requests/mine/")
    page.locator(f"#req-{w.dispatched.pk}").get_by_role("button", name="接单").click()
    queued(page)
    expect(page.locator(f"#req-{w.dispatched.pk}").get_by_role("button")).to_have_text("已接单（待上传）")
    expect(page.locator(".offline-queue summary")).to_contain_text("待上传 3 条")

    sent: list[str] = []  # the Idempotency-Key of every POST, in order

    def lose_some_answers(route: Route) -> None:
        sent.append(route.request.headers["idempotency-key"])
        if len(sent) in (1, 3):  # the server does the work, the phone never hears back
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route("**/api/v1/**", lose_some_answers)  # the page's requests and the service worker's sync
    context.set_offline(False)
    for _ in range(4):  # the online event, then each page load, sends what is left
        page.wait_for_load_state("networkidle")
        if page.evaluate("LoudongStore.all('queue').then((queue) => queue.length)") == 0:
            break
        page.reload()
    expect(page.locator(".offline-queue summary", has_text="待上传")).to_have_count(0)
    assert [visits_of(h) for h in (first, second)] == [1, 1]
    assert Request.objects.get(pk=w.dispatched.pk).status == Status.ACCEPTED
    # The two lost answers were asked for again with the same keys; three keys in all.
    assert sent[0] == sent[1] and sent[2] == sent[3] and len(set(sent)) == 3


def test_an_accept_for_a_request_reassigned_meanwhile_is_kept_with_the_reason(
    live_server, page: Page, context: BrowserContext, errands
):
    w = errands
    base = live_server.url
    keep_both_lists(page, base)
    context.set_offline(True)
    page.reload()
    page.locator(f"#req-{w.dispatched.pk}").get_by_role("button", name="接单").click()
    queued(page)
    actions.dispatch(Request.objects.get(pk=w.dispatched.pk), w.liu_member, by=w.leader)  # meanwhile

    context.set_offline(False)
    panel = page.locator(".offline-queue")
    expect(panel.locator("summary")).to_contain_text("未能上传 1 条")
    failed = panel.locator(".failed-item")
    expect(failed).to_contain_text(f"接单：{w.dispatched.number}")
    expect(failed).to_contain_text("未能上传：这张点单已改派给其他志愿者")
    assert fits_the_phone(page), page.url
    page.set_viewport_size({"width": 320, "height": 700})  # the smallest phones, in 长辈版
    page.goto(f"{base}/c/xihu/outreach/?elder=1")  # kept across pages until read
    expect(page.locator(".failed-item")).to_contain_text("已改派给其他志愿者")
    assert page.evaluate("document.documentElement.scrollWidth") <= 321, page.url
    page.get_by_role("button", name="知道了").click()
    expect(page.locator(".offline-queue")).to_have_count(0)
    assert Request.objects.get(pk=w.dispatched.pk).assignee == w.liu_member


def test_logging_out_clears_what_the_phone_kept(live_server, page: Page, context: BrowserContext, errands):
    base = live_server.url
    keep_both_lists(page, base)
    held = page.evaluate(HELD)
    assert held["pages"] >= 5 and held["records"] >= 1  # the lists, the pages they lead to, and whose they are
    log_out(page)
    assert page.evaluate(HELD) == {"pages": 0, "records": 0}
    context.set_offline(True)
    with pytest.raises(Exception, match="net::ERR_"):
        page.goto(f"{base}/c/xihu/requests/mine/")


def test_a_week_without_a_login_clears_what_the_phone_kept(live_server, page: Page, context: BrowserContext, errands):
    base = live_server.url
    keep_both_lists(page, base)
    page.evaluate("""async () => {
      const account = await LoudongStore.getMeta("account");
      await LoudongStore.setMeta("account", {...account, loginAt: account.loginAt - 8 * 86400});
    }""")
    context.set_offline(True)
    with pytest.raises(Exception, match="net::ERR_"):
        page.goto(f"{base}/c/xihu/requests/mine/")
    context.set_offline(False)
    page.goto(f"{base}/manifest.webmanifest")  # a page of the site that keeps nothing
    assert page.evaluate(HELD) == {"pages": 0, "records": 0}


def test_a_visit_sent_online_when_the_signal_drops_mid_send_waits_and_is_sent_once(
    live_server, page: Page, context: BrowserContext, errands
):
    """In a stairwell the browser believes it is online, but the request is lost on the way: what was typed
    stays on the phone in 待上传 and reaches the server once, with the same key, when the signal is back."""
    w = errands
    base = live_server.url
    household = w.households[0]
    log_in(page, base, "volunteer")
    attempts: list[str] = []  # the Idempotency-Key of every try

    def drop(route: Route) -> None:
        attempts.append(route.request.headers["idempotency-key"])
        route.abort("internetdisconnected")

    context.route("**/api/v1/visits", drop)  # the page's request and the service worker's sync alike
    page.goto(f"{base}/c/xihu/outreach/")
    page.locator(f"#h{household.pk}").get_by_role("link", name="记走访").click()
    page.locator("label.pill", has_text="无人在家").click()
    page.get_by_text("改走访时间、写备注").click()
    page.get_by_label("备注（可不填）").fill("敲门没人应，门上贴了联系卡")
    page.get_by_role("button", name="保存走访").click()

    expect(page.locator(".messages")).to_contain_text("网络不稳，没能发出，已存入待上传")
    expect(page.locator(".offline-queue summary")).to_contain_text("待上传 1 条")
    expect(page.locator(f"#h{household.pk} .queued-tag")).to_have_text("走访待上传")
    assert attempts and Visit.objects.count() == 0

    context.unroute("**/api/v1/visits", drop)
    context.route(
        "**/api/v1/visits", lambda route: (attempts.append(route.request.headers["idempotency-key"]), route.continue_())
    )
    page.reload()  # the signal is back: the page load sends what waits
    expect(page.locator(".offline-queue summary")).to_contain_text("已上传 1 条")
    expect(page.locator(".offline-queue summary")).not_to_contain_text("待上传")
    (visit,) = Visit.objects.all()
    assert visit.household == household and visit.note == "敲门没人应，门上贴了联系卡"
    assert len(set(attempts)) == 1  # every try carried the key fixed when the visit was saved


def test_online_a_visit_and_an_errand_go_through_the_queue_with_the_servers_message(live_server, page: Page, errands):
    w = errands
    base = live_server.url
    household = w.households[1]
    log_in(page, base, "volunteer")
    keys: list[str] = []
    page.on("request", lambda r: "/api/v1/" in r.url and keys.append(r.headers.get("idempotency-key", "")))
    page.goto(f"{base}/c/xihu/outreach/visits/new/?household={household.pk}")
    page.locator("label.pill", has_text="无人在家").click()
    page.get_by_role("button", name="保存走访").click()
    expect(page.locator(".messages")).to_contain_text(f"已记录走访：{household}。")
    expect(page.get_by_role("heading", name="我的包户")).to_be_visible()
    assert visits_of(household) == 1

    page.goto(f"{base}/c/xihu/requests/mine/")
    page.locator(f"#req-{w.dispatched.pk}").get_by_role("button", name="接单").click()
    expect(page.locator(".messages")).to_contain_text(f"已接单：{w.dispatched.number}。")
    expect(page).to_have_url(f"{base}/c/xihu/requests/{w.dispatched.pk}/")  # the request's page, as posted
    assert Request.objects.get(pk=w.dispatched.pk).status == Status.ACCEPTED
    assert len(keys) == 2 and all(keys)
    expect(page.locator(".offline-queue")).to_have_count(0)
