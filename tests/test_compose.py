"""The composer (assistant/compose.py): a flagged reply composed again, whole, from what each of
its clauses does; one time that has not passed; facts kept; residue dropped; clean on recheck."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import SHARED

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # a Monday

# replies from the composer issue, with what a supervisor would not let staff send
RESIDUE = [
    ("这个不清楚哦，您找门岗那边问吧，我是替班的。", ["不清楚", "您找门岗那边问吧", "我是替班的"]),
    ("这个我们管不了，您自己想想办法吧，现在太忙了。", ["我们管不了", "您自己想想办法吧", "现在太忙了"]),
    ("说明书写得清清楚楚，您是看不懂吗？别什么都来问我们。", ["您是看不懂吗", "别什么都来问我们"]),
    ("这事我没说过啊，您记岔了吧，改天再聊。", ["我没说过", "您记岔了吧", "改天再聊"]),
    # short of hands is an excuse whenever it is said (年底人手紧)
    ("过节前人手紧张，车库照明加装是办不到的。", ["人手紧张", "办不到"]),
    # a lecture's opener and a notice thrown back as a question go with the lecture
    ("王阿姨我跟您说啊，群里不是早就发过了吗，垃圾分类这点常识大家都懂。", ["我跟您说啊", "不是早就发过了吗", "常识"]),
]
# ... and what only sounds like them: a promise to tell, an offer to a resident who is busy
NOT_RESIDUE = ["有结果了我马上跟您说", "到时候我跟您说", "您搬家忙不过来的话，我们可以派两个人帮您搬"]
TIME = re.compile(r"(今天|明天|后天)(上午|中午|下午|晚上)[一二三四五六七八九十]+点前")


@pytest.mark.parametrize("text", NOT_RESIDUE)
def test_promises_and_offers_are_not_residue(checker, text):
    assert checker.check(text, now=MORNING).rewrite == text


@pytest.mark.parametrize("text,residue", RESIDUE)
def test_residue_is_dropped_and_the_rewrite_is_clean(checker, text, residue):
    rewrite = checker.check(text, now=MORNING).rewrite
    for fragment in residue:
        assert fragment not in rewrite, rewrite
    assert checker.check(rewrite).verdict == "pass", rewrite
    assert len(TIME.findall(rewrite)) == 1, rewrite  # one time for getting back, not two templates


def test_facts_and_the_address_are_kept(checker):
    text = "李先生，停车卡在物业前台补办，工本费二十元，这个我不太清楚啥时候能办好，改天再说吧。"
    rewrite = checker.check(text, now=MORNING).rewrite
    assert rewrite.startswith("李先生")
    assert "停车卡在物业前台补办" in rewrite and "工本费二十元" in rewrite
    assert "不太清楚" not in rewrite and "改天" not in rewrite
    assert checker.check(rewrite).verdict == "pass"


@pytest.mark.parametrize(
    "text,reproach",
    [
        ("您要带着情绪说话我没法处理，我们这边也有规定。", "带着情绪"),
        ("您得带点耐心，这种事急不来，公司规定就这样。", "带点耐心"),
    ],
)
def test_a_reproach_is_no_thing_to_bring(checker, text, reproach):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert reproach not in rewrite, rewrite


def test_a_kept_commitment_with_a_time_gets_no_second_time(checker):
    text = "王阿姨，我已经通知王师傅，下午三点前上门给您回复结果，我是替班的。"
    report = checker.check(text, now=MORNING)
    if report.findings:  # the excuse may or may not be a finding; a rewrite must not add a time
        assert "我是替班的" not in report.rewrite
        assert "下午三点前" in report.rewrite and len(TIME.findall(report.rewrite)) == 0


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI),
        datetime(2026, 12, 7, 16, 59, tzinfo=SHANGHAI),
        datetime(2026, 12, 7, 19, 0, tzinfo=SHANGHAI),
        datetime(2026, 12, 7, 23, 30, tzinfo=SHANGHAI),
        datetime(2026, 12, 6, 11, 0, tzinfo=SHANGHAI),  # a Sunday
    ],
    ids=["08:00", "16:59", "19:00", "23:30", "sunday"],
)
def test_the_promised_time_has_not_passed(checker, now):
    rewrite = checker.check("这事我不太清楚，改天再联系你。", now=now).rewrite
    (day, period), hour = TIME.findall(rewrite)[0], _hour(TIME.search(rewrite).group(0))
    assert len(TIME.findall(rewrite)) == 1
    assert 8 <= hour <= 20, rewrite  # never in the middle of the night
    if day == "今天":
        assert hour > now.hour, rewrite
    else:
        assert day == "明天" and now.hour >= 18, rewrite


_NUMBERS = {n: i for i, n in enumerate("零一二三四五六七八九")}


def _hour(said: str) -> int:
    m = re.search(r"(上午|中午|下午|晚上)([一二三四五六七八九十]+)点", said)
    n = m.group(2)
    if "十" in n:
        tens, _, ones = n.partition("十")
        value = (_NUMBERS[tens] if tens else 1) * 10 + (_NUMBERS[ones] if ones else 0)
    else:
        value = _NUMBERS[n]
    return value + (12 if m.group(1) in ("下午", "晚上") else 0)


def test_traditional_stays_traditional(checker):
    rewrite = checker.check("這個我不太清楚，改天再聯繫您。", now=MORNING).rewrite
    assert "給您" in rewrite or "覆" in rewrite, rewrite
    assert "给您" not in rewrite


def test_clean_replies_are_not_changed(checker):
    text = "这个问题我现在还不清楚，我马上去问财务部，十五分钟内给您回复。"
    assert checker.check(text, now=MORNING).rewrite == text


def test_default_time_follows_huashu_timezone(checker, monkeypatch):
    monkeypatch.setenv("HUASHU_TIMEZONE", "Asia/Shanghai")
    from assistant.timing import local_now

    assert local_now().utcoffset().total_seconds() == 8 * 3600


@pytest.mark.skipif(not (SHARED / "eval" / "rewrite-dev.jsonl").exists(), reason="../shared/eval is not beside this checkout")
def test_rewrite_dev_judged_good():
    """bench/rewrite_eval.py on the shared rewrite set, with a margin below what it measures
    (0.90 on 2026-12-06, second session), and no clean row changed."""
    from bench.rewrite_eval import EVAL, check_rows, judge, read_rows

    rows = read_rows(EVAL / "rewrite-dev.jsonl")
    summary = judge(rows, check_rows(rows))
    assert summary["clean_rows_changed"] == 0
    assert summary["good_rate"] >= 0.85, summary


@pytest.mark.parametrize(
    "text,address",
    [
        ("业主您好，这个我不清楚，改天再说。", "业主您好"),
        ("亲，这事我不清楚，改天再说哈", "亲"),
        ("叔，说明书写的是长按三秒，您是不认字还是咋的？", "叔叔您好"),  # a kinship word, as elders are called
        ("李叔，十五块的套餐您还想吃出酒店水平啊，便宜自然有便宜的道理。", "李叔您好"),
    ],
)
def test_the_form_of_address_opens_the_rewrite_once(checker, text, address):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert rewrite.startswith(address) and rewrite.count("您好") <= 1, rewrite


@pytest.mark.parametrize(
    "text,said,not_said",
    [
        ("燃气的事您找燃气公司吧，这不归我们管。", "联系燃气公司", "找燃气公司吧"),
        ("门禁卡刷不开你要去2号门岗找保安，这不是我们客服的事。", "联系2号门岗", "不是我们"),
        ("这个我们管不了，您去问问别人吧。", "由我来负责跟进", "联系别人"),
        ("这个问题你找物业公司吧，我们不管。", "联系物业公司", "问题我来"),  # 问题 is not 问
        ("这不是我们的事，去A栋门岗找保安。", "联系A栋门岗", "a栋"),  # as written
        ("这事不归我们管，找下家政公司吧。", "由我来负责跟进", "联系下家政"),  # whole words only
        ("这不是我们的事，去12345投诉吧。", "由我来负责跟进", "联系12345"),
    ],
)
def test_whom_the_resident_was_sent_to_is_contacted_by_staff(checker, text, said, not_said):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert said in rewrite and not_said not in rewrite, rewrite
    assert checker.check(rewrite, now=MORNING).findings == (), rewrite


@pytest.mark.parametrize(
    "text,matter",
    [
        ("电梯那个异响我也不太清楚哦，改天再说。", "电梯那个异响"),  # a pointer inside the matter
        ("我们的配电箱我也不太清楚，改天再说。", "配电箱的事"),  # whose it is is not the matter
        ("我们的快递柜这个我不懂，改天再说吧。", "快递柜的事"),  # a pointer back ends it
        ("这个月物业费减免不了，您说什么都没用。", "这个月物业费"),  # it ends where the NO begins
        ("电梯昨天刚保养过，不可能有异响的，您是不是听错了。", "电梯"),  # named in a residue clause
        ("今天9栋停水这块我不懂我也不会弄，你等等看。", "今天9栋停水"),  # a day that opens it
        ("您这个装修申请单我们这边要先给工程部审，所以没那么快。", "装修申请单"),  # the resident's
        ("绝对不会是我们保洁弄坏的，您家门口的花盆说不定是风吹倒的。", "您家门口的花盆"),  # the resident's home
        ("停水的事嗯我也不太清楚哎，大概晚上能来水吧。", "停水的事我"),  # a filler ends it (not 停水的事嗯的事)
        ("停电这个我一个保洁哪懂啊，等电工回来了再说。", "停电的事"),  # 我 is no measure word
        ("您说的楼道灯一闪一闪我这边不太清楚哦，改天再说。", "楼道灯一闪一闪的事"),  # 您|说|的 leads in
        ("门禁卡刷不开这个我不懂，改天再说吧。", "门禁卡刷不开的事"),  # a negation before the problem
        ("水表读数这个我不懂，改天再说吧。", "水表读数的事"),
        ("车位划线这种小事连小孩都能想明白，改天再说。", "车位划线的事"),  # not the comparison
        ("电梯按钮这种东西我不会修，改天再说。", "电梯按钮的事"),  # 这种 points at a kind: the matter is before it
        ("绝对不可能是我们保安把3号自习室的台灯弄坏的", "3号自习室的事"),  # a numbered label is its name
        ("绝对不可能是我们保安把3号楼的电动车弄倒的", "电动车的事"),  # ... not a building's number alone
        ("门禁卡咋跟手机绑定我也不清楚，这个我真不会", "门禁卡咋跟手机绑定的事"),  # how ... the question goes on
    ],
)
def test_the_matter_is_named_from_the_dropped_clauses(checker, text, matter):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert matter in rewrite and checker.check(rewrite, now=MORNING).findings == (), rewrite
    assert "我们也" not in rewrite and "的事的事" not in rewrite


@pytest.mark.parametrize(
    "text,matter,not_said",
    [
        # no clause opens with it: the first thing a problem clause names
        ("不可能是我们保安把您的电动车弄倒的，我们都有监控。", "电动车的事", None),
        ("这个难度太大，您说的把健身器材挪走我们这边弄不了。", "健身器材的事", None),
        ("自己家的地漏自己不清理", "地漏的事", None),
        # never the rule, the excuse or a manner of speaking
        ("唉我也没办法呀，人手就这么多，绿化带杂草过几天再说。", "绿化带杂草的事", "人手的事"),
        ("说实话我也搞不懂，快递柜收费是快递公司定的。", "快递柜收费的事", "说实话的事"),
        ("我们装的地漏压根不可能反味，要真有您找开发商吧", "地漏的事", "压根的事"),  # 压根 ends it
        ("这事我也没办法", "我来帮您想办法", "办法的事"),  # the problem's own words name nothing
        # whom it is about is no matter, nor when it was (a role ending it, a time word ending it)
        ("合租室友没在系统登记的话门卡办不了，您让他自己来前台。", "门卡的事", "室友的事"),
        ("管家不提供代收服务，您的家具暂时无法代为签收。", "家具的事", "管家的事"),
        ("地库去年刚换的排水泵，根本不可能淹到车位那边。", "地库的事", "去年的事"),
        # a denied promise names the service asked for, in reading order, before what a later
        # lecture opens with; a promise of a time names none (the commitment has its own time)
        ("我昨天根本没答应帮您收船帆，您自己的东西自己要看好，湖边风大大家都知道", "帮您收船帆的事", "大家的事"),
        # "now" and "cannot" end it (床边扶手|现暂无法安装), after a formal salutation
        ("尊敬的业主：床边扶手现暂无法安装，需待物资审批流程完成。", "床边扶手的事", "物资的事"),
        # a noun of time is when, not what (那时候|装修押金, 过阵子)
        ("那时候装修押金这个我真不清楚，改天再说", "押金的事", "时候"),
        ("那时候的装修押金这个我真不清楚，改天再说", "押金的事", "时候"),
        ("新老公司账目还在对接，系统里暂时查不到旧欠费的明细，等过阵子对完了再通知您", "跟进", "阵子"),
        # a second matter the reply names as one is restated too; what does not happen is no matter
        ("群里那些投诉我不会处理，我就是个管群的，退费的事我办不了", "投诉和退费的事", None),
        ("电梯的事我不清楚，异响的事你去问维保公司吧", "电梯和异响的事", None),
        ("电梯的事我不清楚，停车场你去问保安吧", "电梯的事", "和停车场"),  # not named as a matter
        ("电梯的事我不清楚，电梯异响的事你去问维保公司吧", "电梯", "电梯和电梯"),  # one holds the other
        ("退费的事我办不了，发票这块你找财务", "退费和发票的事", None),  # 这块 names it too
    ],
)
def test_the_matter_is_a_thing_raised_not_the_office(checker, text, matter, not_said):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert matter in rewrite and (not_said is None or not_said not in rewrite), rewrite
    assert checker.check(rewrite, now=MORNING).findings == (), rewrite


def test_a_clause_with_a_concrete_fact_needs_a_surer_residue_reading(checker):
    text = "电子发票这个我不懂，我不会开。公司规定就是只能财务开，你周一到周五9点到5点来物业中心二楼吧。"
    rewrite = checker.check(text, now=MORNING).rewrite
    assert "周一到周五9点到5点" in rewrite and "物业中心二楼" in rewrite and "我不懂" not in rewrite, rewrite


@pytest.mark.parametrize(
    "text,kept",
    [
        ("阀门这个我不太懂，师傅改天再来，你先把总闸关上呗。", "麻烦您先把总闸关上"),
        ("电梯大概晚上能修好吧，你们先走楼梯哈。", "麻烦您先走楼梯"),
        ("快递我们前台不管的，去南门快递柜取哈。", "您可以去南门快递柜取"),  # where to collect it
    ],
)
def test_what_to_do_in_the_meantime_is_kept_and_asked_for(checker, text, kept):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert kept in rewrite and checker.check(rewrite, now=MORNING).verdict == "pass", rewrite


@pytest.mark.parametrize(
    "clause,is_instruction",
    [
        ("你先拿个盆接一下呗", True),
        ("你们暂时先走楼梯吧", True),
        ("您家里先点蚊香挡一挡", True),  # the resident's place before 先
        ("去南门快递柜取哈", True),
        ("你先等等吧", False),  # waiting is no action
        ("你先自己想想办法吧", False),  # fending for oneself
        ("你先去别的地方拿吧", False),
        ("你先冷静一下", False),  # calming down is talking down
        ("你先去问问门岗", False),  # asking elsewhere
    ],
)
def test_what_counts_as_an_instruction_for_the_meantime(checker, clause, is_instruction):
    from assistant.normalise import normalise

    assert bool(checker.composer.instruction.search(normalise(clause).skeleton)) is is_instruction


def test_an_excuse_after_a_kept_clause_names_no_matter(checker):
    rewrite = checker.check("空调外机的支架我看过了，今天梯子没带，改天再来弄吧。", now=MORNING).rewrite
    assert "空调外机的支架" in rewrite and "梯子" not in rewrite, rewrite


@pytest.mark.parametrize(
    "text,not_matter",
    [
        ("前台不收现金，公司规定就这样，没办法。", "公司规定的事"),  # the rule hidden behind
        ("交费在APP上点两下就行，我家孩子都会弄。", "孩子的事"),  # who "can do it"
    ],
)
def test_the_words_of_a_rule_or_a_comparison_never_name_the_matter(checker, text, not_matter):
    assert not_matter not in checker.check(text, now=MORNING).rewrite


def test_a_name_opening_a_kept_clause_opens_the_rewrite(checker):
    rewrite = checker.check("亲 停车场的道闸下午两点已经修好了 可能是系统问题吧 改天再说", now=MORNING).rewrite
    assert rewrite.startswith("亲您好") and "。亲" not in rewrite and "停车场的道闸下午两点已经修好了" in rewrite, rewrite


@pytest.mark.parametrize(
    "text,kept,reproach",
    [
        ("公告栏上写得清清楚楚周五下午停气检修，您是没看懂吗？", "写着周五下午停气检修", "清清楚楚"),
        ("通知贴在电梯口了，白纸黑字写着周三停电，你不识字啊？", "写着周三停电", "白纸黑字"),
        ("群公告就写着呢，周五上午九点消杀，您是没看吗？", "周五上午九点消杀", "就写着呢"),
        # ... also when the notice's own clause is read as the problem
        ("停电通知上写得明明白白周五9点到17点检修，你没看懂吗？", "周五9点到17点检修", "明明白白"),
        ("公告上写得明明白白周五9点到17点停电，你自己不看怪谁？", "周五9点到17点停电", "明明白白"),
        # what to bring, and what the resident must do to get it done, beside a lecture
        ("办卡要带房产证和身份证，这都是常识，您没看过通知吗？", "办卡要带房产证和身份证", "常识"),
        ("都说了两遍了，门禁卡丢了要挂失，您到底听懂没？这么大人了卡都看不住。", "门禁卡丢了要挂失", "两遍"),
    ],
)
def test_what_a_notice_says_is_kept_without_the_reproach(checker, text, kept, reproach):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert kept in rewrite and reproach not in rewrite, rewrite
    assert checker.check(rewrite).verdict == "pass"


def test_a_number_the_resident_was_told_to_call_is_called_by_staff(checker):
    rewrite = checker.check("燃气表的事跟我们物业没关系，您自己打96777问吧。", now=MORNING).rewrite
    assert "我来帮您联系96777" in rewrite and "您自己打" not in rewrite, rewrite


@pytest.mark.parametrize(
    "text",
    [
        "违约金12000元这个不归我们管。",  # an amount
        "车牌沪A12345那辆车不归我们管。",  # a plate
        "您打12345问问吧，这不归我们管。",  # the line residents complain to about us
        "您打12345投訴吧，這不歸我們管。",
    ],
)
def test_no_number_but_one_to_dial_and_never_a_complaint_line(checker, text):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert "联系1" not in rewrite and "聯繫1" not in rewrite, rewrite


def test_the_residents_complaint_thrown_back_is_dropped(checker):
    assert "嫌保洁来得晚" not in checker.check("嫌保洁来得晚？物业费就这个价，改天再说。", now=MORNING).rewrite


@pytest.mark.parametrize(
    "text,instruction",
    [
        ("报停车月卡得先在小程序上传行驶证，系统审核完才给开，我们这边插不了队。", "报停车月卡得先在小程序上传行驶证"),
        ("补办门禁卡需带上身份证到前台，后台要审核，这是流程。", "补办门禁卡需带上身份证到前台"),
    ],
)
def test_what_a_rule_tells_the_resident_to_do_is_kept_beside_the_offer(checker, text, instruction):
    """A rule stated as helpful information with an offer is fine (the deck): the rewrite keeps
    what the resident must do, drops the rule and the NO, and is clean when checked again."""
    rewrite = checker.check(text, now=MORNING).rewrite
    assert instruction in rewrite and "流程" not in rewrite and "插不了队" not in rewrite, rewrite
    assert checker.check(rewrite, now=MORNING).findings == (), rewrite


@pytest.mark.parametrize(
    "text,commitment",
    [
        # when, not what; a vague word alone; our own place alone: the commitment names no matter
        ("花坛积水的事我们知道了 改天有空再过去看看哈 现在人手不够", "我们知道了，我马上安排跟进"),
        ("西门那盏路灯的事，我是新来的，具体归谁修我也不知道。", "西门那盏路灯的事，我马上去问清楚"),
        ("我们小区从来没丢过东西，哪来的小偷。", "给您添麻烦了。我马上安排跟进"),
        # what could be done, denied, is no promise: the thing it was about is the matter
        ("我可没说过能退押金，您记错了。", "。押金的事我马上安排跟进"),
        # whom the commitment contacts is said once; a modal is no matter
        ("业主您好，您反映的房屋质量问题（墙体裂缝）属开发商保修范围，请自行联系开发商客服。", "保修范围，我来帮您联系开发商客服"),
        ("王先生：停车费是按合同约定收取的，系统自动生成，本人无法减免。合同大家都签了，规定就是规定。", "收取的，我来帮您想办法"),
    ],
)
def test_a_matter_names_a_thing_not_a_time_a_vague_word_or_what_could_be_done(checker, text, commitment):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert commitment in rewrite and checker.check(rewrite, now=MORNING).findings == (), rewrite


def test_the_segmenter_knows_everyday_estate_words(checker):
    """Words jieba's dictionary lacks (00-sets ESTATE_WORDS) stay whole, so a matter is named by them."""
    words = checker.tokenizer.words("自习室线上预约和小程序扫码都用不了，电梯异响")
    assert {"线上", "小程序", "扫码", "异响"} <= set(words), words


def test_the_resident_s_matter_called_small_keeps_the_matter_not_the_slight(checker):
    rewrite = checker.check("3号自习室灯不亮这种小事，改天再说吧。", now=MORNING).rewrite
    assert "3号自习室灯不亮，我马上安排跟进" in rewrite and "小事" not in rewrite, rewrite


def test_an_estimated_time_names_no_matter(checker):
    rewrite = checker.check("我可没答应过这周给您换水表，师傅改日再说吧。", now=MORNING).rewrite
    assert "改日的事" not in rewrite and "换水表" in rewrite, rewrite


@pytest.mark.parametrize(
    "text,matter,not_said",
    [
        ("这种老式的燃气热水器我弄不来，估计得找厂家吧。", "老式的燃气热水器的事", "这种"),  # 这种 leads in to a thing
        ("这种小问题连小孩都会弄，改天再说。", "", "小问题"),  # ... not to a kind
        ("周末帮您把沙发搬到楼下这个真办不到。", "周末帮您把沙发搬到楼下的事", "周末帮的事"),  # a service for the resident
        ("哈，快递柜满了是常事嘛，估计晚上能空出来吧。", "快递柜满了的事", "哈，"),  # an interjection opens nothing
        # a thing promised vaguely in its own clause is named too; a person never is
        ("高层水压小是正常的，没办法，加压泵估计下个月才换。", "高层水压小和加压泵的事", "下个月"),
        ("门锁的事我不清楚，王经理估计明天回来。", "门锁的事", "王经理"),
        ("垃圾的事我们管不了，保洁阿姨可能请假了。", "垃圾的事", "阿姨"),
    ],
)
def test_what_the_matter_is_and_is_not(checker, text, matter, not_said):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert not_said not in rewrite, rewrite
    if matter:
        assert matter in rewrite, rewrite
    else:
        assert "的事" not in rewrite, rewrite  # no matter named at all


@pytest.mark.parametrize(
    "text,said,dropped",
    [
        ("热水器打不着火我也不会修，您得找燃气公司，跟我们没关系。", "联系燃气公司问清楚", "您得找"),
        ("这个我不懂，你要找的是工程部。", "我马上去问清楚", "联系的是"),  # 的是工程部 is no one to contact
    ],
)
def test_finding_out_asks_the_organisation_the_resident_was_sent_to(checker, text, said, dropped):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert said in rewrite and dropped not in rewrite, rewrite


@pytest.mark.parametrize(
    "clause,residue",
    [
        ("门禁那个按钮其实很简单", True),  # the resident's task called easy
        ("楼上漏水是他家的事", True),  # someone else's business
        ("消杀是外包给消杀公司的", True),  # farmed out
        ("嫌扫雪慢", True),  # the complaint thrown back
        ("您先消消气", True),
        ("这不是您的问题", False),  # a reassurance
        ("门禁卡绑定很简单的操作我们上门教您", False),
    ],
)
def test_the_residue_patterns(checker, clause, residue):
    from assistant.normalise import normalise

    skeleton = normalise(clause).skeleton
    assert any(p.search(skeleton) for p in checker.composer.residue) is residue


def test_whom_everyone_waits_for_is_contacted_now(checker):
    rewrite = checker.check("电梯异响的事大概下周吧，等维保公司来了再看看。", now=MORNING).rewrite
    assert "我马上联系维保公司" in rewrite and "等维保公司" not in rewrite, rewrite
    for text in ("物业费的事等通知吧，大概下周。", "这个不归我们管，等雪停了再来吧。", "电梯的事等明天上午师傅来了再看。"):
        rewrite = checker.check(text, now=MORNING).rewrite
        assert "联系通知" not in rewrite and "联系雪" not in rewrite and "联系明天" not in rewrite, rewrite


@pytest.mark.parametrize(
    "text,said,not_said",
    [
        # a quotation kept is kept whole, its closing mark with it
        ("孙先生，请先在APP首页点“实名认证”，这么简单您都不会吗？", "点“实名认证”", None),
        ("绑车牌要在APP里点“我的车辆”，您是看不懂吗？", "点“我的车辆”", None),
        ("我们群公告写的是'暂停'，不是'取消'，您是没看清吧", "不是'取消'", None),
        # a greeting of the original's own is not said twice after the composed one
        ("尊敬的业主：您好！本小区道闸系统设定为访客车辆满4小时即按临停计费，该参数由集团后台统一配置，特此说明。", "尊敬的业主您好", "您好，您好"),
    ],
)
def test_kept_words_read_whole_and_greet_once(checker, text, said, not_said):
    rewrite = checker.check(text, now=MORNING).rewrite
    assert said in rewrite and (not_said is None or not_said not in rewrite), rewrite
    assert rewrite.count("“") == rewrite.count("”") and rewrite.count("'") % 2 == 0, rewrite
