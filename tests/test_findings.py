"""What the engine finds: each category, the hard negatives, positives, verdicts, scores and the
report's invariants, on single replies and on labelled sets."""

from __future__ import annotations

import pytest

from assistant.taxonomy import taxonomy
from tests.conftest import GENERALISATION, SHARED, labelled_batches, labelled_rows

# the deck's ten sentences and the paraphrases of each
FORBIDDEN = [
    ("这种问题连小孩子都会。", "F01"),
    ("这都不会？我家孩子都会弄", "F01"),
    ("关个总阀这种事，厂里学徒头一天就会。", "F01"),  # a novice learns it at once
    ("以前厂里哪家不是自己弄。", "F01"),  # everyone does it themselves
    ("你要知道，一分钱一分货。", "F02"),
    ("就交这点物业费，还想要五星级酒店的服务啊", "F02"),
    ("绝对不可能有这种事情发生。", "F03"),
    ("怎么可能漏水，那水管去年才换的", "F03"),
    ("你要去工程部，这不是我们的事。", "F04"),
    ("停车的事找停车场那边去，跟我们客服没关系", "F04"),
    ("嗯，我不太清楚。", "F05"),
    ("这我哪知道", "F05"),
    ("我绝对没说过这种话。", "F06"),
    ("我可从来没说过物业费能减免啊", "F06"),
    ("我不懂，我不会。", "F07"),
    ("电路的东西我一窍不通", "F07"),
    ("公司的规定就是这样的。", "F08"),
    ("这是公司定的制度，谁来都一样", "F08"),
    ("你看不懂中文吗。", "F09"),
    ("你是看不懂字还是怎么的", "F09"),
    ("改天再联系你。", "F10"),
    ("等过几天有空了再给你答复", "F10"),
]

DISLIKED = [
    ("我们的流程是先登记，再报主管审批，审批通过才能派工。", "D1"),
    ("遛狗要牵绳，这是基本常识。", "D2"),
    ("这个月的物业费不能减免。", "D3"),
    # a favour refused is a NO, not a denial of what the resident reports (F03)
    ("我们也不可能替您签收。", "D3"),
    ("过年免费帮您看家是不可能的。", "D3"),
    ("想要全天有人值班不可能。", "D3"),  # the resident's wish refused
    ("您这岁数就别瞎折腾了。", "D2"),  # the resident's age held against them
    ("师傅可能下午过来。", "D4"),
]

HARD_NEGATIVES = [
    "不好意思让您久等了",
    "按公司规定，业主报修后两小时内必须有人上门，今天是我们超时了，非常抱歉。",  # a rule binding us
    "工程部和保安现在就赶过去，值班主管也已经接到报告。",  # reported up: someone answers for it
    "清理公共管道不是您的义务，我们来处理。",
    "这都什么年代了还让您跑来交现金，我们马上开通线上缴费。",  # agreeing with the resident
    "这次消杀您家楼栋不在范围内，不用担心。",  # an all-clear
    "物业没有这个政策，不会额外收您的钱，您放心。",
    "哪能每次都让您亲自跑，以后我们上门收。",  # the modest 哪能
    "这点小事哪能天天麻烦您，我们自己处理就好。",
    "属于个人财产，请您自行保管好。",
    "缴费功能周三晚上十点到十二点升级，这两个小时暂时交不了，其余时间都正常。",  # down for a stated while
    "这个旧账单格式我确实没见过，看不懂，我已经请会计帮忙看了，今天下午五点前把明细发您。",  # my own, found out
    "不客气",
    "没关系您慢慢说",
    "您放心，我们一定不会让您久等",
    "您有不清楚的地方随时问我",
    "我已经问清楚了",
    "连小朋友都夸新滑梯好玩",
    "我现在就联系工程部的陈师傅，半小时内给您回电话",
    "为了您的安全，请不要在楼道里堆放杂物",
    "为了您的安全，维修期间请不要使用这部电梯",
    "没问题，那我们改天上门，具体时间您来定",
    "天这么冷，不可能让您大年夜还停着暖气，电工今晚七点前到，修好了我打电话告诉您",  # a promise, not a denial
    "再说了，这次换锁的钱由我们出，您别担心",  # 再说了， is "besides"
    "进了大门回头看，右手边就是物业办公室",  # turning round, not 回头再说
    "周末的亲子活动小朋友和老人都能参加，不用报名",  # everyone welcome, not a comparison
    "不是您记错了，确实是我们漏登了，今天下午三点前给您补上",  # siding with the resident
    "明天上午十点师傅有空，不行您定个时间也可以",  # "if not", then the resident chooses
    "按照我们的服务承诺，报修后两小时内必须有人联系您，今天晚了，真对不起，师傅已经在路上了",  # a rule binding us
    "这个新系统确实难用，很多人刚开始都不会用，不怪您，我下午四点上门帮您设置",  # empathy
    "我们已经按流程帮您申请了退费复核，明天中午前告诉您结果",  # a procedure done for the resident
    "单号不知道也没关系，我用您的手机号帮您查",  # reassuring the resident
    "明天有七级大风，广告牌可能会被吹掉，请绕开北门走",  # a danger warned of
    "阳台外面不建议您自己装晾衣架，没有护栏，有坠落危险，周四我们派师傅带安全绳上门装",  # NO for safety
    "如果有谁不会，可以随时来物业找我，我一步步教",  # an offer to whoever cannot, not 谁不会啊
]


@pytest.mark.parametrize("text,code", FORBIDDEN)
def test_findings_forbidden_phrase_blocks(checker, text, code):
    report = checker.check(text)
    assert code in {f.category for f in report.findings}
    assert report.verdict == "block"
    f = next(f for f in report.findings if f.category == code)
    assert f.severity == "error" and 0 < f.confidence <= 1 and f.message and 1 <= len(f.suggestions) <= 3


@pytest.mark.parametrize("text,code", DISLIKED)
def test_findings_disliked_wording_warns(checker, text, code):
    report = checker.check(text)
    assert {f.category for f in report.findings} == {code}
    assert report.verdict == "warn"
    assert report.findings[0].severity == "warning"


# what the context rules of the hard negatives above must not reach: each is still its category
NOT_VOIDED = [
    ("这事我回头看看吧", "F10"),  # 回头 is turning round only with a direction after it
    ("这个APP连小学生都能用", "F01"),  # able to use it is a comparison, welcome to join is not
    ("可能明天来处理掉落的瓷砖", "D4"),  # the hedge is on our coming, not on the danger
    ("这不是您的问题是谁的问题？", "D2"),
    ("这个我不知道也没关系，反正不归我管", "F05"),  # the speaker's own not knowing
    ("没有什么安全隐患，这个不能给您换", "D3"),  # a danger denied is no NO for the resident's good
    ("规定就是规定，想要我们赔您是不可能的", "F08"),
    ("插卡点确认，谁不会啊", "F01"),
    ("按公司规定，必须有人在家才能上门", "F08"),  # a rule binding the resident
    ("这事要先上报经理审批，批了才能退", "D1"),  # a report still to make, as a procedure
    ("物业费暂时不能减", "D3"),  # 暂时 with no while stated is still a NO
    ("维修期间暂时不能给您退物业费", "D3"),  # a while stated, but a service to the resident refused
    ("公司的规定就是这样的，装修验收必须有人到场", "F08"),  # the resident must be there, not us
    ("您的申请已上报需要走审批流程才能退", "D1"),  # reported, then a procedure
    ("这都看不懂？我马上查一下，三点前回复您", "F09"),  # asked of the resident, no 您
    ("给您装的热水器根本不可能漏电", "F03"),  # 给您装的: a denial, not a favour refused
    ("通知都看不懂吗，我马上查一下，三点前回复您", "F09"),  # asked of the resident
]


@pytest.mark.parametrize(("text", "code"), NOT_VOIDED)
def test_context_rules_do_not_reach_beyond_what_they_describe(checker, text, code):
    assert code in {f.category for f in checker.check(text).findings}, text


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_findings_hard_negatives_pass(checker, text):
    report = checker.check(text)
    assert report.findings == ()
    assert report.verdict == "pass"
    assert report.rewrite == text


def test_findings_positives_are_reported(checker):
    report = checker.check("王先生您好，您看这样可以吗：师傅今天下午三点前一定上门，没问题。")
    assert {p.category for p in report.positives} == {"P1", "P2", "P3", "P4", "P5"}
    assert report.verdict == "pass"
    assert report.score == 100
    for p in report.positives:
        assert report.text[p.start : p.end] == p.match


def test_findings_score_orders_replies(checker):
    plain = checker.check("收到。").score
    liked = checker.check("王先生您好，师傅今天下午三点前一定上门。").score
    warned = checker.check("师傅可能下午过来。").score
    blocked = checker.check("改天再联系你。").score
    assert blocked < warned < plain < liked
    assert 0 <= blocked <= 40 and warned <= 79 and plain >= 60


def test_findings_forbidden_phrase_not_repeated_as_parent(checker):
    # 绝对不可能 is F03; its parent D3 is not reported again on the same words
    report = checker.check("绝对不可能有这种事情发生。")
    assert [f.category for f in report.findings] == ["F03"]


def test_findings_findings_are_spacy_spans(checker):
    doc = checker.nlp("嗯，我不太清楚，改天再联系你。")
    assert [s.label_ for s in doc.spans["huashu"]] == ["F05", "F10"]
    assert all(s.text for s in doc.spans["huashu"])


def test_findings_empty_text(checker):
    report = checker.check("")
    assert report.verdict == "pass" and report.findings == () and report.rewrite == ""


def test_findings_rejects_non_text(checker):
    with pytest.raises(TypeError):
        checker.check(None)
    with pytest.raises(TypeError):
        list(checker.check_many(["好的", 3]))


def test_findings_long_text_is_checked_whole(checker):
    text = ("您好，门禁卡已经激活。" * 5000 + "改天再联系你。" + "谢谢您的耐心。" * 7000)[:100_000]
    report = checker.check(text)
    assert len(text) == 100_000
    assert [f.category for f in report.findings] == ["F10"]
    f = report.findings[0]
    assert text[f.start : f.end] == f.match
    assert "改天" not in report.rewrite


def test_findings_one_long_run_is_fast(checker):
    import time

    started = time.perf_counter()
    checker.check("我" * 100_000)
    assert time.perf_counter() - started < 10


# ---- labelled sets -------------------------------------------------------------------------

DEV = SHARED / "eval" / "dev.jsonl"
ROWS = labelled_batches("staff", GENERALISATION) + (labelled_rows(DEV) if DEV.exists() else [])


@pytest.fixture(scope="module")
def reports(checker):
    return list(checker.check_many([r["text"] for r in ROWS]))


def test_findings_offsets_slice_to_match(reports):
    for report in reports:
        for f in report.findings:
            assert report.text[f.start : f.end] == f.match and f.start < f.end
        for p in report.positives:
            assert report.text[p.start : p.end] == p.match


def test_findings_check_many_equals_check(checker, reports):
    for row, batched in zip(ROWS, reports, strict=True):
        assert checker.check(row["text"]).to_dict() == batched.to_dict()


def test_findings_every_rewrite_passes_the_checker(checker, reports):
    flagged = [r for r in reports if r.findings]
    assert len(flagged) > len(reports) / 2
    for report in flagged:
        assert report.rewrite != report.text
        again = checker.check(report.rewrite)
        assert again.findings == (), f"{report.text} -> {report.rewrite}: {[f.match for f in again.findings]}"


def test_findings_each_suggestion_replaces_its_range(checker, reports):
    """Suggestions are replacements for [start, end) (what LanguageTool clients and the web page
    apply): applying one removes that finding and leaves the rest of the reply as it was."""
    for report in reports:
        for f in report.findings:
            for s in f.suggestions[:1]:
                fixed = report.text[: f.start] + s + report.text[f.end :]
                again = checker.check(fixed)
                still = [g for g in again.findings if g.rule_id == f.rule_id and g.start < f.start + len(s) and g.end > f.start]
                assert not still, f"{report.text} -> {fixed}"


def test_findings_rewrite_keeps_the_rest_of_the_message(checker):
    report = checker.check("王先生您好，您反映的楼道灯问题已经记下了，改天再联系你。")
    assert report.rewrite.startswith("王先生您好，您反映的楼道灯问题已经记下了，")
    assert "改天" not in report.rewrite


def _prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _quality(checker, rows):
    """(forbidden F1, disliked F1, share of clean rows flagged), scored as ../shared/eval does."""
    counts = {"F": [0, 0, 0], "D": [0, 0, 0]}
    clean = clean_flagged = 0
    parents = {c.code: c.parent for c in taxonomy().categories.values()}
    for row, report in zip(rows, checker.check_many([r["text"] for r in rows]), strict=True):
        got = {f.category for f in report.findings}
        allowed = {parents[c] for c in row["F"]} | set(row.get("allow", []))
        for kind in "FD":
            want = set(row[kind])
            have = {c for c in got if c.startswith(kind)}
            counts[kind][0] += len(want & have)
            counts[kind][1] += len(have - want - allowed)
            counts[kind][2] += len(want - have)
        if not row["F"] and not row["D"]:
            clean += 1
            clean_flagged += bool(got - allowed)
    return _prf(*counts["F"]), _prf(*counts["D"]), clean_flagged / clean


def test_findings_quality_on_own_generalisation_set(checker):
    """Our own labelled replies (not the dev set): paraphrases, evasions, hard negatives."""
    forbidden, disliked, clean_flagged = _quality(checker, labelled_batches("staff", GENERALISATION))
    assert forbidden >= 0.95
    assert disliked >= 0.90
    assert clean_flagged <= 0.02


def test_findings_quality_without_punctuation(checker):
    """Chat replies often come without punctuation (typed fast, or by voice): the same set with
    every mark removed, so clause anchors and question marks cannot carry the rules."""
    strip = str.maketrans("", "", "，。？！、；：,.?!;:…“”\"'（）()")
    rows = [dict(row, text=row["text"].translate(strip)) for row in labelled_batches("staff", GENERALISATION)]
    forbidden, disliked, clean_flagged = _quality(checker, rows)
    assert forbidden >= 0.95
    assert disliked >= 0.95
    assert clean_flagged <= 0.01


def test_a_reply_typed_with_spaces_for_punctuation_reports_each_problem_on_its_own_clause(checker):
    """Voice input and fast chat put spaces where commas would be: each space-separated clause is
    read, found and highlighted on its own, as if it had been punctuated."""
    text = "停车卡周末办不了 系统不让开 回头再说吧"
    spans = [(f.category, text[f.start : f.end]) for f in checker.check(text).findings]
    punctuated = "停车卡周末办不了，系统不让开，回头再说吧"
    assert spans == [(f.category, punctuated[f.start : f.end]) for f in checker.check(punctuated).findings]
    assert ("F10", "回头再说吧") in spans and not any(" " in span for _, span in spans)
