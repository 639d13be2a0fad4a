"""Bad inputs to `targets` and `lift`, one table: each exits 2 with one clear line and writes no output file.

Each row: the command, what changes from a good run (arguments and files typed into tmp_path), the message
expected on stderr. An output file that existed before the run ("OLD") must be left as it was.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]

SALES = "会员卡号,订单号,消费时间,实收金额\nann,o1,2024-06-20,100\nbob,o2,2024-06-21,50\ncat,o3,2024-06-22,80\n"
MEMBERS = "会员卡号,手机号,短信授权\nann,13812345678,是\nbob,13900001111,是\ncat,,否\n"
MEMBERS_NO_OPT_IN = "会员卡号,手机号\nann,13812345678\nbob,13900001111\n"
CAMPAIGN = "会员卡号,组别\nann,发送组\nbob,对照组\ncat,发送组\n"


class Case(NamedTuple):
    command: str
    args: tuple[str, ...]  # {tmp} stands for the test's folder
    files: dict[str, Callable[[Path], None]]  # name -> writer, in {tmp}
    message: str


def text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_text(content, encoding)


def raw(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def folder(path: Path) -> None:
    path.mkdir()


TARGETS = ("--sales", "{tmp}/sales.csv", "--members", "{tmp}/members.csv", "--out", "{tmp}/out.csv")
LIFT = ("--sales", "{tmp}/sales.csv", "--campaign", "{tmp}/campaign.csv", "--start", "2024-06-20",
        "--end", "2024-06-30", "--out", "{tmp}/out.csv")  # fmt: skip
NO_MEMBERS = ("--sales", "{tmp}/sales.csv", "--out", "{tmp}/out.csv")

CASES = {
    # targets: where the lists go
    "control-out-is-out": Case("targets", (*TARGETS, "--control-out", "{tmp}/./out.csv"), {},
                               "--control-out is the same file as --out"),
    "out-is-a-folder": Case("targets", ("--sales", "{tmp}/sales.csv", "--out", "{tmp}/dir.csv"),
                            {"dir.csv": folder}, "is a folder; give a file name"),
    "control-out-is-a-folder": Case("targets", (*TARGETS, "--control-out", "{tmp}/dir.csv"),
                                    {"dir.csv": folder}, "is a folder; give a file name"),
    "out-is-the-sales-file": Case("targets", ("--sales", "{tmp}/sales.csv", "--out", "{tmp}/sales.csv"), {},
                                  "is one of the files this command reads"),
    "control-out-is-the-dnc-list": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.csv",
                                                    "--control-out", "{tmp}/dnc.csv"),
                                        {"dnc.csv": text("ann\n")}, "is one of the files this command reads"),
    "out-suffix": Case("targets", ("--sales", "{tmp}/sales.csv", "--out", "{tmp}/out.txt"), {}, "must end in"),
    "as-of-empty": Case("targets", (*TARGETS, "--as-of", ""), {}, "between 2024-06-20 and 2024-06-22"),
    "as-of-before-the-data": Case("targets", (*TARGETS, "--as-of", "2023-01-01"), {}, "2024-06-20 to 2024-06-22"),
    "as-of-far-after-the-data": Case("targets", (*TARGETS, "--as-of", "2030-01-01"), {},
                                     "2024-06-20 to 2024-06-22"),
    # targets: seeds and settings
    "huge-seed": Case("targets", (*TARGETS, "--seed", "99999999999999999999999"), {},
                      "The seed must be a whole number from 0 to 9223372036854775807"),
    "seed-2**63": Case("targets", (*TARGETS, "--seed", str(2**63)), {}, "The seed must be a whole number"),
    "negative-seed": Case("targets", (*TARGETS, "--seed", "-1"), {}, "The seed must be a whole number"),
    "bad-channel": Case("targets", (*TARGETS, "--channel", "fax"), {}, "fax"),
    "bad-holdout": Case("targets", (*TARGETS, "--holdout", "1"), {}, "control share must be at least 0 and below 1"),
    # targets: do-not-contact lists that cannot be used
    "dnc-missing": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/nope.csv"), {}, "File not found"),
    "dnc-binary": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.csv"),
                       {"dnc.csv": raw(bytes(range(256)) * 8)}, "not a readable CSV"),
    "dnc-empty-file": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.csv"), {"dnc.csv": raw(b"")},
                           "empty"),
    "dnc-header-only": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.csv"),
                            {"dnc.csv": text("customer_id\n")}, "holds no customer id"),
    "dnc-blank-ids": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.csv"),
                          {"dnc.csv": text("会员卡号;姓名\n ;x\n;y\n")}, "holds no customer id"),
    "dnc-no-id-column": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.csv"),
                             {"dnc.csv": text("姓名,备注\n安妮,投诉\n")}, "Which column of the do-not-contact list"),
    "dnc-broken-xlsx": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.xlsx"),
                            {"dnc.xlsx": raw(b"PK\x03\x04 not really a workbook")}, "Excel"),
    # targets: lists that come out empty say why
    "sms-no-members": Case("targets", NO_MEMBERS, {}, "No SMS consent is recorded"),
    "sms-no-opt-in-column": Case("targets", TARGETS, {"members.csv": text(MEMBERS_NO_OPT_IN)},
                                 "No SMS consent is recorded"),
    "wechat-no-opt-in-column": Case("targets", (*TARGETS, "--channel", "wechat"),
                                    {"members.csv": text(MEMBERS_NO_OPT_IN)}, "No WeChat consent is recorded"),
    "filters-match-nobody": Case("targets", (*TARGETS, "--where", "frequency >= 9"), {},
                                 "no customer matches the filters"),
    # cat has no SMS opt-in: the consent check (kept beside the list) removes her first, the list the other two
    "everyone-on-the-dnc-list": Case("targets", (*TARGETS, "--exclude", "manual={tmp}/dnc.csv"),
                                     {"dnc.csv": text("ann\nbob\ncat\n", "utf-16")},
                                     "“On the uploaded exclusion list (3 ids)” removed the last 2"),
    "everyone-held-out": Case("targets", (*TARGETS, "--channel", "store", "--holdout", "0.9999999"), {},
                              "all 3 customers of the list went to the held-out control group"),
    # lift: campaign lists and outputs
    "lift-out-is-a-folder": Case("lift", (*LIFT[:-1], "{tmp}/dir.csv"), {"dir.csv": folder}, "is a folder"),
    "lift-out-is-the-campaign": Case("lift", (*LIFT[:-1], "{tmp}/campaign.csv"), {},
                                     "is one of the files this command reads"),
    "lift-campaign-binary": Case("lift", LIFT, {"campaign.csv": raw(bytes(range(256)) * 8)}, "not a readable"),
    "lift-unknown-group": Case("lift", LIFT, {"campaign.csv": text("会员卡号,组别\nann,maybe\n")},
                               "Unknown group 'maybe'"),
    "lift-no-group-column": Case("lift", LIFT, {"campaign.csv": text("会员卡号\nann\n")}, "group"),
    "lift-no-id-column": Case("lift", LIFT, {"campaign.csv": text("姓名,组别\n安妮,发送组\n")},
                              "no customer id column"),
}  # fmt: skip


def _fill(arg: str, tmp: Path) -> str:
    return arg.replace("{tmp}", str(tmp))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, case: Case) -> None:
    defaults = {"sales.csv": text(SALES), "members.csv": text(MEMBERS), "campaign.csv": text(CAMPAIGN)}
    for name, write in (defaults | case.files).items():
        write(tmp_path / name)
    outputs = [tmp_path / "out.csv", tmp_path / "control.csv"]
    for path in outputs:
        path.write_text("OLD", "utf-8")
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    args = [_fill(a, tmp_path) for a in case.args]
    result = subprocess.run(
        [sys.executable, "-m", "segcore", case.command, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SEGCORE_LANG": "en"},
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert case.message in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.read_text("utf-8") for p in outputs] == ["OLD", "OLD"]
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before  # inputs unchanged, nothing new
    dir_csv = tmp_path / "dir.csv"
    assert not dir_csv.exists() or list(dir_csv.iterdir()) == []
