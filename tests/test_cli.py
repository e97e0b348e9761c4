"""The huashu command, run as a real process: exit codes, formats, stdin and bad input."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import huashu_command


def run(args, env, stdin: bytes | None = None, timeout=120):
    return subprocess.run(
        [*huashu_command(), *args], input=stdin, capture_output=True, env=env, timeout=timeout, check=False
    )


def test_cli_check_blocked_reply_exits_1(run_env):
    out = run(["check", "改天再联系你。"], run_env)
    assert out.returncode == 1
    text = out.stdout.decode()
    assert "拦截" in text and "F10" in text and "建议改写" in text


def test_cli_check_clean_reply_exits_0(run_env):
    out = run(["check", "好的，马上到！"], run_env)
    assert out.returncode == 0
    assert "通过" in out.stdout.decode()


def test_cli_check_warned_reply_exits_0_with_json(run_env):
    out = run(["check", "--format", "json", "师傅可能下午过来。"], run_env)
    assert out.returncode == 0
    report = json.loads(out.stdout)
    assert report["verdict"] == "warn"
    assert report["findings"][0]["category"] == "D4"
    assert set(report) == {"schema_version", "text", "verdict", "score", "findings", "positives", "rewrite"}


def test_cli_check_reads_stdin(run_env):
    out = run(["check", "-", "-f", "json"], run_env, stdin="嗯，我不太清楚。".encode())
    assert out.returncode == 1
    assert json.loads(out.stdout)["findings"][0]["category"] == "F05"


def test_cli_check_invalid_utf8_on_stdin_exits_2(run_env):
    out = run(["check", "-"], run_env, stdin="好的\n改天".encode() + b"\xff\xfe\n")
    assert out.returncode == 2
    assert "UTF-8" in out.stderr.decode() and "<标准输入>:2" in out.stderr.decode()


def test_cli_check_empty_text_exits_2(run_env):
    out = run(["check", "   "], run_env)
    assert out.returncode == 2
    assert "文本为空" in out.stderr.decode()


def test_cli_check_without_text_exits_2(run_env):
    assert run(["check"], run_env).returncode == 2


def test_cli_check_long_text_from_stdin(run_env):
    text = ("您好，门禁卡已经激活，您现在刷一下试试。" * 6000)[:100_000]
    out = run(["check", "-", "-f", "json"], run_env, stdin=text.encode())
    assert out.returncode == 0
    assert json.loads(out.stdout)["verdict"] == "pass"


def test_cli_jsonl_reports_bad_lines_and_checks_the_rest(tmp_path, run_env):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "改天再联系你。", "agent": "x"}, ensure_ascii=False),
                '{"id": "b", "text": "broken',
                json.dumps({"id": "c"}),
                "",
                json.dumps({"id": 4, "text": "好的，马上到。"}, ensure_ascii=False),
            ]
        ).encode()
        + b'\n{"id": "e", "text": "\xff"}\n'
    )
    out = run(["check", "--jsonl", str(path)], run_env)
    assert out.returncode == 2
    err = out.stderr.decode()
    assert f"{path}:2:" in err and "JSON" in err
    assert f"{path}:3:" in err and "text" in err
    assert f"{path}:6:" in err and "UTF-8" in err
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["a", 4]
    assert rows[0]["verdict"] == "block" and "agent" not in rows[0]


def test_cli_jsonl_all_good_exit_reflects_blocking(tmp_path, run_env):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "谢谢您！"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run(["check", "--jsonl", str(path)], run_env).returncode == 0
    path.write_text(json.dumps({"id": 1, "text": "我不懂，我不会。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run(["check", "--jsonl", str(path)], run_env).returncode == 1


def test_cli_jsonl_missing_file_exits_2(tmp_path, run_env):
    out = run(["check", "--jsonl", str(tmp_path / "nope.jsonl")], run_env)
    assert out.returncode == 2
    assert "nope.jsonl" in out.stderr.decode()


def test_cli_broken_company_lexicon_exits_2(tmp_path, run_env):
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "bad.yaml").write_text("entries:\n  - id: acme.x\n    category: F77\n", encoding="utf-8")
    out = run(["check", "--lexicon-dir", str(tmp_path / "lex"), "好的"], run_env)
    assert out.returncode == 2
    err = out.stderr.decode()
    assert "bad.yaml" in err and "acme.x" in err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_rules_lists_every_category(run_env, fmt):
    out = run(["rules", "--format", fmt], run_env)
    assert out.returncode == 0
    text = out.stdout.decode()
    if fmt == "json":
        categories = {r["category"] for r in json.loads(text)}
        assert {f"F{i:02d}" for i in range(1, 11)} | {"D1", "D2", "D3", "D4"} <= categories
    else:
        assert "F01" in text and "D4" in text


def test_cli_rules_unknown_category_exits_2(run_env):
    assert run(["rules", "-c", "X9"], run_env).returncode == 2
