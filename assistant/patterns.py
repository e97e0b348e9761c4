"""The lexicon pattern language: Python regular expressions over the skeleton, plus four shorthands.

    {NAME}   any word of the named word set (lexicon `sets:`), longest first, or the named
             pattern fragment (lexicon `macros:`)
    ~ / ~N   a gap of up to 4 / N characters inside one clause (lazy, so spans stay tight)
    <  >     start / end of a clause
    ，。？！；：  full-width punctuation in a pattern is an optional clause break

Literal characters are normalised like replies (Traditional -> Simplified, width, case, spacing), so
authors write 公司的规定 once and it matches 公司的規定 and 公 司 的 规 定. ASCII punctuation keeps
its regular-expression meaning.

`sound=True` compiles the same pattern over the sound string (phonetics), where every character is
replaced by the code of its syllable. `required_literals` extracts strings that any match must
contain, so the analyzer runs a pattern only when an Aho-Corasick pass has seen one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import re._constants as sre_constants
import re._parser as sre_parse

from assistant import phonetics
from assistant.normalise import MARKERS, _char_form

DEFAULT_GAP = 4
_NOT_MARKER = f"[^{MARKERS}]"
_OPTIONAL_BREAK = f"[{MARKERS}]?"
_CLAUSE_START = f"(?:^|(?<=[{MARKERS}]))"
_CLAUSE_END = f"(?=[{MARKERS}]|$)"
_DSL_PUNCTUATION = set("，。？！；：、")
_REGEX_META = set("()[]{}?*+|^$.\\")


class PatternError(ValueError):
    """A pattern that does not compile; the message says why."""


def _literal(ch: str, sound: bool) -> str:
    form = _char_form(ch)
    if not form:
        return ""
    if sound:
        coded = []
        for c in form:
            code = phonetics.char_code(c)
            coded.append(code if code else re.escape(c))
        return "".join(coded)
    return "".join(re.escape(c) for c in form)


def _word(word: str, sound: bool) -> str:
    return "".join(_literal(c, sound) for c in word)


def expand(
    source: str,
    sets: Mapping[str, Sequence[str]],
    *,
    sound: bool = False,
    macros: Mapping[str, str] | None = None,
    _depth: int = 0,
) -> str:
    """Translate one DSL pattern into a Python regular expression over skeleton (or sound) text.

    {NAME} is a word set (`sets`) or a named pattern fragment (`macros`), which may use both.
    """
    macros = macros or {}
    if _depth > 8:
        raise PatternError("macros nest too deeply (a macro that names itself?)")
    out: list[str] = []
    i, n = 0, len(source)
    in_class = False
    while i < n:
        ch = source[i]
        if ch == "\\":
            if i + 1 >= n:
                raise PatternError("pattern ends with a lone backslash")
            nxt = source[i + 1]
            # \w, \d and friends keep their meaning; an escaped literal is normalised like text
            out.append(source[i : i + 2] if nxt.isascii() and nxt.isalnum() else _literal(nxt, sound) or "")
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
                out.append(ch)
            elif i + 2 < n and source[i + 1] == "-" and source[i + 2] != "]":
                # a range: spelled out, because its ends change under normalisation (０-９, sound codes)
                low, high = ord(ch), ord(source[i + 2])
                if high < low or high - low > 256:
                    raise PatternError(f"character range {ch}-{source[i + 2]} is reversed or too wide")
                out.append("".join(_literal(chr(c), sound) for c in range(low, high + 1)))
                i += 3
                continue
            elif ch == "^":
                out.append(ch)
            else:
                out.append(_literal(ch, sound))
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            if source.startswith("^", i + 1):
                out.append("^")
                i += 1
            i += 1
            continue
        if ch == "{":
            close = source.find("}", i)
            if close == -1:
                raise PatternError(f"unclosed {{ at position {i}")
            name = source[i + 1 : close]
            if re.fullmatch(r"\d+(,\d*)?", name):  # a regex quantifier such as {0,3}
                out.append(source[i : close + 1])
            elif name in macros:
                out.append("(?:" + expand(macros[name], sets, sound=sound, macros=macros, _depth=_depth + 1) + ")")
            elif name in sets:
                words = sorted({w for w in (_word(x, sound) for x in sets[name]) if w}, key=len, reverse=True)
                if not words:
                    raise PatternError(f"word set {{{name}}} is empty")
                out.append("(?:" + "|".join(words) + ")")
            else:
                raise PatternError(f"unknown word set {{{name}}}")
            i = close + 1
            continue
        if ch == "~":
            j = i + 1
            while j < n and source[j].isdigit():
                j += 1
            gap = int(source[i + 1 : j]) if j > i + 1 else DEFAULT_GAP
            out.append(f"{_NOT_MARKER}{{0,{gap}}}?")  # lazy: the tightest span that matches
            i = j
            continue
        if ch == "(" and source.startswith("(?", i):
            # keep group syntax such as (?:, (?P<name>, (?<=, (?<! and (?! intact
            m = re.match(r"\(\?(?:P<\w+>|<=|<!|[:=!])", source[i:])
            if not m:
                raise PatternError(f"unsupported group syntax at position {i}")
            out.append(m.group(0))
            i += len(m.group(0))
            continue
        if ch == "<":
            out.append(_CLAUSE_START)
            i += 1
            continue
        if ch == ">":
            out.append(_CLAUSE_END)
            i += 1
            continue
        if ch in _DSL_PUNCTUATION:
            out.append(_OPTIONAL_BREAK)
            i += 1
            continue
        if ch in _REGEX_META:
            out.append(ch)
            i += 1
            continue
        out.append(_literal(ch, sound))
        i += 1
    return "".join(out)


def compile_pattern(
    source: str, sets: Mapping[str, Sequence[str]], *, sound: bool = False, macros: Mapping[str, str] | None = None
) -> re.Pattern[str]:
    regex = expand(source, sets, sound=sound, macros=macros)
    try:
        compiled = re.compile(regex)
    except re.error as exc:
        raise PatternError(f"not a valid pattern ({exc})") from None
    if compiled.match("") is not None:
        raise PatternError("pattern matches the empty string")
    return compiled


# ---- required literals (prefilter) ----------------------------------------------------------

_LITERAL = sre_constants.LITERAL
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)}
_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}


def _selectivity(options: frozenset[str]) -> tuple[int, int]:
    return (min(len(o) for o in options), -len(options))


def _required(items) -> frozenset[str] | None:
    """Strings one of which every match of `items` contains, or None when nothing is required."""
    candidates = _required_all(items)
    if not candidates:
        return None
    return max(candidates, key=_selectivity)


def _required_all(items) -> list[frozenset[str]]:
    """Every requirement of a sequence: a match contains one string of *each* returned set."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _LITERAL:
            run.append(chr(av))
            continue
        if op in _ZERO_WIDTH:
            continue  # zero-width: does not break a literal run's requirement but adds nothing
        flush()
        found: frozenset[str] | None = None
        if op is sre_constants.SUBPATTERN:
            found = _required(av[-1])
        elif op is sre_constants.BRANCH:
            options: set[str] = set()
            for branch in av[1]:
                sub = _required(branch)
                if sub is None:
                    options = set()
                    break
                options |= sub
            found = frozenset(options) if options else None
        elif op in _REPEATS:
            low, _high, sub = av
            found = _required(sub) if low >= 1 else None
        elif op is sre_constants.IN:
            chars = [chr(v) for o, v in av if o is _LITERAL]
            if len(chars) == len(av) and 0 < len(chars) <= 12:
                found = frozenset(chars)
        if found:
            candidates.append(found)
    flush()
    return candidates


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which any match of the compiled pattern must contain (None: unknown)."""
    return _required(sre_parse.parse(pattern.pattern))


def required_sets(pattern: re.Pattern[str]) -> list[frozenset[str]]:
    """All requirements, most selective first: a match holds one string of every set."""
    return sorted(_required_all(sre_parse.parse(pattern.pattern)), key=_selectivity, reverse=True)

