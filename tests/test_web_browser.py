"""The web app in headless Chromium (Debian's /usr/bin/chromium driven by Playwright):
the widget on the demo page, sources, XSS, accessibility (axe-core from .cache/axe),
small screens and zoom, feedback. ``make test`` installs the browser via scripts/test-deps.sh."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from assistant.pipeline import Assistant
from tests.browser.chromium import CHROMIUM, axe_source, axe_violations, launch
from tests.browser.live import ROOT, LiveServer, shared_server, stop_shared

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (./scripts/test-deps.sh installs it)"),
]

ARTIFACTS = ROOT / "tests" / "artifacts"
Q = "生态安全领域投资多少？"
TIMEOUT = 30_000  # ms, for waits on answers (an answer takes well under a second)

# every text node on the page that is shown and smaller than 18px
SMALL_TEXT_JS = """() => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) { const n = w.currentNode; if (!n.textContent.trim()) continue; const el = n.parentElement;
    const r = el.getBoundingClientRect(); if (r.width === 0 || r.height === 0) continue;
    const st = getComputedStyle(el); if (st.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
    if (parseFloat(st.fontSize) < 18) out.push(`${el.tagName}.${el.className}: ${n.textContent.trim().slice(0, 20)} (${st.fontSize})`); }
  return out; }"""
ON_ATTRIBUTES_JS = """() => [...document.querySelectorAll('*')].flatMap(el =>
  [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on')).map(a => `${el.tagName} ${a.name}`))"""


@pytest.fixture(scope="session")
def live(plan_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield shared_server(plan_assistant, tmp_path_factory.mktemp("web"))
    stop_shared()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    ctx.set_default_timeout(TIMEOUT)
    yield ctx
    ctx.close()


def ask(frame: Any, question: str, answers_before: int) -> Any:
    """Type a question in the chat (page or frame), wait for the final answer, return it."""
    frame.locator("html[lang='zh-CN']").wait_for(state="attached")  # set by the app once it has loaded
    box = frame.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    final = frame.locator("#chat .answer:not(.pending)")
    final.nth(answers_before).wait_for()
    return final.nth(answers_before)


def test_widget_on_demo_page(live: LiveServer, context: Any) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # (the chat closes its event stream when an answer is complete: net::ERR_ABORTED, not a failure)
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED" else failed.append(f"{r.failure} {r.url}"))

    page.goto(live.url + "/demo")
    launcher = page.get_by_role("button", name="政策问答", exact=True)
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    iframe = page.locator("iframe[title='政策问答对话窗口']")
    expect(iframe).to_have_attribute("src", live.url + "/embed/")
    chat = page.frame_locator("iframe[title='政策问答对话窗口']")

    answer = ask(chat, Q, 0)
    expect(answer.locator(".answer-text")).to_contain_text("12.74亿元")
    source = answer.locator("details.source").first
    expect(source.locator("summary")).to_contain_text("[1] 六、重点工程 › 生态安全领域")
    passage = source.locator("blockquote.passage")
    expect(passage).to_be_hidden()
    source.locator("summary").click()
    expect(passage).to_be_visible()
    expect(passage).to_contain_text("共投资12.74亿元")
    expect(answer.locator(".notice")).to_contain_text("以官方发布文件为准")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))

    # XSS in questions: shown as text, nothing executes, no on* attribute reaches the DOM
    payloads = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", '"><svg onload=alert(3)>']
    for i, payload in enumerate(payloads, start=1):
        ask(chat, payload, i)
        expect(chat.locator("#chat .question").nth(i)).to_have_text(payload)
    frame = iframe.element_handle().content_frame()
    assert frame.evaluate(ON_ATTRIBUTES_JS) == []
    assert frame.evaluate("() => document.querySelectorAll('#chat img, #chat svg[onload], #chat script').length") == 0
    assert page.evaluate(ON_ATTRIBUTES_JS) == []
    assert dialogs == []
    assert hosts == {f"127.0.0.1:{live.port}"}, f"requests to other hosts: {hosts}"
    assert failed == []

    launcher.click()  # closes the panel again
    expect(page.locator("#linjiang-assistant-panel")).to_be_hidden()


def test_widget_data_attributes(live: LiveServer, context: Any) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    html = (
        '<!doctype html><html lang="zh-CN"><body><p>其他政府网站</p>'
        f'<script src="{live.url}/widget.js" data-title="问规划" data-position="left" data-accent="#ffdd00" '
        'data-question="规划到哪一年？"></script></body></html>'
    )
    # another page (served by Playwright, not the app) that only adds the script tag
    host_page = live.url + "/some-government-page"
    page.route(host_page, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.goto(host_page)
    launcher = page.get_by_role("button", name="问规划", exact=True)
    box = launcher.bounding_box()
    assert box is not None and box["x"] < 100  # bottom-left corner
    colours = launcher.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert colours == ["rgb(255, 221, 0)", "rgb(0, 0, 0)"]  # black text on a light accent
    assert launcher.evaluate("b => parseFloat(getComputedStyle(b).fontSize)") >= 18
    launcher.click()
    src = page.locator("iframe").get_attribute("src")
    assert src == live.url + "/embed/?q=%E8%A7%84%E5%88%92%E5%88%B0%E5%93%AA%E4%B8%80%E5%B9%B4%EF%BC%9F"
    expect(page.get_by_role("dialog", name="问规划")).to_be_visible()
    page.get_by_role("button", name="关闭问规划").click()
    expect(page.get_by_role("dialog", name="问规划")).to_be_hidden()


def test_prefill_examples_and_new_conversation(live: LiveServer, context: Any) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(live.url + "/embed/?q=" + "规划到哪一年？")
    expect(page.locator("#question textarea")).to_have_value("规划到哪一年？")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.get_by_role("button", name="有哪些保障措施？").click()
    answer = page.locator("#chat .answer:not(.pending)").first
    expect(answer).to_contain_text("组织领导")
    expect(page.locator("#examples").first).to_be_hidden()  # compact: examples give way to the chat
    page.get_by_role("button", name="新对话").click()
    expect(page.locator("#chat .answer")).to_have_count(0)
    expect(page.locator("#examples").first).to_be_visible()


@pytest.mark.parametrize("path", ["/embed/", "/"])
def test_accessibility_axe(live: LiveServer, context: Any, path: str) -> None:
    page = context.new_page()
    page.goto(live.url + path)
    page.locator("#question textarea").wait_for()
    source = axe_source()
    assert axe_violations(page, source) == [], "axe: serious or critical violations on the empty page"
    answer = ask(page, Q, 0)
    answer.locator("details.source summary").first.click()
    page.locator("#feedback").first.wait_for()  # (Gradio puts a group's id on two nested divs)
    page.locator("#privacy").click()  # open the privacy notice too
    assert axe_violations(page, source) == [], "axe: serious or critical violations with an answer shown"


@pytest.mark.parametrize(
    "path,viewport,scale",
    [("/", (320, 640), 1), ("/embed/", (320, 568), 1), ("/", (640, 450), 2), ("/embed/", (420, 620), 2)],
    ids=["page-320px", "embed-320px", "page-200pct-zoom", "embed-200pct-zoom"],
)
def test_small_screens_and_zoom(live: LiveServer, browser: Any, path: str, viewport: tuple[int, int], scale: int) -> None:
    """320 CSS px wide, and 200 % zoom (a 1280×900 window at 200 % is 640×450 CSS px)."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": viewport[0], "height": viewport[1]}, device_scale_factor=scale)
    try:
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(live.url + path)
        answer = ask(page, Q, 0)
        answer.locator("details.source summary").first.click()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"horizontal scrolling at {viewport}: {overflow}px"
        assert page.evaluate(SMALL_TEXT_JS) == []
        for selector in ("#question textarea", "#send", "#new-chat"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport[0] + 1, selector
        page.locator("#send").click(trial=True)  # reachable: not covered by anything
        if path == "/embed/":  # in the widget the question box stays in the first screen
            box = page.locator("#question textarea").bounding_box()
            assert box and box["y"] + box["height"] <= viewport[1] + 1
    finally:
        ctx.close()


def test_feedback_is_stored_anonymously(live: LiveServer, context: Any) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(live.url + "/embed/")
    question = "我的手机号是13812345678，身份证22062219900101123X，想问问怎么办低保？"
    ask(page, question, 0)
    page.get_by_role("button", name="没帮助").click()
    expect(page.locator("#fb-prompt")).to_contain_text("谢谢您的反馈")
    page.get_by_label("没回答我的问题").check()
    expect(page.locator("#fb-prompt")).to_contain_text("我们会根据您的意见改进")
    rows = [r for r in live.feedback.rows() if r["channel"] == "embed" and "[手机号已隐去]" in r["question"]]
    assert len(rows) == 1
    row = rows[0]
    assert row["rating"] == "not_helpful" and row["reason"] == "没回答我的问题"
    assert "13812345678" not in row["question"] and "22062219900101123X" not in row["question"]
    assert "[身份证号已隐去]" in row["question"] and row["refused"] is True  # feedback on a refusal
    assert "13812345678" not in row["answer"]

    # the thumb under the answer rates the same answer (one row per answer, the latest rating wins)
    page.locator("#chat").get_by_role("button", name="赞", exact=True).click()
    expect(page.locator("#fb-reason")).to_be_hidden()
    page.wait_for_function(
        "() => document.querySelector('#fb-prompt').textContent.includes('谢谢您的反馈')"
    )
    rows = [r for r in live.feedback.rows() if r["id"] == row["id"]]
    assert len(rows) == 1 and rows[0]["rating"] == "helpful" and rows[0]["reason"] is None
    # no phone number in the texts stored (not the random hex ids of the row and its chunks, which may hold 11 digits)
    assert not re.search(r"\d{11}", " ".join(str(rows[0][k]) for k in ("question", "answer", "reason")))
