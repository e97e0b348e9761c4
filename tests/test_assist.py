"""The assistant (assistant/coach): reading residents, the steps a reply must cover, drafts that pass
the checker, draft review, its rule files' validation, sessions, POST /v1/assist on a live server,
`huashu assist`, and LLM drafting against a chat-completions stand-in on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import DATA, RESIDENTS as RESIDENT_BATCHES, ROOT, free_port, huashu_command, labelled_batches, server_env, start_server

SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTERNOON = datetime(2026, 11, 27, 15, 0, tzinfo=SHANGHAI)
RESIDENTS = labelled_batches("residents", RESIDENT_BATCHES)


@pytest.fixture(scope="module")
def coach(checker):
    from assistant.coach import Coach

    return Coach(checker)


def steps_of(items) -> set[str]:
    return {s["id"] for s in items}


# ---- reading ----------------------------------------------------------------------------------


# Residents often type without punctuation (fast, or by voice input): the readings must hold then too.
NO_PUNCTUATION = str.maketrans("", "", "，。？！、；：,.?!;:…“”\"'（）()")


@pytest.mark.parametrize("punctuation", [True, False], ids=["as-written", "no-punctuation"])
def test_reading_accuracy_on_the_labelled_residents(tmp_path, punctuation):
    sys.path.insert(0, str(ROOT / "bench"))
    from assist_eval import evaluate

    path = tmp_path / "residents.jsonl"
    strip = NO_PUNCTUATION if not punctuation else {}
    path.write_text(
        "".join(json.dumps(dict(r, text=r["text"].translate(strip)), ensure_ascii=False) + "\n" for r in RESIDENTS),
        encoding="utf-8",
    )
    result = evaluate(path)
    assert result["rows"] >= 60
    assert result["topic_accuracy"] >= 0.9, result["misses"]
    assert result["psychology_accuracy"] >= 0.85, result["misses"]
    assert result["emergencies_caught"] == result["emergencies"], result["misses"]
    assert result["emergency_kinds_right"] >= 0.95 * result["emergencies"], result["misses"]
    assert result["false_emergencies"] <= 1, result["misses"]


def test_the_labelled_set_covers_every_code():
    from assistant.taxonomy import taxonomy

    tax = taxonomy()
    assert {r["topic"] for r in RESIDENTS} == set(tax.topics)
    assert {p for r in RESIDENTS for p in r["psychology"]} == set(tax.psychology)
    assert {r["emergency"] for r in RESIDENTS} - {None} == {"fire", "gas", "trapped", "locked_in", "flood", "injury", "crime", "urgent"}
    assert any(not r["psychology"] for r in RESIDENTS)  # plain questions too


def test_evidence_is_the_residents_own_words_joined(coach):
    message = "電梯又壞了，打了三次電話都沒人理，你們什麼態度！"  # Traditional: read all the same
    advice = coach.assist(message, now=AFTERNOON)
    (respect,) = advice.psychology
    assert respect["code"] == "respect" and respect["name"] == "求尊重心理"
    assert all(e in message for e in respect["evidence"])
    assert "打了三次電話都沒人理" in respect["evidence"]  # overlapping cues come out as one phrase


def test_plain_question_has_no_psychology_and_is_not_a_complaint(coach):
    advice = coach.assist("请问小区的快递柜在哪里？", now=AFTERNOON)
    assert advice.psychology == [] and not advice.complaint and advice.urgent is None
    assert steps_of(advice.next_steps) == {"act", "help"}


def test_unanswered_messages_are_read_together(coach):
    from assistant.coach import Message

    history = [Message("customer", "电梯停在半空不动了")]
    advice = coach.assist("我妈还困在里面！", history, now=AFTERNOON)
    assert advice.urgent and advice.urgent["kind"] == "trapped"
    assert advice.topic["code"] == "equipment"


def test_name_from_the_residents_introduction(coach):
    advice = coach.assist("你好，我是5栋的李阿姨，楼道的灯坏了", now=AFTERNOON)
    assert advice.customer_name == "李阿姨"
    assert advice.draft.startswith("李阿姨您好")


# ---- drafts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [None, "王先生"])
def test_every_draft_and_alternative_passes_the_checker(coach, checker, name):
    bad = []
    for row in RESIDENTS:
        advice = coach.assist(row["text"], customer_name=name, now=AFTERNOON)
        drafts = [advice.draft, *advice.alternatives]
        assert len(drafts) == 3 and len(set(drafts)) == 3, row
        assert advice.draft_source == "rules"
        for text in drafts:
            report = checker.check(text)
            if report.verdict != "pass":
                bad.append((row["id"], text, [f.category for f in report.findings]))
            # the name given, else the one the resident introduced themselves with (我是…李女士)
            introduced = coach.situation(row["text"]).name
            assert text.startswith(name or introduced or "您好"), text
    assert not bad


def test_drafts_cover_the_steps_they_can(coach):
    """Complaint drafts thank, apologise, listen, commit, offer help and cover the call steps; only
    六解释 (the cause, which staff must find out) is left. Emergency drafts act now and escalate."""
    for row in RESIDENTS:
        situation = coach.situation(row["text"], (), "王先生")
        for text in coach.template_drafts(situation, AFTERNOON):
            left = steps_of(coach.remaining_steps(situation, text))
            assert left <= {"explain"}, (row["id"], text, left)
            assert coach.review(text, situation)["advice"] == [], (row["id"], text)


def test_emergency_draft_says_help_is_coming_now_and_how_to_stay_safe(coach):
    advice = coach.assist("楼下车库着火了，好大的烟！", now=AFTERNOON)
    urgent = advice.urgent
    assert urgent["kind"] == "fire" and urgent["name"] == "火灾"
    assert [s["name"] for s in urgent["steps"]] == ["及时向上级汇报", "将事态控制在最小范围内", "先救人报案"]
    assert "119" in urgent["steps"][2]["action"]
    assert advice.topic["code"] == "fire"
    for text in [advice.draft, *advice.alternatives]:
        assert any(w in text for w in ("马上", "现在就")), text
        assert any(w in text for w in ("撤离", "离开")), text


def test_urgent_words_without_a_kind_are_still_an_emergency(coach):
    advice = coach.assist("快来人啊，要出人命了！", now=AFTERNOON)
    assert advice.urgent["kind"] == "urgent" and advice.urgent["name"] == "紧急情况"
    assert steps_of(advice.next_steps) == {"act", "report"}
    assert all("马上" in t or "现在就" in t for t in [advice.draft, *advice.alternatives])


@pytest.mark.parametrize(
    ("live", "over"),
    [
        ("电梯困人了", "昨天电梯困人的事处理完了吗"),
        ("闻到一股煤气味", "闻到一股煤气味，后来发现是隔壁在做饭，没事了"),
        ("楼道里全是烟，呛得不行", "今天消防演练，楼道里全是烟，呛得不行，要多久"),
        ("楼道着火了", "上次着火以后消防设施检查了没有"),
        ("有人在撬我家门锁", "我家门锁上周被人撬过，到今天都没人来看"),
    ],
)
def test_a_danger_that_is_over_or_a_drill_is_not_urgent(coach, live, over):
    assert coach.assist(live, now=AFTERNOON).urgent is not None
    advice = coach.assist(over, now=AFTERNOON)
    assert advice.urgent is None, over
    assert "report" not in steps_of(advice.next_steps) or advice.complaint


@pytest.mark.parametrize(
    ("live", "possible"),
    [
        ("楼道里的电动车着火了", "电动车停在楼道里，万一着火怎么办"),
        ("燃气管漏气了", "燃气管都生锈了，会不会漏气"),
        ("我被困在电梯里了", "如果被困在电梯里该打哪个电话"),
        # a supposition covers its whole sentence, not only its own clause
        ("来水以后把楼下淹了", "假如停水时龙头没关，来水以后把楼下淹了，责任算谁的"),
    ],
)
def test_a_danger_only_imagined_is_not_urgent(coach, live, possible):
    assert coach.assist(live, now=AFTERNOON).urgent is not None
    assert coach.assist(possible, now=AFTERNOON).urgent is None, possible
    # a real danger in another clause still counts
    assert coach.assist(possible + "？现在就闻到烟味了，楼道里全是烟", now=AFTERNOON).urgent is not None


@pytest.mark.parametrize(
    "live",
    [
        "万一出事谁负责，现在电梯里就困着人",  # 万一 opening a complaint, the danger now
        "你们千万一定要快点来，三楼着火了",  # 万一 inside 千万一定
        "刚装修花了一万一，现在水管爆了",
        "我家门锁刚刚被人撬过，人还在楼道里没走",  # 过, but just now
        "门锁被撬过的痕迹很新，小偷可能还在屋里",
        "救命啊救救我的弟弟",  # a person to save, a cry alone
        "救命，我差点晕过去了，电梯里好热",  # nearly fainting, no bill in sight
        "去年淹过一回现在水又漫进客厅了",  # a past flood named, the one now still a flood
        "车库每年都淹今年水已经漫到一米深了车里还有人",  # every year, and this year now
        "每到晚上就有人撬门现在有人在撬我家门",
        "你们还不来，厨房的火都烧到门口了",  # not coming yet is no condition
        "水管爆了，水淌了一地",
    ],
)
def test_a_present_danger_beside_words_of_supposition_or_the_past_is_urgent(coach, live):
    assert coach.assist(live, now=AFTERNOON).urgent is not None, live


@pytest.mark.parametrize(
    "calm",
    [
        "电梯坏了，我一个人往家里爬了十八层",  # climbing home is no break-in
        "他早上老是起不来，快递放门口就行",  # not getting up is no fall
        "我妈腰不好站不起来，物业费能上门收吗",
        "我刚在门口滑了一跤，还好没摔着",  # a fall that did no harm
        "问一下，倘若我不在家的时候附近着火了，你们会帮忙关煤气吗",  # a supposition, later clause
    ],
)
def test_words_near_a_danger_that_is_not_happening_are_not_urgent(coach, calm):
    assert coach.assist(calm, now=AFTERNOON).urgent is None, calm


def test_everyday_messages_with_words_of_danger_are_not_urgent(coach):
    lines = (DATA / "not_emergencies.txt").read_text(encoding="utf-8").splitlines()
    messages = [line for line in lines if line.strip() and not line.startswith("#")]
    assert len(messages) >= 40
    messages += [m.translate(NO_PUNCTUATION) for m in messages]
    urgent = [(m, advice.urgent["evidence"]) for m in messages if (advice := coach.assist(m, now=AFTERNOON)).urgent]
    assert not urgent


def test_an_earlier_emergency_asked_about_does_not_start_the_audit_emergency_steps(checker):
    from assistant.conversation import Turn, evaluate

    procedure = checker.procedure
    follow_up = [Turn("customer", "上周地下室水管爆了的那件事，后续怎么样了", "m1"), Turn("agent", "您好，正在跟进。", "m2")]
    assert evaluate(procedure, follow_up).emergency_at is None
    live = [Turn("customer", "地下室水管爆了，到处都是水！", "m1"), Turn("agent", "您好，正在跟进。", "m2")]
    assert evaluate(procedure, live).emergency_at == "m1"


def test_compensation_draft_does_not_promise_money(coach):
    advice = coach.assist("停车场栏杆砸了我的车，修车的钱你们必须赔！", now=AFTERNOON)
    assert [p["code"] for p in advice.psychology] == ["compensation"]
    assert any("不轻易承诺" in a for a in advice.advice)
    for text in [advice.draft, *advice.alternatives]:
        assert "赔偿您" not in text and "一定赔" not in text and "给您赔" not in text
        assert "答复" in text or "告诉您" in text  # a time for the answer instead


def test_venting_resident_is_heard_first_and_hostile_one_gets_a_supervisor(coach):
    vent = coach.assist("又停水了，也不提前通知，气死我了！", now=AFTERNOON)
    first_sentence = vent.draft.split("。")[0]
    assert any(w in first_sentence for w in ("理解", "明白", "着急"))
    hostile = coach.assist("你们这帮废物，再不处理我就找人来砸了你们物业办公室", now=AFTERNOON)
    assert [p["code"] for p in hostile.psychology] == ["hostile"]
    assert any("自我保护" in a for a in hostile.advice)
    assert all("主管" in t for t in [hostile.draft, *hostile.alternatives])


def test_drafts_promise_a_concrete_time_that_has_not_passed(coach):
    late = datetime(2026, 11, 27, 21, 30, tzinfo=SHANGHAI)
    advice = coach.assist("楼道的灯坏了", now=late)
    assert "明天上午十点前" in advice.draft
    assert "今天下午五点前" in coach.assist("楼道的灯坏了", now=AFTERNOON).draft


@pytest.mark.parametrize(
    ("now", "hours", "expected"),
    [
        (datetime(2026, 11, 27, 9, 15), 2, "今天中午十二点前"),
        (datetime(2026, 11, 27, 15, 0), 2, "今天下午五点前"),
        (datetime(2026, 11, 27, 18, 0), 2, "今天晚上八点前"),
        (datetime(2026, 11, 27, 19, 30), 2, "明天上午十点前"),
        (datetime(2026, 11, 27, 2, 0), 2, "今天上午十点前"),
        (datetime(2026, 11, 27, 15, 0), 24, "明天下午三点前"),
    ],
)
def test_promise_time(now, hours, expected):
    from assistant.timing import promise_time

    assert promise_time(now, hours=hours) == expected


def test_promise_time_in_minutes_and_chinese_numbers():
    from assistant.timing import chinese_number, promise_time

    assert promise_time(AFTERNOON, minutes=15) == "十五分钟内"
    assert [chinese_number(n) for n in (0, 5, 10, 12, 20, 30, 99)] == ["零", "五", "十", "十二", "二十", "三十", "九十九"]


# ---- steps and review -------------------------------------------------------------------------


def test_next_steps_count_what_staff_already_said(coach):
    from assistant.coach import Message

    fresh = coach.assist("电梯又坏了，太过分了！", now=AFTERNOON)
    assert {"thank", "apologise", "listen", "act", "help", "explain"} <= steps_of(fresh.next_steps)
    assert {"hear", "relate", "value", "confirm"} <= steps_of(fresh.next_steps)
    history = [
        Message("customer", "电梯又坏了，怎么还没修好"),
        Message("agent", "非常抱歉给您添麻烦了，谢谢您告诉我们，师傅今天下午三点前上门。"),
    ]
    later = coach.assist("那我下午在家等", history, now=AFTERNOON)  # not a new complaint
    assert not steps_of(later.next_steps) & {"thank", "apologise", "act"}
    again = coach.assist("到现在还没人来，你们到底管不管！", history, now=AFTERNOON)  # complains again
    assert {"thank", "apologise", "act"} <= steps_of(again.next_steps)


def test_emergency_puts_people_first(coach):
    advice = coach.assist("水管爆了，家里到处是水，气死了！", now=AFTERNOON)
    assert advice.urgent["kind"] == "flood"
    assert steps_of(advice.next_steps) == {"act", "report"}  # courtesy steps wait


def test_draft_review_finds_missing_steps_findings_and_advice(coach):
    advice = coach.assist(
        "楼上漏水把我家天花板泡坏了，你们必须赔偿！", customer_name="陈女士", draft="这不是我们的事，你去找楼上。", now=AFTERNOON
    )
    review = advice.draft_review
    assert review["verdict"] == "block"
    assert "F04" in {f["category"] for f in review["findings"]}
    assert {"thank", "apologise", "calm", "relate"} <= steps_of(review["missing_steps"])
    promise = coach.assist("停车费必须给我退！", draft="好的，我们一定全额退给您。", now=AFTERNOON).draft_review
    assert any("不轻易承诺" in a for a in promise["advice"])
    urgent = coach.assist("电梯里困人了！", draft="收到，我们会处理的。", now=AFTERNOON).draft_review
    assert any("现在就到" in a for a in urgent["advice"])
    assert "report" in steps_of(urgent["missing_steps"])
    good = coach.assist("电梯又坏了，太过分了！", customer_name="王先生", draft=advice.draft, now=AFTERNOON)
    assert good.draft_review["verdict"] == "pass"


def test_advice_to_dict_is_the_api_shape(coach):
    data = coach.assist("电梯又坏了，太过分了！", draft="好的", now=AFTERNOON).to_dict()
    assert set(data) >= {"psychology", "topic", "urgent", "next_steps", "draft", "alternatives", "draft_review"}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert "draft_review" not in coach.assist("电梯又坏了", now=AFTERNOON).to_dict()


def test_engines_replaced_by_a_reload_are_freed_with_their_coach(tmp_path):
    import asyncio
    import gc
    import weakref

    from api.state import LiveEngine

    async def two_generations():
        state = LiveEngine(())
        await state.reload()
        first = weakref.ref(state.checker), weakref.ref(state.coach)
        assert state.coach.checker is state.checker  # the coach is built once per engine, on it
        await state.reload()
        return state, first

    state, (checker, coach) = asyncio.run(two_generations())
    gc.collect()
    assert checker() is None and coach() is None and state.coach is not None


# ---- the rule files are validated -------------------------------------------------------------


def _playbook_with(tmp_path: Path, edit) -> Path:
    import yaml

    from assistant.coach.playbook import PLAYBOOK_FILE

    data = yaml.safe_load(PLAYBOOK_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "playbook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["topics"].pop("pest"), "topics must be exactly"),
        (lambda d: d["actions"].__setitem__(0, "我现在就安排{whom}处理"), "actions[0]: unknown placeholders ['whom']"),
        (lambda d: d["psychology"]["vent"]["openings"].pop(), "openings"),
        (lambda d: d["psychology"].__setitem__("angry", d["psychology"]["vent"]), "angry"),
        (lambda d: d["emergency"].pop("gas"), "emergency kinds"),
        (lambda d: d["call_steps"][0]["patterns"].__setitem__(0, "您(说"), "call_steps 'hear'"),
        (lambda d: d["draft_checks"][0].__setitem__("when", ["sometimes"]), "promise-compensation"),
        (lambda d: d["emergency"]["fire"]["replies"].__setitem__(0, "{hello}，{who}马上到"), "emergency.fire.replies[0]"),
    ],
)
def test_playbook_errors_name_the_file_and_the_place(checker, tmp_path, edit, message):
    from assistant.coach.playbook import load_playbook
    from assistant.conversation import Signals
    from assistant.errors import PlaybookError

    kinds = set(Signals(checker.lexicon).emergency)
    steps = {s.id for s in checker.procedure.steps}
    load_playbook(checker.lexicon, kinds, steps)  # the shipped one is fine
    path = _playbook_with(tmp_path, edit)
    with pytest.raises(PlaybookError) as err:
        load_playbook(checker.lexicon, kinds, steps, path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_signals_errors_name_the_file(checker, tmp_path):
    from assistant.conversation.signals import SIGNALS_FILE, Signals
    from assistant.errors import SignalsError

    path = tmp_path / "signals.yaml"
    path.write_text(SIGNALS_FILE.read_text(encoding="utf-8").replace("  vent:", "  venting:", 1), encoding="utf-8")
    with pytest.raises(SignalsError, match="venting") as err:
        Signals(checker.lexicon, path)
    assert str(path) in str(err.value)


# ---- sessions ---------------------------------------------------------------------------------


def test_session_store_is_bounded_and_expires():
    from api.sessions import SessionStore
    from assistant.coach import Message

    clock = [0.0]
    store = SessionStore(max_sessions=2, ttl=60, max_turns=3, clock=lambda: clock[0])
    store.add("a", [Message("customer", str(i)) for i in range(5)], "王先生")
    turns, name = store.get("a")
    assert [t.text for t in turns] == ["2", "3", "4"] and name == "王先生"  # the last max_turns
    store.add("b", [Message("customer", "b")])
    store.get("a")  # reading does not make a conversation newer; writing does
    store.add("a", [Message("agent", "x")])
    store.add("c", [Message("customer", "c")])
    assert store.get("b") == ([], None)  # least recently written went first
    assert len(store) == 2
    clock[0] = 61
    assert store.get("a") == ([], None) and len(store) == 0  # quiet too long


# ---- the HTTP API -----------------------------------------------------------------------------


def test_api_assist_with_a_session(client):
    first = client.post(
        "/v1/assist",
        json={"message": "电梯又坏了，打了三次电话都没人理！", "customer_name": "王先生", "session_id": "wm-1"},
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["session_id"] == "wm-1" and body["topic"] == {"code": "equipment", "name": "设备"}
    assert body["psychology"][0]["code"] == "respect" and body["draft"].startswith("王先生")
    assert len(body["alternatives"]) == 2 and body["urgent"] is None
    sent = body["draft"]
    second = client.post(
        "/v1/assist",
        json={"message": "好的，那我在家等", "history": [{"role": "staff", "text": sent}], "session_id": "wm-1"},
    ).json()
    assert second["customer_name"] == "王先生"  # remembered
    assert second["topic"]["code"] == "equipment"  # read with the conversation
    assert not steps_of(second["next_steps"]) & {"apologise", "act"}  # the sent reply covered them
    alone = client.post("/v1/assist", json={"message": "好的，那我在家等"}).json()
    assert alone["topic"]["code"] == "other" and alone["customer_name"] is None


def test_api_assist_reviews_a_draft(client):
    body = client.post(
        "/v1/assist", json={"message": "垃圾三天没人收了，臭死了！", "draft": "嗯，我不太清楚，改天再联系你。"}
    ).json()
    review = body["draft_review"]
    assert review["verdict"] == "block"
    assert {"F05", "F10"} <= {f["category"] for f in review["findings"]}
    assert all(f["match"] == "嗯，我不太清楚，改天再联系你。"[f["start"] : f["end"]] for f in review["findings"])
    assert "apologise" in steps_of(review["missing_steps"])
    assert client.post("/v1/check", json={"text": review["rewrite"]}).json()["verdict"] == "pass"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"message": ""}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
        ({"message": "你好", "history": [{"role": "boss", "text": "x"}]}, 422, "invalid_request"),
        ({"message": "你好", "history": [{"role": "staff"}]}, 422, "invalid_request"),
        ({"message": "你好", "session_id": "has space"}, 422, "invalid_request"),
        ({"message": "你好", "customer_name": "王" * 51}, 422, "invalid_request"),
        ({"message": "电" * 10_001}, 422, "text_too_long"),
        ({"message": "你好", "draft": "好" * 10_001}, 422, "text_too_long"),
        ({"message": "你好", "history": [{"role": "staff", "text": "好" * 10_001}]}, 422, "text_too_long"),
        ({"message": "你好", "history": [{"role": "staff", "text": "好" * 8000}] * 4}, 413, "body_too_large"),
    ],
)
def test_api_assist_rejects_bad_input_with_a_reason(client, payload, status, code):
    r = client.post("/v1/assist", json=payload)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["message"] and error["code"] == code


def test_api_assist_rejects_malformed_json(client):
    r = client.post("/v1/assist", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["message"]


def test_api_assist_is_documented(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/assist"]["post"]
    assert operation["operationId"] == "assistReply"
    assert "examples" in json.dumps(operation["requestBody"])


# ---- the terminal chat ------------------------------------------------------------------------


def run_assist(stdin: bytes, *args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*huashu_command(), "assist", *args], input=stdin, capture_output=True, timeout=120, env=env)


def test_cli_assist_conversation_piped(run_env):
    script = "\n".join(
        [
            "我是3栋的王先生，电梯又坏了，打了三次电话都没人理！",
            "/草稿 师傅在路上了，您再等等。",
            "/用 2",
            "/草稿 好的，我们在跟进。",
            "/没有这个",
            "厨房里有很浓的煤气味",
            "/退出",
            "这一行不会读到",
        ]
    ).encode()
    result = run_assist(script, env=run_env)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert "求尊重心理" in out and "话题：设备" in out
    assert out.count("建议回复 1：王先生您好") == 2
    assert "已记为发送：王先生您好" in out
    first_review, second_review = out.split("草稿检查：")[1:3]
    assert "二谦" in first_review.split("\n\n")[0]  # no apology yet
    assert "二谦" not in second_review.split("\n\n")[0]  # the sent draft apologised
    assert "没有这个命令" in out
    assert "突发事件：燃气泄漏" in out and "先救人报案" in out
    assert "这一行不会读到" not in out


def test_cli_assist_json_lines_and_a_bad_line(run_env):
    result = run_assist("物业费凭什么涨？\n\xff\n/回复 好的，我们今天下午五点前给您答复。\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff"),
                        "--format", "json", "--name", "赵女士", env=run_env)
    assert result.returncode == 2
    assert "<标准输入>:2" in result.stderr.decode()
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert lines[0]["topic"]["code"] == "fees" and lines[0]["draft"].startswith("赵女士")
    assert lines[1]["recorded"] is True and lines[1]["draft_review"]["verdict"] == "pass"


# ---- LLM drafting, against a stand-in on loopback ---------------------------------------------


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("llm")
    log = tmp / "requests.jsonl"
    log.touch()
    port = free_port()
    env = {**server_env(tmp), "STANDIN_LOG": str(log)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tests.llm_standin:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(200):
        try:
            httpx.post(f"{url}/chat/completions", json={"messages": [{"role": "user", "content": "ping"}]}, timeout=1)
            break
        except httpx.HTTPError:
            import time

            time.sleep(0.05)
    yield url, log
    process.terminate()
    process.wait(timeout=10)


def test_llm_drafts_pass_the_guardrail_or_are_dropped(checker, standin):
    from assistant.coach import Coach
    from api.llm import LLMDrafter

    url, log = standin
    coach = Coach(checker, drafter=LLMDrafter(url, "qwen-test", "sk-test", timeout=2))
    advice = coach.assist("我的车在车库被刮了，你们必须赔偿！", customer_name="王先生", now=AFTERNOON)
    drafts = [advice.draft, *advice.alternatives]
    assert advice.draft_source == "llm" and len(drafts) == 3
    from tests.llm_standin import FORBIDDEN, GOOD, PROMISE, REWRITABLE

    assert FORBIDDEN not in drafts and PROMISE not in drafts and REWRITABLE not in drafts  # never returned as is
    assert GOOD in drafts
    assert any("今天下午五点前" in d and "改天" not in d for d in drafts)  # the rewritable one, composed from 15:00
    assert all(checker.check(d).verdict == "pass" for d in drafts)
    request = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert request["authorization"] == "Bearer sk-test" and request["body"]["model"] == "qwen-test"
    prompt = request["body"]["messages"][-1]["content"]
    assert "我的车在车库被刮了" in prompt and "求赔偿心理" in prompt and "王先生" in prompt
    assert "改天再联系你" in request["body"]["messages"][0]["content"]  # the forbidden phrases are in the system prompt


@pytest.mark.parametrize("trigger", ["慢一点", "乱码", "出错"])
def test_llm_failures_fall_back_to_the_built_in_drafts(checker, standin, trigger):
    from assistant.coach import Coach
    from api.llm import LLMDrafter

    url, _ = standin
    coach = Coach(checker, drafter=LLMDrafter(url, "qwen-test", timeout=1))
    advice = coach.assist(f"楼道的灯坏了，{trigger}", now=AFTERNOON)
    drafts = [advice.draft, *advice.alternatives]
    assert advice.draft_source == "rules"  # "not json at all" is read as a draft, and dropped: not Chinese
    assert len(drafts) == 3 and all(checker.check(d).verdict == "pass" for d in drafts)


def test_llm_drafting_through_the_server(standin, tmp_path):
    url, _ = standin
    env = server_env(tmp_path, HUASHU_LLM_BASE_URL=url, HUASHU_LLM_MODEL="qwen-test", HUASHU_LLM_API_KEY="sk-test")
    srv = start_server(tmp_path, env)
    try:
        body = httpx.post(f"{srv.url}/v1/assist", json={"message": "热水器坏了，修理费你们得赔", "customer_name": "王先生"}, timeout=30).json()
        assert body["draft_source"] == "llm"
        drafts = [body["draft"], *body["alternatives"]]
        for d in drafts:
            assert httpx.post(f"{srv.url}/v1/check", json={"text": d}, timeout=30).json()["verdict"] == "pass"
    finally:
        srv.stop()


@pytest.mark.parametrize(
    "text,kind",
    [
        ("钥匙锁车里了 孩子还在里面 太阳底下晒着 快", "locked_in"),  # the key inside with a child
        ("阳台门自己锁上了 我被关在阳台上 穿着睡衣", "locked_in"),  # shut out on a balcony
        ("装修工人把燃气管切到了！！屋里嘶嘶响", "gas"),  # a pipe cut
        ("厨房水龙头连根掉了！水柱直冲天花板", "flood"),  # a tap torn off
        ("有个人正在翻隔壁家的院墙，已经爬进去了", "crime"),  # climbing in now
        ("我家孩子被蛰了一脸 肿得睁不开眼", "injury"),  # stung
        ("电梯在往下掉！！我们在里面，上礼拜才说修好了！！", "trapped"),  # a repair claimed is no danger over
        ("楼前那棵树的大树枝快断了，吊着晃，下面好多小孩在玩", "urgent"),  # about to fall, people under it
        ("五楼李奶奶一个人住，三天没见她下楼了，敲门也没人应", "urgent"),  # someone alone not answering
        ("暖气管接头崩了 热水喷得满地 水都没过脚面了 快来人", "flood"),  # a kind beats a bare 快来人
        ("我家老人把卧室门反锁了，现在怎么也打不开，在里面喊", "locked_in"),  # locked from inside
        ("小区突然停电，我妈的呼吸机停了，赶紧想办法", "urgent"),  # a machine a life depends on
        # a dispute or a figure of speech elsewhere does not put out a real danger
        ("有人在撬我家门，你们保安说关我什么事", "crime"),
        ("天然气泄漏了，满楼道都是味，物业说关我什么事", "gas"),
        ("楼下电动车充电充得起火了", "fire"),
        ("油锅烧得着火了，赶紧来人", "fire"),
        # people held where they cannot leave; a lock that will not open from inside
        ("火警响了，安全出口那道门锁着，一群人挤在楼梯口出不去", "locked_in"),
        ("我奶奶在家，卫生间门锁从里面打不开了，她一直在敲门", "locked_in"),
        # something hanging over people; anyone unseen for days; a child not home and unreachable
        ("三号楼外墙的空调架子掉了一半，挂着在风里晃，底下有人在走路", "urgent"),
        ("对门王阿姨好几天没见着了，敲门也没人开，电话一直没人接", "urgent"),
        ("我女儿下午五点就该到家了，现在还没回来，电话也打不通", "urgent"),
        # a child taken by a stranger
        ("有个陌生人抱着个小男孩往外跑，孩子哭着喊不认识他", "crime"),
        # someone with dementia gone; someone adrift who cannot get back; impostors taking money now
        ("我爷爷有点老年痴呆，刚才还在楼下，现在人找不到了", "urgent"),
        ("两个孩子坐着充气船漂到水库中间了，划不回来", "urgent"),
        ("有人冒充燃气公司的，正在3楼王奶奶家逼她转账", "crime"),
        # a cry with a danger named is still one, fed up or not
        ("救命啊有人要跳楼，我快疯了", "urgent"),
        ("救命 我被困在电梯里 要疯了", "trapped"),
        # a figure's words elsewhere in the clause do not hide a danger, nor does fear (快崩溃了)
        ("简直吓死我了有人在撬门", "crime"),
        ("急得要命厨房冒烟了", "fire"),
        ("救命 我家门口有个男的一直不走 我快崩溃了", "urgent"),
        # a lift by its number stuck between floors; water poured into a home; a live wire in water
        ("2号梯停在8楼和9楼中间不动了，我妈在里面", "trapped"),
        ("隔壁装修的往我家里灌水了，地板全泡了", "flood"),
        ("小区路边一根电缆断了垂在积水里，旁边有人走", "urgent"),
        # a reproach beside a real danger is no joke owned; a thief at a window is no fall; a
        # live wire where children pass; someone alone behind a stuck lock
        ("楼上掉下来一个花盆，砸在王阿姨头上流血了，这帮人简直拿人命开玩笑", "injury"),
        ("有个男的顺着水管爬到3楼窗户外面，正在撬窗户", "crime"),
        ("修路把电线挖断了，线头露在外面，一会儿孩子们放学要从这过", "urgent"),
        ("新换的门锁卡死了，我爸一个人在屋里，怎么都打不开", "locked_in"),
        # a lift by its letter; someone who cannot open from inside; a gondola askew with a man on
        # it; a car window just smashed
        ("C梯卡在二十几楼不动了，里面有好几个人", "trapped"),
        ("我奶奶在卫生间，她从里面怎么也拧不开门", "locked_in"),
        ("擦玻璃的吊篮挂在我家12楼窗外歪着，工人还在上面", "injury"),
        ("地库有人刚把我车的车窗砸了，现在还在里面转", "crime"),
        # a child gone told in other words; a lift named by its side; someone inside who cannot
        # get out; others' parcels taken now; something hanging by one bolt where children pass
        ("孩子刚才还在沙池边，我回个头就找不见了", "urgent"),
        ("西梯停在5楼和6楼中间，我和我妈被关在里面", "trapped"),
        ("我还在仓库里面清点东西 灯一关门一锁 现在出不去了", "locked_in"),
        ("有个男的正在快递架上往自己包里塞别人的包裹", "crime"),
        ("单元门被车撞坏了，就靠一颗螺丝挂着，一直在晃，孩子们马上从这过", "urgent"),
        ("电动车充电线被压破了，铜线露在外面，旁边积水里有小孩在玩", "urgent"),  # a charger's cable
        ("配电箱门掉了，电线全裸着，两个孩子拿树枝往里捅", "urgent"),  # bare wires where children are
        # a goods lift between floors; a broken branch hanging over children; locked in from
        # outside; an intruder ransacking a home now
        ("3号楼货梯停在4楼和5楼中间，里面两个送家具的工人出不来", "trapped"),
        ("修完树留了根断了的树枝挂在秋千上面，风一吹就晃，下面好几个小孩", "urgent"),
        ("保洁走的时候把储藏室门从外面锁上了，我爸还在里面出不来", "locked_in"),
        ("有个人冒充抄表的硬闯进去了，现在还在楼上翻箱倒柜", "crime"),
        # a review's cases: a danger told after words that say another is over or that the sender
        # waited; blood with no swatting before it; someone floating in the pool
        ("幸好消防员把我儿子救出来了，他全身烧伤昏迷不醒，快叫救护车", "injury"),
        ("还好总阀关掉了，我妈吸了煤气晕过去了，叫不醒", "injury"),
        ("我家装修也弄完了，厨房有股煤气味，头晕", "gas"),
        ("救命，我女儿走丢了，我找了二十分钟都没找着", "urgent"),
        ("救命，驿站门口有个小孩被快递车压住了", "urgent"),
        ("我妈割腕了，床单上全是血", "injury"),
        ("泳池水面上漂着一个人，脸朝下", "injury"),
    ],
)
def test_present_dangers_of_every_kind_are_read(checker, text, kind):
    reading = checker.procedure.signals.read(text)
    assert reading.emergency and reading.emergency[0] == kind, reading.emergency


@pytest.mark.parametrize(
    "text",
    [
        "我把钥匙锁在车里了，能帮忙联系开锁的吗",
        "车停在地库，钥匙落在车里了，明天再说吧",
        "小区东边那棵大树有根枝条快断了，找人修剪一下吧",
        "卧室暖气烫得快着火了，阀门怎么关小？",  # a figure of speech
        "暖气管冻裂了你们让我自己掏钱修？凭什么？",  # who pays for a damage, argued in the same breath
        "物业说我家水管爆了淹了楼下，要我赔",  # a claim reported
        "我的自行车在地库被偷了，监控说是坏的，谁负责？",  # a theft done, not one going on
        "楼上制氧机整夜不停地响",  # a noise, not a machine stopped
        "我一个人在家，物业电话打不通，快递放哪",  # calling the office, no one unseen
        "楼上说我家花盆掉下去砸坏了他家雨棚，要我赔钱",  # my home's thing fell, no one hurt
        "门口那段路每天早上简直就是火灾现场",  # a simile
        "那个井盖晃了半个月了，是要等有人掉下去才修吗",  # a harm waited for, a reproach
        "今天的水煮鱼辣得我舌头都着火了",  # a figure of speech
        # a cry over a nuisance, fed up rather than in danger
        "救命啊，这个缴费小程序我弄了一晚上，烦死了",
        "楼上装修从早吵到晚，救命，吵死了",
        # a review's cases: things stuck, money gone, things hung by design, a parcel, a scam online
        "转错账了，钱划不回来了",
        "我的车被人堵在车位里出不去了",
        "门口灯笼挂着一直晃，底下好多人拍照",
        "给孩子买的书到现在都没到家，快递员电话也打不通",
        "有人冒充物业在业主群里让大家扫码",
        "我老糊涂了，门禁卡找不着了",
        # a cry over a bill, angry rather than in danger
        "救命，这个月电费怎么这么多，看得我血压都上来了",
        "看到这个停车费我血压直接飙了，要出人命了",
        "救命啊 楼下装修吵得不行 开玩笑的 就是想问几点停工",  # a joke owned
        "他拿水管接着楼道水龙头往自家桶里灌水，我们都接不到",  # water drawn, not a flood
        # a cry laughed off or for a thing; a danger told as happened once or every year
        "救命哈哈，衣服晾了一礼拜都不干",
        "救命啊 快递柜又满了 谁来救救我的快递",
        "我们这车库去年就淹过一回，这次能不能提前堆上沙袋",
        "车库年年淹年年说整改，你们到底管不管",
        "这个月账单我一打开差点心脏病发作，救命，怎么多了三千多",  # a shock at a bill
        "夜市收摊以后垃圾堆在门口，油水淌了一地，臭了一整晚",  # grease, not a flood
        "昨晚的煤气味查清楚了，燃气公司换了接头，现在一点味都没了",  # over
        "救命啊这个app我研究了一晚上还是交不上物业费",  # a task struggled with
        "救命啊，公摊电费又涨了，真要被你们逼死了",
        "物业再不管，我就拿锤子上去把他那破充电器砸了",  # a threat on a condition
        "接孩子的时候，我的车在门口被栏杆砸了，车灯碎了谁赔",  # a car struck, not a person
        "楼下电动车刚才冒烟，保安已经拿灭火器扑灭了，人都没事",  # over
        # a damage whose cost is argued, no one asked to hurry
        "厨房水管是冻裂了，可那是暖气不热冻的！修完了还收我两百块维修费，凭什么",
        "楼顶水箱冻裂了要用维修基金修，凭什么摊到我们一楼头上，这钱我不认",
        "谁下药毒死了我的猫，我要让他血债血偿",  # an idiom, no blood
        # children playing unwatched are no child lost
        "小区里好多小孩骑滑板车乱窜，身边也没有大人管",
        "小孩在电梯里玩，旁边没有大人看着，太危险了",
        # a noise, an animal that got in, an idiom, a shock at a bill, a danger checked or mended
        "对门孩子在里面哭了一下午，吵得我头疼",
        "是那只狗自己钻进我家院子的，凭什么算我的",
        "停车被贴条，真是倒了血霉",
        "看了这个月的燃气费我心脏病都快犯了",
        "我家门锁被人撬过了都没人发现，你们保安干嘛的",
        "楼道那股煤气味燃气公司来测过了，没问题了",
        "楼下的水管上午已经修好，水也停了",
        "漏掉的水凭什么算到我们头上，这笔水费我不付",
        "救命，楼上的音响又开到半夜，睡不着",
        # a past day it happened again, the smell gone and the part mended, shut out (not in)
        "对门前天晚上又来踹门骂人，你们物业到底管不管",
        "楼道那股燃气味已经没了，师傅把接头换好了",
        "我被锁在门外了，钥匙忘带了，能借个梯子吗",
        # a review's cases: workers cutting cables, noise through a wall, a garage door, parked vans
        "楼下两个电工正在剪电线，是要停电吗",
        "我出门后快递小哥来敲门我没听到",
        "隔壁屋里面孩子一直哭，吵得我睡不着",
        "楼上那家孩子天天在里面哭到半夜",
        "车库门关上了，里面的车出不去",
        "门口快递车乱停，赶紧派保安过来拦着点",
        "孩子一个人上学要路过河边，能不能装个护栏",
        # swatted mosquitoes' blood, a fire luckily put out before
        "昨晚拍了一宿蚊子，床单上全是血，到底什么时候消杀",
        "上周楼道纸箱着了，幸好保安拿灭火器扑灭的，那些纸箱到现在还堆着",
        "垃圾房那股馊味飘得满楼道都是，闻着就恶心",  # rubbish gone off, not gas
        # a warning of what would follow, a cordon put up round work, a spark mended this morning
        "隔壁天天半夜唱歌，再这样下去要出人命了",
        "修剪树木把路口拉了警戒线，也不说一声",
        "昨晚楼道插座冒火花，保安当场拉了闸，今早电工也换好了，想问线路要不要全查一遍",
        # a review's cases: inside somewhere by choice, movers and couriers loading, a locked room with people singing
        "我还在公司里面加班，今晚出不去，快递能帮我放门卫吗",
        "晚上十点保安把活动室锁上了，他们在里面唱歌唱到十二点",
        "搬家公司正在搬别人家的东西，电梯被占了一上午",
        "快递员在往车上装别人的快递",
    ],
)
def test_no_one_in_danger_now_is_no_emergency(checker, text):
    assert checker.procedure.signals.read(text).emergency is None


@pytest.mark.parametrize(
    "text",
    [
        # a review's cases: anyone fallen, a gas smell that makes one dizzy, a vow or a habit
        # beside a present danger, a danger's sign gone while someone is hurt, a lift by number
        "快递小哥倒在门口了",
        "外卖小哥倒在楼下不动了",
        "家里一股煤气味熏得头晕",
        "我就要被困死了电梯卡在半空",
        "我就让孩子在车里等一下车门自动锁上了孩子还在里面",
        "楼上天天往下扔东西今天砸到人了",
        "快点别让我们等着了救命啊",
        "电题里困了个小孩 在哭 我在外面 门打不开 7栋1单元 这楼道灯经常坏。",
        "插座刚才冒火花，现在没火花了，可是我妈被电了一下，人倒在地上叫不醒",
        "救命 我跟我儿子卡在B座3号梯里了 停在十几楼中间一动不动",
        "有个戴帽子的男的在剪电动车锁，已经弄开一辆了",
        "我爸在储藏间，过道铁门被挂了锁，他在里头出不来",
        "广场上有个小男孩一直在哭，旁边没看到家长，问他家在哪也说不清",  # a small child alone
        # a damage with a call to hurry, or a home under water, whatever is argued
        "水管冻裂了水一直往外喷，赶紧来人关阀门，损失谁赔以后再说",
        "家里被淹成这样，地板全泡了，你们物业要给我赔偿",
        # a fire that cannot be put out, or a question whether anyone is hurt, is no fire over
        "楼下着火了，已经无法扑灭了",
        "三楼着火了，浓烟很大，人都没事吧",
        # a person struck near a vehicle named on the way is a person struck
        "我爸在停车场被倒车的电动车撞倒了",
        "老人下车的时候被车门压到了",
        "东门那边大树被雪压断了，电线掉在路上，车都不敢过",  # a wire down where people pass
        "有个男的正在小花园里抓猫往袋子里装，保安能过去看看吗",  # animals being taken now
        "我儿子五岁，刚才在超市门口一回头人就不见了，帮忙调一下监控",
        # a danger people must be kept from now, a small child alone by water, someone shut in
        "停车场那块井盖翻起来了，车一过就弹，赶紧派人过来围起来",
        "喷泉池边有个小女孩一个人在玩，没大人跟着，快叫保安过去",
        "我家孩子把自己关在卫生间，里面孩子一直哭，门打不开",
        "我妈一个人在家，锁坏了，她在门后面一直拍门",
        "仓库卷帘门突然落下来锁死了，里面黑乎乎的出不去",
        "有两个人正拿钳子剪充电桩的电缆，保安快来",
        "单元门口爬进来一条蛇，好多小孩在旁边",
        "上周刚换的燃气表，刚才进门满屋子煤气味",
        # shut in somewhere, the door will not open from inside, a ceiling felt about to fall
        "我被关在会所后面的仓库了，门从外面锁上了",
        "我在地下室，里面按开门键没反应打不开，麻烦来个人帮我开门",
        "楼上在拆墙，我家天花板裂了往下掉灰，感觉要塌了",
        # a review's cases: a check, a mend, a past day or a nuisance said before a danger that is here now
        "上个月燃气公司检查过没问题，现在厨房一股煤气味，头都晕了",
        "刚才试了下没事，现在插座又冒烟了",
        "电路已经弄好了，可是现在配电箱在冒烟",
        "邻居打电话来，说我家着火了，快去看看",
        "我都说了下回别在楼道充电现在电瓶车着火了",
        "我爸心脏病都犯了，赶紧叫人来",
        "我家燃气漏气的事，刚才又闻到了",
        "救命，我爸睡不着说胸口闷，现在喘不动了",
        "救命 我老公喝多了在家里发疯 吵得整栋楼都听见了 我好怕",
        "有个人猫着腰翻进了隔壁院子",
        "一个遛狗的男的爬进了我家院子",
    ],
)
def test_a_present_danger_is_read_whatever_else_the_message_says(checker, text):
    assert checker.procedure.signals.read(text).emergency is not None


@pytest.mark.parametrize(
    "text",
    [
        "关于3号梯异响的问题，什么时候修？",
        "我的门禁卡在2号梯旁边丢了",
        "现在剪锁要多少钱",
        "自行车锁密码忘了，你们能在楼下帮忙剪锁吗",
        "小区大门晚上十点就锁上了，车出不去",
        "天台的门锁上了打不开，想上去晒被子都不行",
        "储藏室门锁上了开不了，我东西放在里面",
        "他把车停在里面，我的车出不去",
        "门缝里头夹了一张小广告",
        "孩子的自行车刚才还在楼下，一转眼就不见了",
        "明天停电一天，我家老人离不开制氧机怎么办",
    ],
)
def test_an_errand_a_thing_lost_or_an_outage_announced_is_no_emergency(checker, text):
    assert checker.procedure.signals.read(text).emergency is None


def test_locked_out_with_the_key_inside_is_no_emergency_by_the_rules(checker):
    """出门 is no door locked from inside, and the key is no one in there (the model, which reads
    the whole message, may still raise it: a false alarm is the lesser error)."""
    assert checker.procedure.signals.read("我妈出门把门反锁了，钥匙在里面", model=None).emergency is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("再有人往我车位上停，我就把他车胎扎了", "hostile"),  # harm vowed by the resident
        ("楼上那只狗再半夜叫，我就给它下药", "hostile"),
        ("上个月说给修，到今天也没修，说了跟没说一样", "respect"),  # a promise not kept
        ("门口路灯的事我都报第四次了", "respect"),  # raised for the Nth time
        ("说好十点来水，现在下午三点了，骗鬼呢", "vent"),  # anger in other words
    ],
)
def test_psychology_cues_read_vows_and_broken_promises(checker, text, code):
    reading = checker.procedure.signals.read(text, model=None)
    assert code in {c for c, _, _ in reading.psychology}


@pytest.mark.parametrize(
    "text, code",
    [
        ("有人扎了我的车胎，监控能查吗", "hostile"),  # a victim's report
        ("再不来修剪，我就自己把树枝剪了", "hostile"),  # doing it oneself is no threat
        ("你们说给换的那个灯，我也没意见", "respect"),  # no promise broken
    ],
)
def test_psychology_cues_do_not_read_reports_or_do_it_yourself_as_vows(checker, text, code):
    reading = checker.procedure.signals.read(text, model=None)
    assert code not in {c for c, _, _ in reading.psychology}


@pytest.mark.parametrize(
    "text, topic",
    [
        ("单元门口的雪一直没人扫，老人出不了门", "cleaning"),  # snow and ice are the cleaners'
        ("在你们没铲的冰上滑倒了，医药费谁出", "cleaning"),  # 医药费 is a loss, not a fee
        ("供暖不达标，这个月的取暖费得退一半", "fees"),  # a refund of a charge
        ("施工车把花坛压了，里面的月季全死了", "greening"),  # plants killed
        ("外墙翻新要全体业主表决，我家坚决不同意", "fund"),  # an owners' vote spends the fund
        ("楼道里全是泥脚印，拖把都懒得拖一下", "cleaning"),  # mud and the mop
        ("那几个租客凌晨三点还在屋里喊麦打游戏", "neighbour"),  # night-time noise, no 楼上 or 隔壁
        ("修树的一大早就开始拉电锯", "greening"),  # trees trimmed, whatever tool is heard
        ("共享单车把单元门口堵死了", "parking"),  # where bicycles stand
        ("楼梯口那堆烂菜叶子还在那儿，都臭了", "cleaning"),  # food waste, not leaves of a tree
        ("晚上叫了你们客服三次都没人接", "other"),  # calling at night is no night noise
        ("你们办事能不能不拖拉，都一个月了", "other"),  # 拖拉 is delay, not mopping
        ("地下室风机轰轰响了一整夜，吵得睡不着", "equipment"),  # a machine's noise is the machine's
        ("走廊那个烟雾报警器半夜一直在叫，吵死了", "fire"),  # a smoke alarm sounding
        ("电梯厅地上全是烟头和外卖盒，几天了没人管", "cleaning"),  # litter
        ("窗外的竹子都快伸进屋了，能不能砍一砍", "greening"),
        ("楼上那户天天在电梯里大声吵闹", "neighbour"),  # people's noise in a lift is no machine's
        # a pet alone is no neighbour's matter; what it does to others, or keeping one, is
        ("单元楼下的狗屎好几天没人扫了", "cleaning"),
        ("宠物乐园门口的拾便袋又没了，麻烦补一下", "cleaning"),
        ("楼下那户养了条大狗，天天半夜叫", "neighbour"),
    ],
)
def test_topic_cues_read_seasonal_and_estate_matters(checker, text, topic):
    assert checker.procedure.signals.read(text, model=None).topic[0] == topic
