"""Lexicons are validated on load (errors name the file and the entry) and a company directory
can add entries, add exceptions, extend word sets or switch built-in entries off, without code."""

from __future__ import annotations

import textwrap

import pytest

from assistant.lexicon import LexiconError, load_lexicon
from assistant.checker import Checker


def _write(directory, name, body):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD_ENTRY = """
    entries:
      - id: acme.F10.wait-for-news
        category: F10
        message: 不要让业主等“消息”，给出时间。
        patterns: [等消息吧]
        rewrites: [我今天下午五点前给您回复]
        examples:
          flag: ["您[[等消息吧]]。"]
          pass: ["我今天下午给您消息。"]
"""


@pytest.mark.parametrize(
    "body,expected",
    [
        ("entries:\n  - id: x.bad\n    category: F99\n    message: m\n    patterns: [a]\n    rewrites: [b]\n", ["x.bad", "unknown category 'F99'"]),
        ("entries:\n  - id: x.nomsg\n    category: F01\n    patterns: [abc]\n    rewrites: [b]\n", ["x.nomsg", "needs a message"]),
        ("entries:\n  - id: x.norewrite\n    category: D3\n    message: m\n    patterns: [abc]\n", ["x.norewrite", "at least one rewrite"]),
        ("entries:\n  - id: x.nopattern\n    category: D3\n    message: m\n    patterns: []\n    rewrites: [b]\n", ["x.nopattern", "patterns"]),
        ("entries:\n  - id: x.extra\n    category: D3\n    message: m\n    patterns: [abc]\n    rewrites: [b]\n    colour: red\n", ["x.extra", "colour"]),
        ("entries:\n  - id: x.regex\n    category: D3\n    message: m\n    patterns: ['(不行']\n    rewrites: [b]\n", ["x.regex", "'(不行'", "not a valid pattern"]),
        ("entries:\n  - id: x.set\n    category: D3\n    message: m\n    patterns: ['{NOPE}不行']\n    rewrites: [b]\n", ["x.set", "unknown word set {NOPE}"]),
        ("entries:\n  - id: x.empty\n    category: D3\n    message: m\n    patterns: ['(不行)?']\n    rewrites: [b]\n", ["x.empty", "empty string"]),
        ("entries:\n  - id: x.exc\n    category: D3\n    message: m\n    patterns: [不行]\n    exceptions: ['[不']\n    rewrites: [b]\n", ["x.exc", "exception"]),
        ("entries:\n  - id: x.marker\n    category: D3\n    message: m\n    patterns: [不行]\n    rewrites: [b]\n    examples: {flag: [没有标记]}\n", ["x.marker", "[[...]]"]),
        ("entries: [\n  unclosed\n", ["not valid YAML", "line"]),
        ("- just\n- a list\n", ["expected a mapping"]),
        ("patch:\n  - id: no.such.entry\n    enabled: false\n", ["no.such.entry", "no entry with this id"]),
    ],
)
def test_lexicon_loading_errors_name_file_and_entry(tmp_path, body, expected):
    _write(tmp_path / "acme", "broken.yaml", body)
    with pytest.raises(LexiconError) as err:
        load_lexicon([tmp_path / "acme"])
    message = str(err.value)
    assert "broken.yaml" in message
    for part in expected:
        assert part in message


def test_lexicon_loading_duplicate_id_names_both_files(tmp_path):
    _write(tmp_path / "acme", "a.yaml", GOOD_ENTRY)
    _write(tmp_path / "acme", "b.yaml", GOOD_ENTRY)
    with pytest.raises(LexiconError) as err:
        load_lexicon([tmp_path / "acme"])
    assert "b.yaml" in str(err.value) and "a.yaml" in str(err.value) and "acme.F10.wait-for-news" in str(err.value)


def test_lexicon_loading_missing_directory(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon([tmp_path / "nowhere"])


def test_lexicon_loading_not_utf8(tmp_path):
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "x.yaml").write_bytes(b"entries: [\xff\xfe]")
    with pytest.raises(LexiconError, match="x.yaml: not UTF-8"):
        load_lexicon([tmp_path / "acme"])


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """A company overlay: one new phrase, one extra exception, one entry off, one more department."""
    root = tmp_path_factory.mktemp("company")
    _write(root, "acme.yaml", GOOD_ENTRY + """
    sets:
      DEPT: [物管会]
    patch:
      - id: disliked.D4.uncertain-adverb
        add_exceptions: ["估计(费用|金额)"]
      - id: disliked.D2.lecturing
        enabled: false
    """)
    return Checker([root])


def test_lexicon_overlay_adds_an_entry(company, checker):
    text = "您等消息吧。"
    assert [f.rule_id for f in company.check(text).findings] == ["acme.F10.wait-for-news"]
    assert not [f for f in checker.check(text).findings if f.rule_id.startswith("acme.")]  # the built-in engine is not changed


def test_lexicon_overlay_adds_an_exception(company, checker):
    text = "估计费用明天出来。"
    assert [f.rule_id for f in checker.check(text).findings] == ["disliked.D4.uncertain-adverb"]
    # the lexicon's entry is silenced; the classifier reads the clause on its own (a company
    # context rule silences the category for both: test_company_context_rule_silences_both)
    assert not [f for f in company.check(text).findings if f.source == "lexicon"]


def test_company_context_rule_silences_both(tmp_path, checker):
    _write(tmp_path / "ctx", "ctx.yaml", """
    context_rules:
      - id: acme.cost-estimates
        categories: [D4]
        here: "估计(费用|金额)"
        why: 费用的估算不是含糊其辞。
    """)
    text = "估计费用明天出来。"
    assert checker.check(text).findings  # found by the lexicon (and read so by the model)
    assert Checker([tmp_path / "ctx"]).check(text).findings == ()


def test_lexicon_overlay_switches_an_entry_off(company, checker):
    text = "遛狗要牵绳，这是基本常识。"
    assert not [f for f in company.check(text).findings if f.rule_id == "disliked.D2.lecturing"]
    assert "disliked.D2.lecturing" in company.lexicon.disabled
    assert [f.category for f in checker.check(text).findings] == ["D2"]


def test_lexicon_overlay_extends_a_word_set(company):
    report = company.check("这事你去找物管会吧。")
    assert [f.category for f in report.findings] == ["F04"]
    assert "物管会" in report.findings[0].suggestions[0]


def test_lexicon_overlay_from_environment(tmp_path, monkeypatch):
    from api.settings import Settings

    _write(tmp_path / "envdir", "acme.yaml", GOOD_ENTRY)
    monkeypatch.setenv("HUASHU_LEXICON_DIRS", str(tmp_path / "envdir") + ":" + str(tmp_path / "other") + ":")
    assert Settings().lexicon_dirs == [tmp_path / "envdir", tmp_path / "other"]  # the adapters' settings
    from assistant.lexicon import default_lexicon_dirs

    assert default_lexicon_dirs() == (str(tmp_path / "envdir"), str(tmp_path / "other"))  # the library's default


def test_two_checkers_in_one_process_keep_their_own_words(company, checker):
    """Each Checker owns its segmenter's dictionary: the company's words (物管会, 等消息吧) are
    words to the company checker only, and jieba's process-wide dictionary is never written."""
    import jieba

    assert company.nlp.tokenizer.words("请找物管会处理") == ["请", "找", "物管会", "处理"]
    assert "物管会" not in checker.nlp.tokenizer.words("请找物管会处理")
    assert "等消息吧" in company.nlp.tokenizer.jieba_tokenizer.FREQ and "等消息吧" not in checker.nlp.tokenizer.jieba_tokenizer.FREQ
    assert "物管会" not in jieba.dt.FREQ and "等消息吧" not in jieba.dt.FREQ
    # a checker built after the company's still sees only the built-in lexicon's words
    assert "物管会" not in Checker(()).nlp.tokenizer.words("请找物管会处理")
