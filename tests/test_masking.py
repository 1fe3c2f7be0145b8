"""One masking function for everything stored or echoed (questions, answers, reasons, the
refusal's echoed words, logs) and CSV cells a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import logging
import re
from pathlib import Path

import pytest

from assistant.answering import Decision, refusal_text
from assistant.feedback import NOT_HELPFUL, FeedbackEntry, FeedbackStore
from assistant.feedback import mask_personal_data as feedback_mask
from assistant.masking import (
    CARD_MASK,
    EMAIL_MASK,
    ID_MASK,
    MOBILE_MASK,
    PHONE_MASK,
    csv_safe,
    install_log_masking,
    mask_personal_data,
)
from assistant.pipeline import Assistant

DIGITS = re.compile(r"\d{5}")


@pytest.mark.parametrize(
    ("text", "secret", "mask"),
    [
        ("手机１３８００１３８０００", "１３８００１３８０００", MOBILE_MASK),  # full-width digits
        ("ID110101199003071234", "110101199003071234", ID_MASK),  # glued to letters
        ("证件110101-1990-0307-1234", "110101-1990-0307-1234", ID_MASK),  # grouped 6-4-4-4
        ("证件110101 19900307 1234", "110101 19900307 1234", ID_MASK),  # grouped 6-8-4
        ("身份证11010119900307123X号", "11010119900307123X", ID_MASK),  # check character X
        ("身份证１１０１０１１９９００３０７１２３ｘ", "１１０１０１１９９００３０７１２３ｘ", ID_MASK),  # full-width, x
        ("老身份证110101900307123", "110101900307123", ID_MASK),  # 15 digits, first generation
        ("打138 0013 8000找我", "138 0013 8000", MOBILE_MASK),
        ("打138-0013-8000找我", "138-0013-8000", MOBILE_MASK),
        ("+86 138 0013 8000", "138 0013 8000", MOBILE_MASK),
        ("＋８６－１３８－００１３－８０００", "１３８－００１３－８０００", MOBILE_MASK),
        ("0086-13800138000", "13800138000", MOBILE_MASK),
        ("(+86)13800138000", "13800138000", MOBILE_MASK),
        ("座机010-12345678", "12345678", PHONE_MASK),
        ("座机(0431)1234567", "1234567", PHONE_MASK),
        ("卡号6222 0212 3456 7890 123", "6222 0212 3456 7890 123", CARD_MASK),
        ("zhangsan＠example.com", "zhangsan", EMAIL_MASK),
        ("写信给li.si+a@mail.example.com.cn吧", "li.si+a@mail.example.com.cn", EMAIL_MASK),
    ],
)
def test_every_variant_is_masked(text: str, secret: str, mask: str) -> None:
    masked = mask_personal_data(text)
    assert secret not in masked and mask in masked
    assert not DIGITS.search(masked.translate({ord(c): None for c in " -－"}))  # no run of five digits left
    assert feedback_mask(text) == masked  # the feedback module's name is the same function


def test_figures_and_text_around_are_kept() -> None:
    text = "生态安全领域投资12.74亿元，2024—2035年，共14个项目，拨打12345热线；我的手机１３８００１３８０００。"
    masked = mask_personal_data(text)
    assert masked == "生态安全领域投资12.74亿元，2024—2035年，共14个项目，拨打12345热线；我的手机" + MOBILE_MASK + "。"
    assert mask_personal_data("电话12345678901") == "电话12345678901"  # no mobile number (12…)
    assert mask_personal_data("") == ""


def test_csv_cells_are_neutralized() -> None:
    for cell in ("=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\u3000=1", "＝1+1"):
        assert csv_safe(cell) == "'" + cell
    for cell in ("生态安全领域投资多少？", "12.74亿元", "", "a=b"):
        assert csv_safe(cell) == cell
    assert csv_safe(3) == 3


def test_feedback_store_masks_and_exports_safely(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    question = '=HYPERLINK("http://evil","点我")手机１３８００１３８０００，ID110101199003071234，zhangsan＠example.com'
    store.record(FeedbackEntry(id="x1", question=question, answer="-2+3 联系110101-1990-0307-1234"), NOT_HELPFUL, "其他")
    row = store.rows()[0]
    for secret in ("１３８００１３８０００", "110101199003071234", "zhangsan", "110101-1990-0307-1234"):
        assert secret not in row["question"] + row["answer"]
    out = io.StringIO()
    store.export(out, "csv")
    cells = list(csv.DictReader(io.StringIO(out.getvalue())))[0]
    assert cells["question"].startswith("'=HYPERLINK") and cells["answer"].startswith("'-2+3")
    assert not any(v.lstrip().startswith(("=", "+", "-", "@")) for v in cells.values())


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    install_log_masking()  # idempotent
    log = logging.getLogger("assistant.test")
    with caplog.at_level(logging.INFO):
        log.info("question %s from %s", "手机13800138000", "a@example.com")
        try:
            raise ValueError("ID110101199003071234")
        except ValueError:
            log.exception("failed")
    handler_text = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "13800138000" not in handler_text and "a@example.com" not in handler_text
    assert "110101199003071234" not in handler_text and MOBILE_MASK in handler_text and ID_MASK in handler_text


def test_refusal_never_echoes_personal_data() -> None:
    from assistant.identity import Identity
    from assistant.wording import Wording

    wording = Wording(Identity(document="《示例规划》", short_name="《规划》", title="示例", name="助手", issuer="示例市",
                               referral="市民热线"))
    for missing in (("ID110101199003071234",), ("１３８００１３８０００",), ("a@example.com", "门票"), ("ID1101019900",)):
        text = refusal_text(Decision(False, "not_covered", missing=missing), None, wording)
        assert not DIGITS.search(text) and "@" not in text and "１３８" not in text
    assert "门票" in refusal_text(Decision(False, "not_covered", missing=("a@example.com", "门票")), None, wording)


@pytest.mark.parametrize("question", ["ID110101199003071234的补贴怎么领？", "手机１３８００１３８０００的套餐有什么优惠？",
                                      "zhangsan＠example.com邮箱怎么注册？"])
def test_the_assistant_never_echoes_personal_data(plan_assistant: Assistant, question: str) -> None:
    answer = plan_assistant.ask(question)
    assert not DIGITS.search(answer.text.replace("12345", "")) and "zhangsan" not in answer.text
