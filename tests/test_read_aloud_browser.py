"""朗读 on the resident's pages: a button that reads the page's main text aloud with the browser's speech
synthesis in Chinese, shown only where the browser has a Chinese voice.

Debian's headless chromium has speech synthesis but no voice at all (no speech engine on the machine):
there the button must stay hidden. To follow a reading, a page is given a stand-in for the speech
engine, a Chinese voice that records what it is asked to say (the one thing this machine lacks)."""

import pytest
from django.urls import reverse
from helpers.browser import log_in
from playwright.sync_api import Page, expect

from loudong.tickets import actions

pytestmark = pytest.mark.browser

SPEECH_ENGINE = """
window.__spoken = [];
const voice = { lang: "zh-CN", name: "普通话", default: true };
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(window, "speechSynthesis", { value: {
  speaking: false,
  getVoices() { return [voice]; },
  speak(utterance) { this.speaking = true; window.__spoken.push({ text: utterance.text, lang: utterance.lang,
    voice: utterance.voice && utterance.voice.name, rate: utterance.rate }); },
  cancel() { this.speaking = false; },
  addEventListener() {},
} });
"""


def tracked(world):
    return actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="environment",
        description="三楼楼道灯不亮，晚上看不见",
        contact_phone="13512345678",
    )


def test_where_the_browser_has_no_chinese_voice_there_is_no_read_aloud_button(world, live_server, page: Page):
    req = tracked(world)
    page.goto(live_server.url + reverse("ask:track", args=[req.tracking_token]))
    expect(page.locator("main")).to_contain_text("三楼楼道灯不亮")
    assert page.evaluate("!!window.speechSynthesis && speechSynthesis.getVoices().length") == 0
    expect(page.locator("[data-read-aloud]")).to_be_hidden()


def test_the_tracking_page_is_read_aloud_in_chinese_and_a_second_tap_stops(world, live_server, page: Page):
    req = tracked(world)
    page.add_init_script(SPEECH_ENGINE)
    page.goto(live_server.url + reverse("ask:track", args=[req.tracking_token]))
    button = page.get_by_role("button", name="朗读")
    expect(button).to_be_visible()
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN" and spoken[0]["voice"] == "普通话"
    assert "三楼楼道灯不亮" in spoken[0]["text"] and req.number in spoken[0]["text"]
    assert "朗读" not in spoken[0]["text"]  # the page, not the button
    expect(page.get_by_role("button", name="停止朗读")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="停止朗读").click()
    expect(page.get_by_role("button", name="朗读")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("speechSynthesis.speaking") is False


def test_the_residents_home_and_the_request_form_have_read_aloud(world, live_server, page: Page):
    page.add_init_script(SPEECH_ENGINE)
    page.goto(live_server.url + reverse("ask:building", args=[world.building.public_token]))
    page.get_by_role("button", name="朗读").click()
    assert "您要办什么事" in page.evaluate("window.__spoken[0].text")
    log_in(page, live_server.url, "resident")
    page.get_by_role("button", name="朗读").click()
    assert "我的点单" in page.evaluate("window.__spoken[0].text")  # a new page, a new record
