"""`huashu audit`, run as a real process: formats, role separation, the engine's findings, the
complaint procedure, bad rows, workers, resume after kill -9, Dask, and the report."""

from __future__ import annotations

import csv
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port, huashu_command

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.corpus import transcripts  # noqa: E402


def audit(env, *args, timeout=600):
    return subprocess.run([*huashu_command(), "audit", *map(str, args)], capture_output=True, env=env, timeout=timeout, check=False)


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def findings(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def conversations(out: Path) -> dict[str, dict]:
    with open(out / "conversations.csv", encoding="utf-8") as f:
        return {row["conversation_id"]: row for row in csv.DictReader(f)}


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def row(cid, role, sender, t, text, mid=None):
    r = {"conversation_id": cid, "role": role, "sender": sender, "time": t, "text": text}
    if mid:
        r["message_id"] = mid
    return r


# ---- formats and role separation ------------------------------------------------------------

CHAT = [
    row("c1", "customer", "wm-1", "2026-11-01T09:00:00+08:00", "你们上次说改天再联系我，到现在没人理，我要投诉！", "m1"),
    row("c1", "agent", "zhang", "2026-11-01T09:01:00+08:00", "改天再联系你。", "m2"),
    row("c2", "agent", "li", 1762000060000, "好的，马上到！", "m3"),
]


def _same_result(out: Path):
    got = [(f["conversation_id"], f["sender"], f["category"], f["match"]) for f in findings(out)]
    assert got == [("c1", "zhang", "F10", "改天再联系你")]  # the resident's quote is not counted
    s = summary(out)
    assert (s["messages"], s["conversations"], s["agents"], s["rejected"]) == (3, 2, 2, 0)


def test_audit_jsonl_and_gzip(tmp_path, run_env):
    path = write_jsonl(tmp_path / "chat.jsonl", CHAT)
    assert audit(run_env, path, "--out", tmp_path / "a", "--workers", 1).returncode == 0
    _same_result(tmp_path / "a")
    gz = tmp_path / "chat.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert audit(run_env, gz, "--out", tmp_path / "b", "--workers", 1).returncode == 0
    _same_result(tmp_path / "b")


def test_audit_csv(tmp_path, run_env):
    path = tmp_path / "chat.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["message_id", "conversation_id", "role", "sender", "time", "text"])
        w.writeheader()
        for r in CHAT:
            w.writerow({"message_id": r.get("message_id", ""), **r})
    assert audit(run_env, path, "--out", tmp_path / "out", "--workers", 1).returncode == 0
    _same_result(tmp_path / "out")


def _wecom(msgid, sender, to, t, content, room=""):
    return {"msgid": msgid, "action": "send", "from": sender, "tolist": [to], "roomid": room, "msgtime": t,
            "msgtype": "text", "text": {"content": content}}


def test_audit_wecom_archive(tmp_path, run_env):
    messages = [
        _wecom("w1", "wmAbc", "zhangsan", 1762000000000, "怎么还没修？改天再联系我是吧"),
        _wecom("w2", "zhangsan", "wmAbc", 1762000060000, "改天再联系你。"),
        {"msgid": "w3", "action": "send", "from": "zhangsan", "tolist": ["wmAbc"], "roomid": "", "msgtime": 1762000070000, "msgtype": "image", "image": {}},
        _wecom("w4", "lisi", "wo123", 1762000080000, "好的，马上到！", room="wr001"),
        {"msgid": "w5", "action": "send"},
    ]
    lines = write_jsonl(tmp_path / "archive.jsonl", messages)
    out = tmp_path / "lines"
    assert audit(run_env, lines, "--out", out, "--workers", 1).returncode == 3
    got = findings(out)
    assert [(f["message_id"], f["sender"], f["category"]) for f in got] == [("w2", "zhangsan", "F10")]
    assert got[0]["conversation_id"] == "chat:wmAbc|zhangsan"
    s = summary(out)
    assert (s["messages"], s["skipped"], s["rejected"], s["agents"]) == (3, 1, 1, 2)
    array = tmp_path / "archive.json"
    array.write_text(json.dumps({"chatdata": messages[:4]}, ensure_ascii=False), encoding="utf-8")
    assert audit(run_env, array, "--out", tmp_path / "array", "--workers", 1).returncode == 0
    assert [(f["message_id"], f["category"]) for f in findings(tmp_path / "array")] == [("w2", "F10")]


def test_audit_alibaba_dialogue(tmp_path, run_env):
    doc = {"tid": "call-7", "dialogue": [
        {"role": "客户", "words": "你们物业太过分了，我要投诉", "begin": 0, "end": 3000},
        {"role": "客服", "identity": "agent-9", "words": "公司的规定就是这样的", "begin": 3500, "end": 5000},
    ]}
    path = tmp_path / "call.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert audit(run_env, path, "--out", tmp_path / "out", "--workers", 1).returncode == 0
    got = findings(tmp_path / "out")
    assert [(f["conversation_id"], f["sender"], f["category"]) for f in got] == [("call-7", "agent-9", "F08")]
    conv = conversations(tmp_path / "out")["call-7"]
    assert conv["veto"] == "true" and conv["complaint"] == "true" and conv["score"] == "0"


# ---- the engine's findings, and the procedure ---------------------------------------------------


def test_audit_findings_equal_huashu_check(tmp_path, run_env, checker):
    """Each finding as `huashu check` gives it for that message, its suggestion promising a time
    from when the message was sent (not from when the audit ran)."""
    from assistant.timing import local_time

    rows = transcripts(400, seed=3)
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    assert audit(run_env, path, "--out", tmp_path / "out", "--workers", 2).returncode == 0
    got = {}
    for f in findings(tmp_path / "out"):
        got.setdefault(f["message_id"], []).append((f["rule_id"], f["start"], f["end"], f["match"], f["suggestion"]))
    for r in rows:
        expected = [] if r["role"] != "agent" else [
            (f.rule_id, f.start, f.end, f.match, f.suggestions[0] if f.suggestions else "")
            for f in checker.check(r["text"], now=local_time(r["time"])).findings
        ]
        assert got.get(r["message_id"], []) == expected, r


PROCEDURE_CASES = {
    # a complaint answered by every step: full marks
    "complete": ([
        ("customer", "电梯又坏了，怎么还没修？我要投诉！"),
        ("agent", "谢谢您告诉我们，非常抱歉给您添麻烦了，您反映的电梯问题我已经记下了。"),
        ("agent", "原因是配件老化，工程部师傅今天下午三点前上门维修，有问题随时联系我。"),
    ], 100, "false", ""),
    # no apology, no explanation
    "no-apology": ([
        ("customer", "垃圾三天没人收了，太过分了"),
        ("agent", "谢谢您的反映，您说的情况我记下了，保洁今天下午五点前清理完，还有什么需要随时找我。"),
    ], 75, "false", "二谦;六解释"),
    # a forbidden phrase vetoes the conversation
    "veto": ([("customer", "我要投诉你们保安"), ("agent", "这不是我们的事，你要去保安部。")], 0, "true", None),
    # an emergency without escalation
    "emergency": ([
        ("customer", "家里水管爆了，水淹到客厅了！"),
        ("agent", "师傅十分钟内赶到。"),
    ], 75, "false", "八汇报"),
    # not a complaint: only the findings count
    "plain": ([("customer", "请问明天停水吗？"), ("agent", "明天上午九点到十一点停水，师傅可能会提前结束。")], 95, "false", ""),
}


def test_audit_scores_the_complaint_procedure(tmp_path, run_env):
    rows = []
    for cid, (turns, *_rest) in PROCEDURE_CASES.items():
        for i, (role, text) in enumerate(turns):
            rows.append(row(cid, role, "agent-1" if role == "agent" else "wm-9", 1762000000000 + i * 1000, text, f"{cid}-{i}"))
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    assert audit(run_env, path, "--out", tmp_path / "out", "--workers", 1).returncode == 0
    got = conversations(tmp_path / "out")
    for cid, (_turns, score, veto, missed) in PROCEDURE_CASES.items():
        assert got[cid]["score"] == str(score), (cid, got[cid])
        assert got[cid]["veto"] == veto, cid
        if missed is not None:
            assert got[cid]["steps_missed"] == missed, (cid, got[cid]["steps_missed"])
    assert got["no-apology"]["complaint_at"] == "no-apology-0"
    assert got["emergency"]["emergency_at"] == "emergency-0"


# ---- bad input ------------------------------------------------------------------------------


def test_audit_rejects_bad_rows_and_audits_the_rest(tmp_path, run_env):
    path = tmp_path / "chat.jsonl"
    good = json.dumps(row("c1", "agent", "zhang", 1, "改天再联系你。", "m1"), ensure_ascii=False)
    path.write_bytes("\n".join([
        good,
        "{broken",
        json.dumps({"conversation_id": "c2", "role": "agent", "sender": "li", "time": "yesterday", "text": "好的"}),
        json.dumps({"conversation_id": "c3", "role": "agent", "sender": "li", "time": 5}),
        json.dumps({"conversation_id": "c4", "role": "boss", "sender": "li", "time": 5, "text": "好"}),
    ]).encode() + b"\n\xff\xfe\n")
    done = audit(run_env, path, "--out", tmp_path / "out", "--workers", 1)
    assert done.returncode == 3
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["line"] for e in errors] == [2, 3, 4, 5, 6]
    assert all(e["file"] == str(path) and e["reason"] for e in errors)
    assert "time" in errors[1]["reason"] and "text" in errors[2]["reason"] and "UTF-8" in errors[4]["reason"]
    assert [f["message_id"] for f in findings(tmp_path / "out")] == ["m1"]
    assert summary(tmp_path / "out")["rejected"] == 5


def test_audit_usage_errors_exit_2(tmp_path, run_env):
    assert audit(run_env, tmp_path / "missing.jsonl", "--out", tmp_path / "o").returncode == 2
    (tmp_path / "chat.txt").write_text("x", encoding="utf-8")
    done = audit(run_env, tmp_path / "chat.txt", "--out", tmp_path / "o")
    assert done.returncode == 2 and "--format" in done.stderr.decode()
    path = write_jsonl(tmp_path / "chat.jsonl", CHAT)
    assert audit(run_env, path, "--out", tmp_path / "o", "--engine", "dask").returncode == 2
    assert audit(run_env, path).returncode == 2  # no --out


def test_audit_is_quiet_without_a_terminal(tmp_path, run_env):
    path = write_jsonl(tmp_path / "chat.jsonl", CHAT)
    done = audit(run_env, path, "--out", tmp_path / "out", "--workers", 1)
    assert done.stdout == b"" and done.stderr == b""


# ---- workers, resume, Dask ------------------------------------------------------------------

OUTPUTS = ("findings.jsonl", "conversations.csv", "agents.csv", "summary.json", "errors.jsonl")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A transcript big enough for several partitions (~10 MB), and its uninterrupted audit."""
    tmp = tmp_path_factory.mktemp("corpus")
    path = write_jsonl(tmp / "big.jsonl", transcripts(36_000, seed=21))
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"))
    done = audit(env, path, "--out", tmp / "reference", "--workers", 2)
    assert done.returncode == 0, done.stderr.decode()
    return path, tmp / "reference", env


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_audit_one_worker_equals_two(tmp_path, corpus):
    path, reference, env = corpus
    assert audit(env, path, "--out", tmp_path / "one", "--workers", 1).returncode == 0
    _same_outputs(reference, tmp_path / "one")


def test_audit_resume_after_kill(tmp_path, corpus):
    path, reference, env = corpus
    out = tmp_path / "out"
    proc = subprocess.Popen([*huashu_command(), "audit", str(path), "--out", str(out), "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    work = out / ".huashu-audit"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(work.glob("result-*.json"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its forked workers, mid-audit
    proc.wait()
    done_before = len(list(work.glob("result-*.json")))
    assert 2 <= done_before < 10, done_before  # interrupted between partitions
    assert not (out / "findings.jsonl").exists()
    done = audit(env, path, "--out", out, "--workers", 2, "--resume")
    assert done.returncode == 0, done.stderr.decode()
    _same_outputs(reference, out)
    assert not work.exists()


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A real Dask scheduler and two worker processes on loopback."""
    tmp = tmp_path_factory.mktemp("dask")
    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"), DASK_DISTRIBUTED__WORKER__DAEMON="False")
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
    address = f"tcp://127.0.0.1:{port}"
    worker = subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                               "--local-directory", str(tmp / "w")],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
    from distributed import Client

    deadline = time.monotonic() + 120
    while True:
        try:
            with Client(address, timeout="5s") as c:
                if len(c.scheduler_info()["workers"]) >= 2:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("dask cluster did not come up")
        time.sleep(0.5)
    yield address
    for proc in (worker, scheduler):
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_audit_on_dask_equals_local(tmp_path, corpus, dask_cluster):
    path, reference, env = corpus
    done = audit(env, path, "--out", tmp_path / "dask", "--executor", "dask", "--scheduler", dask_cluster)
    assert done.returncode == 0, done.stderr.decode()
    _same_outputs(reference, tmp_path / "dask")


def test_audit_dask_unreachable_scheduler_is_a_usage_error(tmp_path, run_env):
    path = write_jsonl(tmp_path / "chat.jsonl", CHAT)
    done = audit(run_env, path, "--out", tmp_path / "o", "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert done.returncode == 2 and "Dask" in done.stderr.decode()


# ---- the report -----------------------------------------------------------------------------


def test_audit_report_has_charts_and_masks_pii(tmp_path, run_env):
    rows = [
        row("c1", "customer", "wm-1", 1762000000000, "我电话13812345678，身份证110101199003071234，住3栋2单元1602，我要投诉！"),
        row("c1", "agent", "zhang", 1762000060000, "王先生13812345678，3栋2单元1602的事改天再联系你。"),
        row("c2", "agent", "li", 1762086400000, "师傅可能下午过来。"),
    ]
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    assert audit(run_env, path, "--out", tmp_path / "masked", "--workers", 1).returncode == 0
    html = (tmp_path / "masked" / "report.html").read_text(encoding="utf-8")
    for chart in ("categories", "agents", "trend"):
        assert f'data-chart="{chart}"' in html
    assert 'data-label="F10 含糊拖延" data-value="1"' in html
    assert 'data-label="zhang"' in html and 'data-label="2025-11-01"' in html
    assert "改天再联系你" in html and "138****5678" in html and "*栋*单元****" in html
    assert "13812345678" not in html and "1602" not in html
    assert "src=" not in html and "href=" not in html and "<script" not in html  # self-contained
    assert audit(run_env, path, "--out", tmp_path / "plain", "--workers", 1, "--no-mask-pii").returncode == 0
    assert "13812345678" in (tmp_path / "plain" / "report.html").read_text(encoding="utf-8")


def test_audit_resume_after_kill_while_reading_the_inputs(tmp_path, corpus):
    """Killed while the inputs were being partitioned: --resume reads them again, says so (not
    that the inputs changed), and the outputs equal an uninterrupted run's."""
    path, reference, env = corpus
    out = tmp_path / "out"
    work = out / ".huashu-audit"
    for _attempt in range(5):
        proc = subprocess.Popen([*huashu_command(), "audit", str(path), "--out", str(out), "--workers", "2"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (work / "part-0000.jsonl").exists():
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if not (work / "partitioned.json").exists():
            break
    assert (work / "manifest.json").exists() and not (work / "partitioned.json").exists()
    done = audit(env, path, "--out", out, "--workers", 2, "--resume")
    assert done.returncode == 0, done.stderr.decode()
    assert "不一致" not in done.stderr.decode() and "读入阶段中断" in done.stderr.decode()
    _same_outputs(reference, out)
