"""The classifiers: shipped in the package, retrained reproducibly, read in context beside the
lexicon without duplicates, explainable, and clean on the replies the deck calls fine."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import GENERALISATION, ROOT, huashu_command, labelled_batches


def test_the_models_ship_in_the_package(tmp_path):
    """A wheel built from the repository holds the models, their settings and the labelled data
    they were trained on, and a checker loads them from the installed package."""
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr.decode()[-2000:]
    [wheel] = tmp_path.glob("huashu-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("assistant/model/weights/staff.npz", "assistant/model/weights/residents.npz", "assistant/model/config.yaml"):
        assert name in names
    assert any(n.startswith("assistant/model/data/staff/") for n in names)
    from importlib.resources import files

    from assistant.model.classifier import STAFF_WEIGHTS

    assert Path(str(files("assistant.model") / "weights" / "staff.npz")) == STAFF_WEIGHTS
    assert STAFF_WEIGHTS.stat().st_size < 20 * 2**20


def test_retraining_is_deterministic_and_gives_the_shipped_models(tmp_path, run_env):
    """`huashu train` twice from the repository's data gives the same bytes, and those are the
    models the package ships: what is shipped is what the data in the repository gives."""
    from assistant.model.classifier import RESIDENT_WEIGHTS, STAFF_WEIGHTS

    for out in ("a", "b"):
        done = subprocess.run([*huashu_command(), "train", "--out", str(tmp_path / out)], capture_output=True, env=run_env, timeout=600)
        assert done.returncode == 0, done.stderr.decode()
    for name in (STAFF_WEIGHTS.name, RESIDENT_WEIGHTS.name):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / STAFF_WEIGHTS.name).read_bytes() == STAFF_WEIGHTS.read_bytes()
    assert (tmp_path / "a" / RESIDENT_WEIGHTS.name).read_bytes() == RESIDENT_WEIGHTS.read_bytes()


def test_a_company_retrains_with_its_own_examples(tmp_path, run_env):
    """Its labelled file is one more batch; the result goes to its own folder, used through
    HUASHU_MODEL_DIR; a bad file is named with its line."""
    ours = tmp_path / "ours.jsonl"
    ours.write_text(
        "".join(
            f'{{"id": "acme-{i}", "text": "{text}", "F": ["F10"], "D": []}}\n'
            for i, text in enumerate(["等物业研究研究再说吧。", "这事等物业研究研究再说。", "等我们研究研究再答复您吧。"] * 8)
        ),
        encoding="utf-8",
    )
    done = subprocess.run([*huashu_command(), "train", "--data", str(ours), "--out", str(tmp_path / "model")],
                          capture_output=True, env=run_env, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    from assistant.model.classifier import feature_settings, load_config, load_weights

    _, meta = load_weights(tmp_path / "model" / "staff.npz", feature_settings(load_config()["staff"]))
    assert "extra-ours" in [b["batch"] for b in meta["batches"]]
    checked = subprocess.run([*huashu_command(), "check", "--format", "json", "物业研究研究再说吧。"], capture_output=True,
                             env={**run_env, "HUASHU_MODEL_DIR": str(tmp_path / "model")}, timeout=120)
    assert '"F10"' in checked.stdout.decode()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "好"}\n{"id": 2, "text": "好", "F": ["F99"]}\n', encoding="utf-8")
    done = subprocess.run([*huashu_command(), "train", "--data", str(bad), "--out", str(tmp_path / "x")], capture_output=True, env=run_env, timeout=600)
    assert done.returncode == 2 and f"{bad}:2" in done.stderr.decode()


@pytest.mark.parametrize(
    "text",
    [
        # the hard negatives: not knowing, then an owner and a time; a department named
        # while the staff member keeps the matter
        "这个我不太清楚，我马上问一下工程部，下午三点前给您回复。",
        "这事归工程部管，我已经把单子派给王师傅了，下午三点前到。",
        "我不是电工，不敢乱动电箱，已经叫了持证电工小周，他二十分钟内到您家。",
        "为了您家孩子的安全，顶楼天台门我们不能开放，一楼中庭有晒衣架，我帮您搬过去。",
        "您刚才说楼上邻居坚持说'我家不可能漏水'，您别着急，师傅下午三点带检测仪过去看。",
        "周四可能有大雨，绿化修剪我们提前到周三上午做。",
        "好的没问题，改天您有空过来，我们再把门禁人脸给您家老人录一下。",
        # a time bound to what will be done is a commitment; a NO because the floor is slippery
        "停车场出口的事归车管处管，我已经和他们班长说了，二十分钟内派人过去抬杆，处理完我给您回个话。",
        "阿姨，刚擦过的台阶很滑，现在下去不行，您稍等三分钟，我们铺好防滑垫就扶您下来。",
        # a call already made and a time to arrive; not now but then, for sure; a procedure the
        # resident asked about, told with an offer
        "这个系统我确实不会调，我已经给值班电工打了电话，他十五分钟内到您家门口。",
        "刘阿姨，今天晚上电工来不了，明天上午九点师傅一定到您家换开关。",
        "您问的车位过户手续是这样：先交产权证复印件，再签三方协议，然后报公司备案。需要的话我明天上午把表格送到您家。",
        # no need to fend for oneself; a rule told to the resident; missing no round is no denial
        "不用您自己想办法，我们下午三点前派人把车挪走。",
        "您不能每次都把车停在消防通道上，下次请停到B2临时车位，谢谢配合。",
        # why a rule is so, asked and told with an offer; the system telling the resident; cannot
        # myself while someone named comes by a time
        "您问为什么装修要交押金，是前年有过损坏公共设施的纠纷，业主大会通过的，需要的话我把公告发您。",
        "车位下月5号上午10点开放续租，到时候系统会自动发短信提醒您，您不用一直盯着。",
        "门禁后台我权限不够改不了，我已经叫了系统的小王，他二十分钟内到门岗帮您处理。",
    ],
)
def test_hard_negatives_stay_clean(checker, text):
    assert checker.check(text).findings == (), [(f.category, f.source, f.match) for f in checker.check(text).findings]


@pytest.mark.parametrize(
    "text,category",
    [
        # what only looks like going on to act: a hedged offer, a past the speaker tells of, a refusal
        ("物业费的事你去找开发商吧，不是我们物业的事，我们估计也就能帮你发个通知。", "F04"),
        ("我前年才调过来的，这种老电表我不懂也不会弄，您找别人吧。", "F07"),
        ("这个我不清楚，我这边真办不到，您回头再打过来问吧。", "F05"),
        # a wish for something free thrown back is no favour done (免费 voids a rule in the resident's favour)
        ("您还想免费？公司规定就这样。", "F08"),
        # not now, with no firm time after it, is still a NO
        ("今晚修不了，明天再说吧。", "D3"),
        # an arrival that will not happen, or the resident sent somewhere by a time, is no follow-up
        ("这个我不清楚，师傅半小时内到不了。", "F05"),
        ("这事归工程部管，您明天之前到他们办公室登记。", "F04"),
        # a procedure the resident asked about, told with no offer, still hides behind the rule
        ("您问的装修手续必须走审批流程，流程走完才能开工，我们给您说过好几次了。", "D1"),
    ],
)
def test_no_commitment_does_not_void_a_forbidden_phrase(checker, text, category):
    assert category in {f.category for f in checker.check(text).findings}


@pytest.mark.parametrize(
    "text,category",
    [("改天再聊。", "F10"), ("那是市政的地盘，我们插不上手。", "F04"), ("您记岔了吧，我没说过这话。", "F06")],
)
def test_a_clause_the_lexicon_does_not_know_is_read_by_the_model(checker, text, category):
    found = {f.category: f for f in checker.check(text).findings}
    assert category in found


def test_model_findings_are_explained_and_span_their_clause(checker):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from assistant.timing import timed

    now = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    report = checker.check("王先生您好，这个事情改天再聊吧，谢谢。", now=now)
    [finding] = [f for f in report.findings if f.source == "model"]
    assert finding.rule_id == "model.F10" and finding.category == "F10" and finding.severity == "error"
    assert finding.match == "这个事情改天再聊吧" and report.text[finding.start : finding.end] == finding.match
    assert 0.3 <= finding.confidence <= 1.0
    entry = checker.lexicon.model_entries["F10"]
    assert finding.message == entry.message and finding.suggestions == tuple(timed(r, now) for r in entry.rewrites[:3])
    assert checker.check(report.rewrite).findings == ()


def test_lexicon_and_model_findings_never_repeat_each_other(checker):
    """No two findings of one category (or a category and its parent or child) share a clause."""
    from assistant.clauses import clause_index, clauses
    from assistant.reading import _relatives

    relatives = _relatives()
    for row in labelled_batches("staff", GENERALISATION) + labelled_batches("staff", "blind-uf"):
        report = checker.check(row["text"])
        parts = clauses(row["text"])
        seen: dict[int, list[tuple[str, str]]] = {}
        for f in report.findings:
            for k in clause_index(parts, f.start, f.end):
                for other, source in seen.get(k, []):
                    assert other not in relatives[f.category] or (f.source == "lexicon" and source == "lexicon"), (row["text"], other, f)
                seen.setdefault(k, []).append((f.category, f.source))


def test_rules_list_what_the_model_finds(client):
    rules = client.get("/v1/rules").json()
    model = [r for r in rules if r["source"] == "model"]
    assert {r["category"] for r in model} == {f"F{i:02d}" for i in range(1, 11)} | {"D1", "D2", "D3", "D4"}
    assert all(r["rule_id"] == "model." + r["category"] and r["message"] and r["rewrites"] for r in model)
    assert {r["source"] for r in rules} == {"lexicon", "model"}


def test_a_damaged_model_is_refused_with_its_name(tmp_path, checker):
    from assistant.model.classifier import ClauseClassifier, ModelError

    bad = tmp_path / "staff.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="staff.npz"):
        ClauseClassifier(checker.lexicon, bad)


def test_a_pattern_searched_only_with_others_finds_what_it_would_alone(checker):
    """config.yaml searched_only_with is a saving, not a change: on every clause of the staff
    training data, the gated search finds the same as searching every pattern."""
    from assistant.clauses import clauses
    from assistant.model.data import load_batches
    from assistant.normalise import normalise

    spec = checker.component.analyzer.reader.classifier.spec
    assert spec.needs, "config.yaml names no pattern searched only with others"
    checked = 0
    for row in (r for batch in load_batches("staff") for r in batch.rows):
        skeletons = [normalise(p.text(row["text"])).skeleton for p in clauses(row["text"])]
        for k, own in enumerate(skeletons):
            for patterns, text in ((spec.elsewhere, own), (spec.here, (skeletons[k - 1][-8:] + "，" if k else "") + own)):
                assert spec.found(patterns, text) == [n for n, p in patterns.items() if p.search(text)], text
                checked += 1
    assert checked > 10_000


@pytest.mark.parametrize(
    "text,category",
    [
        # a favour denied or delayed does not excuse the rule beside it
        ("群里我可没说过免费帮大家换门禁卡，现在卡早就停用了，系统不支持。", "D1"),
        ("您车位的减免要等公司财务月底统一跑一遍批量调整，有消息了回头再联系您。", "D1"),
        ("根据公司流程，装修押金须在竣工验收满三个月后由财务统一退还。", "D1"),
    ],
)
def test_a_favour_denied_or_delayed_is_no_favour(checker, text, category):
    assert category in {f.category for f in checker.check(text).findings}


def test_a_good_reply_is_learned_as_clean_clauses_of_its_own_batch(checker):
    """config good_replies: the clauses of a flagged row's `good` reply are clean examples, in
    the row's batch (left out with it in leave-one-batch-out); a clean row adds nothing twice."""
    from pathlib import Path

    from assistant.model.classifier import load_config
    from assistant.model.data import Batch
    from assistant.model.features import FeatureSpec
    from assistant.model.train import lexicon_locator, staff_examples

    lexicon = checker.lexicon
    config = load_config()["staff"]
    spec = FeatureSpec.from_config(config, lexicon, "config.yaml: staff")
    flagged = {
        "id": "t-1", "text": "换门锁你找房东，我们不给弄。", "F": ["F04"], "D": ["D3"],
        "spans": [{"frag": "换门锁你找房东", "code": "F04"}, {"frag": "我们不给弄", "code": "D3"}],
        "good": "换门锁的事我来帮您联系房东，今天下午三点前给您答复。",
    }
    clean = {"id": "t-2", "text": "好的，今天下午三点前给您答复。", "F": [], "D": [], "good": "好的，今天下午三点前给您答复。"}
    batch = Batch("mine", Path("mine.jsonl"), [clean, flagged])  # what a row adds follows its own clauses
    args = (spec, config["labels"], lexicon_locator(lexicon))
    without = staff_examples([batch], *args, good_replies=False)
    with_good = staff_examples([batch], *args, good_replies=True)
    added = with_good.texts[len(without.texts):]
    assert added == ["换门锁的事我来帮您联系房东", "今天下午三点前给您答复"]
    assert all(not any(t) for t in with_good.targets[len(without.targets):])
    assert set(with_good.batch) == {"mine"}
    assert config["good_replies"] is True  # the shipped models learn them


def test_a_good_reply_that_is_not_text_is_refused_with_its_line(tmp_path):
    from assistant.model.data import DataError, read_batch

    bad = tmp_path / "mine.jsonl"
    bad.write_text('{"id": 1, "text": "好的"}\n{"id": 2, "text": "好", "F": [], "D": [], "good": [1]}\n', encoding="utf-8")
    with pytest.raises(DataError, match=f"{bad}:2"):
        read_batch(bad, "staff")
