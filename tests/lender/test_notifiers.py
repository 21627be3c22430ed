"""The notifier adapters: what a notice looks like in a file and on the console."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

from zhengxin.kernel.clock import china_time
from zhengxin.kernel.money import Money
from zhengxin.lender.notices import ConsoleNotifier, FileNotifier, Message, adverse_content

ID = "110105199003071239"
ACCOUNT = "Q10152900H0001R10000000001"


def _message(channel: str) -> Message:
    content = adverse_content("张三", ACCOUNT, Money.yuan("1613.61"), date(2025, 2, 11))
    return Message(
        "张三", ID, ACCOUNT, "adverse", channel, content, china_time(date(2025, 2, 11), time(12))
    )


def test_the_file_adapter_writes_one_json_line_per_notice_with_the_id_masked(
    tmp_path: Path,
) -> None:
    notifier = FileNotifier(tmp_path / "out" / "notices.jsonl")
    notifier.send(_message(notifier.channel))
    notifier.send(_message(notifier.channel))
    lines = (tmp_path / "out" / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    row = json.loads(lines[0])
    assert row["id_number"] != ID and row["id_number"].startswith("110") and ID not in lines[0]
    assert row["channel"] == "sms" and row["account_code"] == ACCOUNT
    assert "¥1,613.61" in row["content"] and "2025年02月11日" in row["content"]
    assert row["sent_at"] == "2025-02-11T04:00:00+00:00"  # noon in China, kept in UTC


def test_the_console_adapter_prints_who_and_what() -> None:
    printed: list[str] = []
    notifier = ConsoleNotifier(printed.append)
    notifier.send(_message(notifier.channel))
    (line,) = printed
    assert line.startswith("[app → 张三]") and "第十五条" in line
