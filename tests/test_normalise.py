"""Normalisation: the skeleton undoes width, case, script, separators and noise, and every
skeleton character still points at the original character it came from."""

from __future__ import annotations

import pytest

from assistant.clauses import clauses
from assistant.normalise import MARKERS, normalise

VARIANTS = [
    ("這種問題連小孩子都會", "这种问题连小孩子都会"),
    ("这 种 问 题", "这种问题"),
    ("我-不-懂，我-不-会。", "我不懂，我不会。"),
    ("绝对😤不可能", "绝对不可能"),
    ("公司的ＧＵＩ定", "公司的gui定"),
    ("不\u200b客\u200d气", "不客气"),
    ("改天🙂再通知你哈", "改天再通知你哈"),
    ("一 分 钱 · 一 分 货 嘛 ～", "一分钱一分货嘛"),
    ("你看不懂ＺＨＯＮＧ文吗", "你看不懂zhong文吗"),
    ("好的！！！马上到？？", "好的。马上到？"),
]


@pytest.mark.parametrize("text,skeleton", VARIANTS)
def test_normalise_skeleton(text, skeleton):
    assert normalise(text).skeleton == skeleton


@pytest.mark.parametrize("text,_", VARIANTS)
def test_normalise_offsets_point_at_their_source(text, _):
    n = normalise(text)
    assert len(n.origin) == len(n.skeleton)
    assert n.origin == sorted(n.origin)
    for i, ch in enumerate(n.skeleton):
        if ch in MARKERS:
            assert not text[n.origin[i]].isalnum()
        else:
            assert ch in normalise(text[n.origin[i]]).skeleton


def test_normalise_to_original_spans_inserted_noise():
    text = "这 种 问 题 连 小 孩 子 都 会 😅"
    n = normalise(text)
    start, end = n.to_original(0, len(n.skeleton))
    assert text[start:end] == "这 种 问 题 连 小 孩 子 都 会"


def test_normalise_emoji_inside_phrase_maps_back():
    text = "绝对😤不可能有这种事情发生"
    n = normalise(text)
    i = n.skeleton.index("不可能")
    start, end = n.to_original(0, i + 3)
    assert text[start:end] == "绝对😤不可能"


def test_normalise_keeps_numerals_as_written():
    # 一下 and 一直 must never become 1下 / 1直, and digits are not rewritten to numerals either
    assert normalise("等一下，我一直在").skeleton == "等一下，我一直在"
    assert normalise("1分钱1分货").skeleton == "1分钱1分货"


def test_normalise_digits_sound_like_numerals():
    assert normalise("1分钱1分货").sound == normalise("一分钱一分货").sound


@pytest.mark.parametrize(
    "typo,word",
    [("清处", "清楚"), ("布懂", "不懂"), ("决对", "绝对"), ("该天", "改天"), ("一分获", "一分货"), ("qing楚", "清楚"), ("xiao孩", "小孩")],
)
def test_normalise_homophones_and_pinyin_share_a_sound(typo, word):
    assert normalise(typo).sound == normalise(word).sound


def test_normalise_pinyin_sound_spans_cover_the_letters():
    n = normalise("我不太qing楚")
    spans = [n.sound_to_skeleton(i, i + 1) for i in range(len(n.sound))]
    assert spans[3] == (3, 7)  # qing
    assert n.skeleton[3:7] == "qing"


def test_normalise_english_words_are_not_pinyin():
    n = normalise("APP缴费")
    assert n.skeleton == "app缴费"
    assert len(n.sound) == 5  # a, p, p stay letters


def test_normalise_clauses_and_sentences():
    n = normalise("好的，马上到。您稍等？谢谢")
    assert [n.skeleton[a:b] for a, b in n.clauses()] == ["好的", "马上到", "您稍等", "谢谢"]
    assert [n.skeleton[a:b] for a, b in n.sentences()] == ["好的，马上到", "您稍等", "谢谢"]


def test_spaces_typed_for_punctuation_end_clauses_as_the_clauses_do():
    text = "周末师傅不上班 水管的事找工程部  这个我们不管"
    n = normalise(text)
    assert [n.skeleton[a:b] for a, b in n.clauses()] == ["周末师傅不上班", "水管的事找工程部", "这个我们不管"]
    assert [text[c.start : c.end] for c in clauses(text)] == [n.original[slice(*n.to_original(a, b))] for a, b in n.clauses()]
    assert normalise("这 种 问 题").clauses() == [(0, 4)]  # spaces between single characters are noise
    quoted = "邻居说“我家 没漏水 你找别人”"  # a quotation is one clause, spaces or not
    assert [quoted[c.start : c.end] for c in clauses(quoted)] == ["邻居说", "我家 没漏水 你找别人"]
    assert "，" not in normalise(quoted).skeleton


@pytest.mark.parametrize("text", ["", "\x00", "\ud800坏\udfff", "\u202e改天再联系你", "😀" * 50, "   \n\t "])
def test_normalise_odd_input_does_not_crash(text):
    n = normalise(text)
    assert len(n.origin) == len(n.skeleton)
    assert len(n.sound_span) == len(n.sound)


@pytest.mark.parametrize(
    "text,skeleton",
    [
        ("水管啲嘢我唔识㗎，迟啲再覆你啦", "水管些事我不会啊，晚点再回你啦"),
        ("我哋天台系新做嘅，绝冇可能漏", "我们天台系新做的，绝没可能漏"),
        # a phrase is not read before a character that makes it another word (系统, 识字)
        ("我哋系统坏咗", "我们系统坏了"),
        ("你唔识字咩", "你不识字么"),
        # Mandarin keeps its own 系 and 识: the phrases are read only in a Cantonese reply
        ("系统显示我不识这个号", "系统显示我不识这个号"),
    ],
)
def test_cantonese_reads_as_mandarin_character_for_character(text, skeleton):
    n = normalise(text)
    assert n.skeleton == skeleton
    assert n.origin == list(range(len(text)))  # one character for one: offsets stay exact


def test_a_cantonese_reply_is_checked_with_spans_in_what_was_written(checker):
    text = "漏水原因我真系唔清楚，防水啲嘢我又唔识，帮唔到你喇。"
    found = {f.category: text[f.start : f.end] for f in checker.check(text).findings}
    assert {"F05", "F07"} <= set(found), found
    assert "唔清楚" in found["F05"] and "唔识" in found["F07"]


def test_cantonese_characters_are_not_counted_as_traditional():
    from assistant.normalise import traditional_share

    assert traditional_share("水管啲嘢我唔识㗎，迟啲再覆你啦") == 0.0
    assert traditional_share("這種問題") == 1.0
