"""Compose a flagged reply again, whole, from what each of its clauses does.

Replacing the words found, one finding at a time, leaves the excuse beside the apology
(是我没解释清楚，……别什么都来问我们) and stacks one template per finding. A trained staff member
does something else: keeps the form of address and every fact the resident needs, drops the
problems and everything that only served them (excuses, dismissals, blame, stalling), and says
once who does what by when. That is the plan here:

- each clause gets a role: a problem (a finding covers it), residue (the residue model of
  model/classifier.py reads it as something a good rewrite drops, or a residue pattern of
  compose.yaml matches), the address (a leading name or greeting), or a fact to keep;
- the matter the resident raised is salvaged from the dropped clauses (车位划线这个月弄不了 ->
  车位划线的事);
- the commitment comes from the findings' categories (compose.yaml `moves`: find out, take over,
  act, help, explain), with ONE time from timing.promise_time that has not passed, unless a kept
  clause already promises an answer by a time;
- 一谢二谦 opens it, 您看可以吗 closes it while the length allows (about 2.5 times the original);
- the result is checked again; a kept clause still found is dropped and the reply composed again;
  a reply that cannot be made clean becomes the last-resort commitment.

Per-finding `suggestions` are not this: LanguageTool clients replace spans with those.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.analyzer import Analysis
from assistant.clauses import Clause, clause_index, clauses
from assistant.errors import RuleFileError
from assistant.lexicon import Lexicon
from assistant.normalise import is_han, normalise, normalised_clause, traditional_share
from assistant.segment import WordBounds, word_tag
from assistant.taxonomy import taxonomy
from assistant.timing import CHINESE_DIGITS, promise_time

COMPOSE_FILE = Path(__file__).resolve().parent / "compose.yaml"
MAX_ROUNDS = 3
_OPENING_QUOTES = "“‘「『\"'《"
_CLOSING_QUOTES = "”’」』\"'》"
# a kept clause that only greets (您好！): the composed reply opens with its own greeting
_GREETING_ALONE = re.compile(r"(?:您|你|大家)好[！!。.～~]*")
_TRAILING = re.compile(r"[的呢啊吧哈呀嘛么哦噢~～\s]+$")  # not 了: 快递丢了 is what happened (快递丢了的事)


class ComposeError(RuleFileError):
    """compose.yaml is not usable."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoveSpec(_Strict):
    categories: list[str]
    hours: int = Field(ge=1, le=72)
    say: str
    say_contact: str | None = None  # when the problem named whom to go to or wait for: {contact}
    contact_like: str | None = None  # ... and only a contact this matches (an organisation) is said


class SoftenSpec(_Strict):
    pattern: str  # a regular expression over the kept text as written
    say: str  # its replacement (re.sub syntax)


class ComposeSpec(_Strict):
    residue_threshold: float = Field(ge=0, le=1)
    fact: str
    fact_residue_threshold: float = Field(ge=0, le=1)
    residue: list[str]
    instruction: str
    address: str
    matter_lead: list[str]
    matter_time: list[str]
    matter_end: list[str]
    matter_pointer: list[str]
    matter_measure: list[str]
    matter_written: str
    matter_promised: str
    matter_owner: list[str]
    matter_our_places: list[str]
    matter_resident: list[str]
    matter_day: list[str]
    matter_not_in: list[str]
    matter_also: list[str]
    comparison: list[str]
    comparison_marker: str
    matter_not_opening: list[str]
    matter_not_people: list[str]
    matter_trailing_tags: list[str]
    matter_time_nouns: list[str]
    matter_not_a_thing_ending: list[str]
    matter_vague: list[str]
    matter_not_alone: list[str] = []
    matter_when_ending: list[str] = []
    matter_second_longest: int
    matter_named_so: str
    matter_named_so_ending: str
    matter_roles: list[str]
    promised_not_opening: list[str] = []
    matter_for_you: list[str]
    matter_bare_negations: list[str]
    contact_leads: list[str]
    matter_how: list[str]
    matter_how_goes_on: list[str]
    matter_later: list[str] = []
    address_alone: list[str] = []
    address_in_full: dict[str, str] = {}
    matter_kind_pointers: list[str]
    thing_tags: list[str]
    thing_label: list[str] = []
    rule_instruction: str = "(?!)"
    rule_kept_for: list[str] = []
    office_opening: list[str]
    office_ending: list[str]
    matter_kinds: list[str]
    matter_kinds_opening: list[str]
    matter_kind_sizes: str
    interjection: str
    answers_by: str
    contact: str
    contact_awaited: str
    number_to_call: str
    not_called_for: str
    moves: dict[str, MoveSpec]
    priority: list[str]
    apology: str
    thanks: str
    apology_for: list[str]
    closing: str
    last_resort: str
    soften: list[SoftenSpec] = []


@dataclass(frozen=True, slots=True)
class Move:
    name: str
    categories: frozenset[str]
    hours: int
    say: str
    say_contact: str | None = None
    contact_like: re.Pattern[str] | None = None


@dataclass(slots=True)
class Plan:
    """What a composed reply is made of, in the original's order."""

    address: str  # 王阿姨 / 李先生您好 / "" (kept as written)
    kept: list[str]  # runs of kept clauses, each as written
    matter: str  # what the resident raised, salvaged from a dropped clause ("" when kept or none)
    categories: frozenset[str]
    has_answer_time: bool  # a kept clause already promises an answer by a time
    polite: bool = False  # the reply already greets or thanks (您好, 谢谢): no second opening
    contact: str = ""  # whom the problem sent the resident to (2号门岗, 燃气公司): staff contact them


class Composer:
    def __init__(self, lexicon: Lexicon, reader=None, words: Callable[[str], list[str]] | None = None, path: Path = COMPOSE_FILE):
        """`reader` (reading.ReplyReader) gives the residue model's reading of each clause;
        `words` segments a text (the checker's jieba), for the matter of a dropped clause."""
        try:
            spec = ComposeSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValidationError, OSError) as exc:
            raise ComposeError(f"{path}: {exc}") from None
        where = str(path)
        self.spec = spec
        self.reader = reader
        self.residue = [lexicon.compile(p, f"{where}: residue", ComposeError) for p in spec.residue]
        self.fact = lexicon.compile(spec.fact, f"{where}: fact", ComposeError)
        self.instruction = lexicon.compile(spec.instruction, f"{where}: instruction", ComposeError)
        self.rule_instruction = lexicon.compile(spec.rule_instruction, f"{where}: rule_instruction", ComposeError)
        self.rule_kept_for = frozenset(spec.rule_kept_for)
        self.contacts = [lexicon.compile(p, f"{where}: contact", ComposeError) for p in (spec.contact, spec.contact_awaited)]
        if any("who" not in pattern.groupindex for pattern in self.contacts):
            raise ComposeError(f"{where}: contact and contact_awaited must capture (?P<who>...)")
        try:
            self.number_to_call = re.compile(spec.number_to_call)
            self.not_called_for = re.compile(spec.not_called_for)
            if "number" not in self.number_to_call.groupindex:
                raise re.error("number_to_call must capture (?P<number>...)")
        except re.error as exc:
            raise ComposeError(f"{where}: number_to_call / not_called_for: {exc}") from None
        self.contact_categories = frozenset(c for m in spec.moves.values() if m.say_contact for c in m.categories)
        self.address = re.compile(spec.address)
        self.matter_lead = frozenset(spec.matter_lead)
        self.matter_time = frozenset(spec.matter_time)
        self.matter_end = frozenset(spec.matter_end)
        self.matter_staff = frozenset(spec.matter_owner) - frozenset(spec.matter_resident) - {"你", "你们", "他们"}
        self.matter_written = lexicon.compile(spec.matter_written, f"{where}: matter_written", ComposeError)
        self.matter_not_in = frozenset(spec.matter_not_in)
        self.matter_later = frozenset(spec.matter_later)
        self.matter_also = frozenset(spec.matter_also)
        self.address_alone = frozenset(spec.address_alone) | frozenset(spec.address_in_full)  # 叔 alone, said in full
        self.comparison = frozenset(spec.comparison)
        self.kinds = tuple(spec.matter_kinds)
        self.kinds_opening = tuple(spec.matter_kinds_opening)
        self.matter_named_so = lexicon.compile(spec.matter_named_so, f"{where}: matter_named_so", ComposeError)
        self.named_so_ending = lexicon.compile(spec.matter_named_so_ending, f"{where}: matter_named_so_ending", ComposeError)
        self.not_a_second_thing = frozenset((*spec.matter_vague, *spec.matter_not_people, *spec.matter_roles))
        self.says_nothing = frozenset((*spec.matter_vague, *spec.matter_not_alone, *spec.matter_when_ending))
        self.comparison_marker = lexicon.compile(spec.comparison_marker, f"{where}: comparison_marker", ComposeError)
        self.matter_promised = lexicon.compile(spec.matter_promised, f"{where}: matter_promised", ComposeError)
        self.words = words
        try:
            self.interjection = re.compile(spec.interjection)
            self.soften = [(re.compile(s.pattern), s.say) for s in spec.soften]
        except re.error as exc:
            raise ComposeError(f"{where}: soften or interjection: {exc}") from None
        self.answers_by = lexicon.compile(spec.answers_by, f"{where}: answers_by", ComposeError)
        unknown = [m for m in spec.priority if m not in spec.moves] + [m for m in spec.moves if m not in spec.priority]
        if unknown:
            raise ComposeError(f"{where}: priority and moves must name the same moves ({', '.join(unknown)})")
        named = {*spec.matter_not_in, *spec.comparison, *spec.apology_for, *(c for m in spec.moves.values() for c in m.categories)}
        unknown = sorted(named - set(taxonomy().categories))
        if unknown:  # a misspelt code would silently do nothing
            raise ComposeError(f"{where}: no such category: {', '.join(unknown)}")
        self.moves = [
            Move(
                n, frozenset(spec.moves[n].categories), spec.moves[n].hours, spec.moves[n].say, spec.moves[n].say_contact,
                re.compile(spec.moves[n].contact_like) if spec.moves[n].contact_like else None,
            )
            for n in spec.priority
        ]

    # ---- roles -------------------------------------------------------------------------------

    @staticmethod
    def _problems(parts: list[Clause], analysis: Analysis) -> dict[int, int]:
        """The clauses holding the words found (not the clause or sentence a finding's own
        suggestion replaces: a fact beside them stays unless it is residue itself), each with
        where in the clause the first problem words start (a model finding: the clause's end)."""
        problems: dict[int, int] = {}
        for _, ks, start, exact in _found_clauses(parts, analysis):
            for k in ks:
                at = max(0, start - parts[k].start) if exact else parts[k].end - parts[k].start
                problems[k] = min(problems.get(k, at), at)
        return problems

    def _dropped(
        self, original: str, parts: list[Clause], skeletons: list[str], problems: dict[int, int], features,
        found_in: dict[int, set[str]], use_model: bool = True,
    ) -> set[int]:
        """The clauses a rewrite drops: the problem clauses (`found_in`: each clause's categories),
        save a rule's instruction to the resident, and the residue beside them."""
        drop: set[int] = set(problems)
        for k in problems:
            # a rule's clause that only tells the resident what to do (报修得先在APP上提交工单) is
            # helpful information beside the offer the rewrite makes: kept, unless checked again
            # it is still found (the loop in `composing` drops it then)
            found = found_in.get(k)
            if found and found <= self.rule_kept_for and self.rule_instruction.search(skeletons[k]):
                drop.discard(k)
            # a notice's words with what it says (通知上写得明明白白周三8点到18点停水): the fact is
            # kept without the reproach, unless checked again it is still found
            elif self.fact.search(skeletons[k]) and self._softened(text := parts[k].text(original)) != text:
                drop.discard(k)
        probabilities = self.reader.residue_of(original, features) if self.reader is not None and use_model else None
        for k, part in enumerate(parts):
            if part.quoted or k in drop:
                continue
            skeleton = skeletons[k]
            if self.instruction.search(skeleton):
                continue  # what to do in the meantime: the resident needs it (softened when written)
            if any(p.search(skeleton) for p in self.residue):
                drop.add(k)
                continue
            text = part.text(original)
            if self.fact.search(skeleton) and self._softened(text) != text:
                continue  # a notice 写得清清楚楚 with what it says: softened, the fact stays (写着周四停电)
            if probabilities is not None and probabilities[k] >= self._residue_threshold(skeleton):
                drop.add(k)
        # a quotation inside a dropped clause goes with it
        for k, part in enumerate(parts):
            if part.quoted and ((k - 1) in drop or (k + 1) in drop) and k not in drop:
                if all(j in drop for j in (k - 1, k + 1) if 0 <= j < len(parts)):
                    drop.add(k)
        return drop

    def _residue_threshold(self, skeleton: str) -> float:
        """A clause that tells the resident something concrete (a time, a place, a number, what
        to do) is dropped only when the residue model is surer: losing a fact costs more."""
        return self.spec.fact_residue_threshold if self.fact.search(skeleton) else self.spec.residue_threshold

    def _address(self, original: str, parts: list[Clause], analysis: Analysis) -> tuple[str, int]:
        """The leading form of address as written, and how many clauses it takes (0 or 1)."""
        if not parts:
            return "", 0
        first = parts[0]
        if len(parts) > 1 and self.address.match(normalised_clause(first.text(original).strip()).skeleton):
            return first.text(original), 1
        word, space, _ = first.text(original).partition(" ")
        if space and self.address.match(word.strip()):  # "姐 车位转租这种我不会办": the address, then a space
            return word, 0
        text = first.text(original)
        named = {p.end - first.start for p in analysis.positives if p.category == "P1" and p.start == first.start}
        for cut in range(2, min(6, len(text) - 1)):  # "大爷你认字不": the address, then the one addressed
            if text[cut] in "你您" and text[cut + 1 : cut + 2] not in ("好", "们") and (
                cut in named or normalised_clause(text[:cut]).skeleton in self.address_alone
            ):
                return text[:cut], 0  # (not 隔壁邻居你自己去协商吧: a third party named first)
        # a name (P1) or a greeting (您好, 大家好); a polite word alone (请问, 麻烦) addresses no one
        spans = sorted(
            (p.start, p.end)
            for p in analysis.positives
            if p.start < first.end and (p.category == "P1" or (p.category == "P2" and p.match.endswith("好")))
        )
        opens = first.start  # where the words start, after any emoji or symbols
        while opens < first.end and not (is_han(original[opens]) or original[opens].isalnum()):
            opens += 1
        if not spans or spans[0][0] > opens + 1:
            return "", 0
        end = opens
        for s, e in spans:
            if s > end + 1:
                break
            end = max(end, e)
        if end >= first.end - 1:
            return original[first.start : first.end], 1
        return original[first.start : end], 0

    @staticmethod
    def _categories_by_clause(parts: list[Clause], analysis: Analysis | None) -> dict[int, set[str]]:
        """The categories of the findings whose words each clause holds."""
        out: dict[int, set[str]] = {}
        for finding, ks, _, _ in _found_clauses(parts, analysis) if analysis else ():
            for k in ks:
                out.setdefault(k, set()).add(finding.category)
        return out

    def _matter_sources(
        self, parts: list[Clause], skeletons: list[str], drop: set[int], problems: dict[int, int], taken: int,
        courtesies: frozenset[int] = frozenset(),
    ) -> dict[int, int]:
        """The dropped clauses the matter may come from, each with where its problem's words start
        (a residue clause: nowhere, it may be named whole), in reading order (电梯昨天刚保养过
        beside a denial still names the 电梯), a residue clause only while nothing was kept before it."""
        sources = {}
        resident = tuple(self.spec.matter_resident)
        for k in sorted(set(problems) | drop):  # in reading order: the first clause usually names it
            if k < taken or parts[k].quoted:
                continue
            if (
                k not in problems
                and not skeletons[k].startswith(resident)
                and any(j not in drop and j not in courtesies and _says_something(skeletons[j]) for j in range(taken, k))
            ):
                continue  # an excuse after a kept clause (阀门我看了|今天配件没带): the kept one named it,
                # unless it is about the resident's own (管子是新换的|您家墙上那水印是别的原因)
            sources[k] = problems.get(k, parts[k].end - parts[k].start)
        return sources

    def _matter(
        self, original: str, parts: list[Clause], problems: dict[int, int], kept_text: str, address_end: int = 0,
        found_in: dict[int, set[str]] | None = None,
    ) -> str:
        """What the first problem clause that names one is about (clauses about the request
        first, then those about the price or the resident's ability: matter_later): its opening
        words before the problem's own words, up to the first word about the speaker, the resident, a time or a
        verdict (compose.yaml). `problems`: clause -> where its problem's words start in it.
        An excuse or a dismissal beside the problem names nothing the resident raised. When no
        clause opens with it: what was (not) promised (我可没说过|免费给您换草皮), else the first
        run of nouns a problem clause names (_first_thing).
        `address_end`: where a form of address opening the first clause ends (亲|物业费帐单…);
        `found_in`: each clause's categories (_categories_by_clause)."""
        if self.words is None:
            return ""
        squashed = normalised_clause(kept_text).skeleton
        found_in = found_in or {}
        comparing = {k for k, categories in found_in.items() if categories & self.comparison}
        not_in = {k for k, categories in found_in.items() if categories & self.matter_not_in}
        # a clause about the resident or the price names the matter less often than one about the request
        later = {k for k, categories in found_in.items() if categories <= self.matter_later}
        # a thing promised vaguely in its own clause (充电棚估计月底能装好吧) is a second matter
        also = {k for k, categories in found_in.items() if categories & self.matter_also}
        problems = {k: problems[k] for k in sorted(problems, key=lambda k: (k in later, k))}
        first = ""
        for k, problem_at in problems.items():
            clause, cut = self._matter_clause(original, parts[k], address_end if k == 0 else 0)
            problem_at -= cut
            whole = len(clause)
            if k in comparing:
                written = normalised_clause(clause)
                marked = self.comparison_marker.search(written.skeleton)
                if marked is None or marked.start() == 0:
                    continue  # only who "can do it" (我家奶奶都会弄)
                at = written.to_original(marked.start(), marked.end())[0]
                clause, problem_at = clause[:at], at  # 门禁卡绑定这种操作|连小朋友都会弄
            text = normalised_clause(clause)
            words = self.words(text.skeleton)
            i, start, end, written = self._opening(words, text)
            i, end = self._run(words, text, i, start, end, problem_at, whole)
            if i == len(words) and problem_at < whole:
                end = len(text.skeleton)  # 发票抬头改不了的: the problem's own words end it, below
            elif i == len(words) and not written:  # no subject of its own (改天再聊, 我们也没办法): no matter
                continue
            if end <= start:
                promised = self._a_thing_promised(self._promised(clause))
                if promised and not first and normalised_clause(promised).skeleton not in squashed:
                    return self._the_matter(promised)  # 我昨天根本没答应|帮您收船帆: what was denied
                continue
            lo, hi = text.to_original(start, end)
            if lo <= problem_at < hi and (k in not_in or not self._noun_at(clause, problem_at)):
                # the matter ends where the problem's words begin (这个月物业费|减免不了), unless
                # they begin with the thing itself (3栋|电梯绝对不可能夹人 still names the 电梯)
                # or before the matter does (|我们的配电箱绝对不可能出问题); the words of some
                # findings never name it (matter_not_in: 前台现金不收，|公司规定就这样). A word the
                # problem's words begin inside goes with them (物业费|减免不了, found as 免不了)
                hi = max((at for at in _word_starts(text, words) if at <= problem_at), default=problem_at)
            if hi <= lo or hi > 0.75 * whole:
                continue
            head = self._as_matter(self._named(clause, lo, hi))
            if not head:
                continue
            said = normalised_clause(head).skeleton
            if not first:
                if said in squashed:
                    return ""
                first = head
                continue
            # 退费的事|我办不了, 调旧录像这个|我们不能办: the reply names it as a matter itself
            bare_first, bare = self._without_named_so(first), self._without_named_so(head)
            named_so = bare != head or self.matter_named_so.match(normalised_clause(clause[hi:]).skeleton) is not None
            if not named_so and k in also:
                named_so = self._ends_on_a_thing(bare)  # 充电棚|估计月底能装好吧: the thing promised
            seen, said = normalised_clause(bare_first).skeleton, normalised_clause(bare).skeleton
            if named_so and said not in squashed and said not in seen and seen not in said and self._a_thing(bare):
                return self._the_matter(f"{bare_first}和{bare}")  # 投诉和退费的事: each matter raised
        if first:
            return self._the_matter(first)
        for k in problems:  # no clause opens with it: what was (not) promised (我可没说过|免费给您换草皮)
            clause, _ = self._matter_clause(original, parts[k], address_end if k == 0 else 0)
            head = self._promised(clause)  # (held to _a_thing_promised here: 2,241 -> 2,224 good)
            if head and self._could_be_done(head):
                continue  # what could be done (会帮您出维修费), not what was raised
            if head and normalised_clause(head).skeleton not in squashed:
                return self._the_matter(head)
        for k in problems:  # nothing opens a clause with it: the first thing a problem clause names
            if k in not_in:
                continue
            clause, _ = self._matter_clause(original, parts[k], address_end if k == 0 else 0)
            head = self._first_thing(clause)
            if head and normalised_clause(head).skeleton not in squashed:
                return self._the_matter(head)
        return ""

    def _promised(self, clause: str) -> str:
        """What `clause` says was (not) promised, to its end (我可没说过|免费给您换草皮), or ""."""
        text = normalised_clause(clause)
        promised = self.matter_promised.search(text.skeleton)
        if promised and promised.end() < len(text.skeleton):
            return self._named(clause, *text.to_original(promised.end(), len(text.skeleton)))
        return ""

    def _a_thing_promised(self, promised: str) -> str:
        """A denied promise as the matter's name if it names a service or a thing (帮您收船帆,
        免费送餐), else "": not a time (周末前一定修好: a second time beside the commitment's) nor
        what could be done (能退押金, 会帮您出维修费)."""
        if not promised or self._could_be_done(promised):
            return ""
        words = self.words(normalised_clause(promised).skeleton)
        if any(word_tag(w) in ("t", "tg", "m") or w in self.spec.matter_day for w in words):
            return ""
        return self._as_matter(promised)

    def _could_be_done(self, promised: str) -> bool:
        """Whether a denied promise says what could be done (能退押金, 会帮您出维修费): naming it as
        the matter would read as promising it."""
        words = self.words(normalised_clause(promised).skeleton)
        return not words or words[0] in self.spec.promised_not_opening

    def _first_thing(self, clause: str) -> str:
        """The first run of nouns in `clause` (jieba's tags, compose.yaml thing_tags) that names a
        thing, not a person or a kind (不可能是我们保安把您的电动车弄倒的 -> 电动车): what the matter
        is when no clause opens with it."""
        text = normalised_clause(clause)
        words = self.words(text.skeleton)
        at = 0
        run_start = run_end = None
        for j, word in enumerate(words + [""]):
            if word and word_tag(word) in self.spec.thing_tags:
                if run_start is None:
                    run_start = at
                    if j >= 2 and words[j - 1] in self.spec.thing_label and _a_number(words[j - 2]) and word not in self.spec.thing_label:
                        run_start -= len(words[j - 2]) + len(words[j - 1])  # 3号|自习室: the label is its name
                run_end = at + len(word)
            elif run_start is not None:
                head = self._as_matter(self._named(clause, *text.to_original(run_start, run_end)))
                if head:
                    return head
                run_start = None
            at += len(word)
        return ""

    def _opening(self, words: list[str], text) -> tuple[int, int, int, bool]:
        """Where the matter starts among a clause's words (past lead-ins, whose it is, what a notice
        says), and how far it reaches already (a day or the resident's place that opens it): (the
        next word, start, end, whether a notice's words were passed)."""
        i = start = 0
        while lead := self._lead(words, i):
            if lead == 1 and i + 1 < len(words) and words[i + 1] in self.matter_time:
                i += 2  # 这个月: a time that belongs to the matter
                break
            start += sum(len(w) for w in words[i : i + lead])
            i += lead
        if i + 2 < len(words) and words[i] in self.spec.matter_pointer and words[i + 1] in self.spec.matter_measure:
            start += len(words[i]) + len(words[i + 1])  # 这款|可视对讲 (jieba: 这|款): which one, then the matter
            i += 2
        if i + 2 < len(words) and words[i] in self.spec.matter_owner and (
            words[i + 1] == "的" or (words[i] in self.spec.matter_resident and words[i + 1] in self.spec.matter_pointer)
        ):
            start += len(words[i]) + len(words[i + 1])  # 我们的配电箱, 您这个装修申请单: whose it is is not the matter
            i += 2
        elif i + 2 < len(words) and words[i] in self.matter_staff and words[i + 1] in self.spec.matter_our_places:
            start += len(words[i])  # 我们|小区物业费1.8: whose place it is, without 的
            i += 1
        elif i + 3 < len(words) and words[i] in self.matter_staff and words[i + 2] == "的" and word_tag(words[i + 1]) == "v":
            start += sum(len(w) for w in words[i : i + 3])  # 我们装的智能水表: who put it in is not the matter
            i += 3
        written = self.matter_written.match(text.skeleton, start)
        if written:
            while i < len(words) and start < written.end():  # 通知栏上写得清清楚楚|周四上午停电检修: what it says
                start += len(words[i])
                i += 1
        end = sum(len(w) for w in words[:i])
        if i + 1 < len(words) and words[i] in self.spec.matter_day and words[i + 1] not in self.matter_end:
            end += len(words[i])  # 今天9栋停水: a day that opens the matter belongs to it
            i += 1
        elif i + 1 < len(words) and words[i] in self.spec.matter_resident and words[i + 1][:1].isdigit():
            start += len(words[i])  # 您|7栋1502窗外那棵香樟: the resident's place opens the matter
            end += len(words[i])
            i += 1
        elif i + 1 < len(words) and words[i] in self.spec.matter_resident and words[i + 1].startswith("家"):
            end += len(words[i]) + len(words[i + 1])  # 您家门口的花盆 (jieba: 您|家门口): the resident's home
            i += 2
        return i, start, end, bool(written)

    def _run(self, words: list[str], text, i: int, start: int, end: int, problem_at: int, length: int) -> tuple[int, int]:
        """How far the matter runs on from words[i]: (the word it stopped at, len(words) when it ran
        to the clause's end, -1 when the clause is all matter and it falls back; end)."""
        negated_at = None
        while i < len(words):
            word = words[i]
            if end > start and word in self.spec.matter_pointer:
                # 电梯那个异响, 3栋西边那棵香樟: a pointer inside the matter goes on with it,
                # unless it only says what kind of thing the matter is (滴水到楼下这种技术问题)
                if word in self.spec.matter_kind_pointers or any(w.endswith(self.kinds) for w in words[i + 1 : i + 4]):
                    break  # 门禁卡绑定|这种操作: what follows is the kind, the matter is before it
                measure = words[i + 1] if i + 1 < len(words) else ""
                step = 2 if len(measure) == 1 and is_han(measure) and measure not in self.matter_end else 1
                after = words[i + step] if i + step < len(words) else ""
                if not after or after in self.matter_end or after.startswith(("不", "没")):
                    break  # 快递柜这个|我不懂: the pointer points back, the matter is over
                end += sum(len(w) for w in words[i : i + step])
                i += step
                continue
            if word in self.matter_end and not self._goes_on(words, i):
                break
            if word.startswith(("不", "没")):
                # a negation that opens the clause or is the problem's own (物业费|不能减免) ends
                # it; before the problem it is what the resident raised (快递柜取不出来|这事我不会弄)
                if end <= start or text.to_original(0, end + len(word))[1] > problem_at:
                    break
                negated_at = end if negated_at is None else negated_at
            end += len(word)
            i += 1
        if negated_at is not None and (i == len(words) or text.to_original(0, end)[1] > 0.75 * length):
            end, i = negated_at, -1  # the whole clause is no matter: what it is about (维修基金账目|不对外公开)
        elif negated_at is not None and words[i - 1] in self.spec.matter_bare_negations:
            end = negated_at  # a negation with nothing after it names nothing (群里|不是早就发过了吗)
        return i, end

    def _goes_on(self, words: list[str], i: int) -> bool:
        """Whether words[i], one of matter_end, goes on with the matter: the resident a service is
        for (帮|您搬柜子), or a preposition after how (月卡咋|跟ETC绑定, the resident's question)."""
        before = words[i - 1] if i else ""
        return (words[i] in self.spec.matter_resident and before in self.spec.matter_for_you) or (
            words[i] in self.spec.matter_how_goes_on and before in self.spec.matter_how
        )

    def _lead(self, words: list[str], i: int) -> int:
        """How many words from words[i] make one of matter_lead (你说的 is 你|说|的 to jieba), 0 if none."""
        joined = ""
        for n, word in enumerate(words[i : i + 3], 1):
            joined += word
            if joined in self.matter_lead:
                return n
        return 0

    @staticmethod
    def _matter_clause(original: str, part: Clause, address_end: int) -> tuple[str, int]:
        """The clause's text as the matter is read from it (a form of address opening it cut
        off, spaces trimmed), and how far in that text starts."""
        clause = part.text(original)
        cut = max(0, address_end - part.start)
        cut += len(clause[cut:]) - len(clause[cut:].lstrip())
        return clause[cut:].rstrip(), cut

    def _named(self, clause: str, lo: int, hi: int) -> str:
        """clause[lo:hi] without its trailing particles, if it can name a matter: "" for a kind
        (这个问题|你找物业吧, 这种小问题), or words too short, too long or not words (B2-058车位, 1.8 are)."""
        head = _TRAILING.sub("", clause[lo:hi])
        skeleton = normalised_clause(head).skeleton
        if skeleton.lstrip(self.spec.matter_kind_sizes) in self.kinds or skeleton.startswith(self.kinds_opening):
            return ""  # a kind, small or not (小问题), or what opens with one (情况压根)
        if not 2 <= len(head) <= 16 or not all(is_han(c) or c.isalnum() or c in "-#/.:" for c in head):
            return ""
        return head

    def _the_matter(self, head: str) -> str:
        """How the commitment names it: 电梯异响的事, but 这个问题 as it is (as written: 問題 too)."""
        return head if normalised_clause(head).skeleton.endswith(self.kinds) else head + "的事"

    def _softened(self, run: str) -> str:
        """A kept run without the words that make its fact a reproach (compose.yaml soften)."""
        for pattern, say in self.soften:
            run = pattern.sub(say, run)
        return run

    def _as_matter(self, head: str) -> str:
        """`head` as the matter's name, or "" if it cannot name a thing raised. A rule said of it
        goes (快递代收的规矩 -> 快递代收); not a person alone (师傅); not how the office works or why
        it can't (系统自动计时, 人手, 公司规定); not opening with a pronoun or a function word (谁家,
        为啥这么定), though the resident's own 您家 and a time can."""
        if not head:
            return ""
        words = self.words(normalised_clause(head).skeleton)
        if len(words) > 2 and words[-2] == "的" and words[-1] in self.spec.office_ending:
            head, words = _without_last(head, words, 2)  # 快递代收的规矩 -> 快递代收
        time_nouns = self.spec.matter_time_nouns
        while len(words) > 1 and (
            words[0] in time_nouns or words[0] == "的" or (words[0] in self.spec.matter_pointer and words[1] in time_nouns)
        ):
            head, words = _without_first(head, words, 1)  # 那时候的装修押金 -> 时候的装修押金 -> … -> 装修押金
        if all(w in time_nouns for w in words):
            return ""  # 阵子, 时候: when, not what
        while len(words) > 1 and word_tag(words[-1]) in self.spec.matter_trailing_tags:
            head, words = _without_last(head, words, 1)  # 地库去年 -> 地库: when it was is not what
        if len(words) > 2 and words[-2] == "的" and words[-1] in self.spec.matter_not_people:
            head, words = _without_last(head, words, 2)  # 楼道灯的师傅 -> 楼道灯: who comes is not what
        if normalised_clause(head).skeleton in self.spec.matter_not_people or words[-1] in self.spec.matter_roles:
            return ""  # who is to do it (师傅) or whom it is about (合租室友), not what
        if all(word_tag(w) == "t" for w in words):
            return ""  # when, not what (下个月|大概能多安排一次)
        if all(w in self.says_nothing for w in words) or words[-1] in self.spec.matter_when_ending:
            return ""  # 具体, 大家, 试试, 小区: no thing raised; 厂家有空: when, not what
        if words and (words[0] in self.spec.office_opening or words[-1] in self.spec.office_ending):
            return ""
        if not words or words[0] in self.matter_lead or words[0].startswith(tuple(self.spec.matter_resident)):
            return head  # 这个月物业费, 您家门口的花盆
        return head if word_tag(words[0])[:1] not in self.spec.matter_not_opening else ""

    def _without_named_so(self, head: str) -> str:
        """`head` as written without the words that name it as a matter (退费的事 -> 退费)."""
        text = normalised_clause(head)
        ending = self.named_so_ending.search(text.skeleton)
        return head[: text.to_original(ending.start(), ending.end())[0]] if ending and ending.start() else head

    def _a_thing(self, head: str) -> bool:
        """Whether `head`, which the reply names as a matter (退费的事, 发票这块), can stand beside
        another: not what happened or a condition (置顶了, 清掏的话), not a person or a vague word
        (大家, 具体, 开车的人), not a long statement, not running over a comma."""
        words = self.words(normalised_clause(head).skeleton)
        if not words or any(c in head for c in "，,、；;：:") or words[-1] in self.spec.matter_not_a_thing_ending:
            return False
        if any(w in self.not_a_second_thing for w in words):
            return False  # 垃圾分类和大家, 楼道卫生和具体: no thing of its own
        if len(head) > self.spec.matter_second_longest or words[-1].endswith("人"):
            return False  # 开车的人, 城里人: a person; a long run is a statement, not a name
        return True  # the reply named it as a matter itself (退费的事): no part of speech to ask for

    def _ends_on_a_thing(self, head: str) -> bool:
        """Whether `head`, which the reply does not itself name as a matter, names a thing: it
        neither opens nor ends on a number, a measure or a time (加压泵, not 辆旧三轮 or
        周一上午九点), nor ends on a person, by name or by role inside one word (王经理,
        保洁阿姨; a role as a word of its own is _a_thing's to refuse)."""
        words = self.words(normalised_clause(head).skeleton)
        if not words or any(word_tag(w)[:1] in ("m", "q", "t") for w in (words[0], words[-1])):
            return False
        return not word_tag(words[-1]).startswith("nr") and not head.endswith(tuple(self.spec.matter_not_people))

    def _noun_at(self, clause: str, at: int) -> bool:
        """Whether the word of `clause` starting at `at` is a noun (jieba's tag)."""
        words = self.words(normalised_clause(clause[at:]).skeleton) if self.words else []
        return bool(words) and word_tag(words[0]).startswith("n")

    def _plan(
        self, original: str, parts: list[Clause], skeletons: list[str], drop: set[int], problems: dict[int, int],
        analysis: Analysis, found_in: dict[int, set[str]],
    ) -> Plan:
        address, taken = self._address(original, parts, analysis)
        opens_at = parts[0].start + len(address) if address and taken == 0 else 0
        if opens_at and 0 not in drop and not original[opens_at : parts[0].end].strip(" ，,、：:"):
            address = ""  # nothing after the name in its clause
        runs: list[str] = []
        run: list[Clause] = []
        for k, part in enumerate(parts):
            if k < taken:
                continue
            if k in drop:
                if run:
                    runs.append(_run_text(original, run))
                    run = []
                continue
            run.append(part)
        if run:
            runs.append(_run_text(original, run))
        if address and taken == 0 and 0 not in drop:
            runs[0] = original[opens_at : parts[0].end] + runs[0][parts[0].end - parts[0].start :]  # the name opens the reply
        runs = [self.interjection.sub("", r.strip().lstrip("，,、；;。.！!？? ")) for r in runs]
        runs = [r for r in runs if not _GREETING_ALONE.fullmatch(r)]  # the reply opens with its own 您好
        runs = [self._softened(r) for r in runs if r]
        kept_text = "，".join(runs)
        return Plan(
            address=address,
            kept=runs,
            matter=self._matter(original, parts, self._matter_sources(parts, skeletons, drop, problems, taken, _courtesies(parts, analysis)), kept_text,
                                opens_at if address else 0, found_in),
            categories=frozenset(f.category for f, _ in analysis.findings),
            has_answer_time=bool(self.answers_by.search(normalised_clause(kept_text).skeleton)),
            polite=any(p.category == "P2" for p in analysis.positives) and bool(runs),
            contact=self._contact(original, parts, skeletons, analysis),
        )

    def _contact(self, original: str, parts: list[Clause], skeletons: list[str], analysis: Analysis) -> str:
        """Whom a reply names in any clause with a problem, as someone to go to (找运营商), to wait
        for (等厂家工程师来了) or a number to dial (打95598): the staff member contacts them instead
        (我来帮您联系运营商). Only moves with a say_contact say it (compose.yaml)."""
        if not any(f.category in self.contact_categories for f, _ in analysis.findings):
            return ""
        if self.words is None:
            return ""
        # where it names them: any clause with a problem, in reading order
        problem_clauses = sorted({k for f, _ in analysis.findings for k in clause_index(parts, f.start, f.end)})
        for k in problem_clauses:
            clause = parts[k].text(original)
            text = normalised_clause(clause)
            bounds = WordBounds(text.skeleton, self.words)  # whole words only, segmented if asked
            for m in (m for pattern in self.contacts for m in pattern.finditer(text.skeleton)):
                if m.start("who") not in bounds or m.end("who") not in bounds:
                    continue
                lo, hi = text.to_original(*m.span("who"))
                who = clause[lo:hi]  # as written (A栋门岗, not the matching form's a栋门岗)
                if any(is_han(c) for c in who):
                    return who
        for k in problem_clauses:  # a number to call (您直接打95598问吧): staff call it instead
            number = self.number_to_call.search(skeletons[k])
            if number and not self.not_called_for.search(skeletons[k]):
                return number.group("number")  # digits read the same as written
        return ""

    # ---- writing -----------------------------------------------------------------------------

    def _move(self, categories: frozenset[str]) -> Move:
        return next((m for m in self.moves if m.categories & categories), self.moves[-1])

    def write(self, plan: Plan, original: str, now: datetime) -> str:
        """The reply the plan says, as long as about 2.5 times the original allows."""
        move = self._move(plan.categories)
        commitment = ""
        if not plan.has_answer_time:
            named = plan.contact and move.say_contact and (move.contact_like is None or move.contact_like.search(plan.contact))
            say = move.say_contact if named else move.say
            matter = plan.matter if not named or not _only_the_contact(plan.matter, plan.contact, self.spec.contact_leads) else ""
            commitment = say.format(matter=matter, contact=plan.contact, time=promise_time(now, hours=move.hours))
        opening = self.spec.apology if plan.categories & set(self.spec.apology_for) else self.spec.thanks
        if plan.polite:
            opening = ""  # the original's own greeting and thanks set the tone
        head = _greeting(plan.address, self.spec.address_in_full)
        budget = max(int(2.5 * len(original)), 40)
        body = [_sentence(r) for r in plan.kept]
        tail = [commitment] if commitment else []
        for with_opening, with_closing in ((True, True), (True, False), (False, False)):
            text = _join(head, opening if with_opening else "", body, tail, self.spec.closing if with_closing else "")
            if len(text) <= budget:
                break
        return _same_script(text, original)

    def last_resort(self, plan: Plan | None, original: str, now: datetime) -> str:
        move = self._move(plan.categories if plan else frozenset())
        text = self.spec.last_resort.format(time=promise_time(now, hours=move.hours))
        if plan and plan.address:
            text = _greeting(plan.address, self.spec.address_in_full) + "，" + text.removeprefix("您好，")
        return _same_script(text, original)

    def composing(
        self, original: str, analysis: Analysis, now: datetime, *, use_model: bool = True
    ) -> Generator[str, Analysis, str]:
        """The reply to send instead of `original` (itself when nothing was found), in steps:
        yields each candidate to be checked, is sent its analysis (what is still found in a kept
        clause is dropped in the next round), and returns the rewrite; the checker checks the
        candidates of many replies together. use_model=False: residue by the patterns alone (the
        caller switched categories off, and the residue model cannot say which category a clause
        would be dropped for)."""
        if not analysis.findings:
            return original
        parts = analysis.features.parts if analysis.features is not None else clauses(original)  # read once
        if not parts:
            return original
        # each clause's matching form, read once (the reply's features hold them already)
        skeletons = analysis.features.skeletons if analysis.features is not None else [
            normalised_clause(p.text(original)).skeleton for p in parts
        ]
        problems = self._problems(parts, analysis)
        found_in = self._categories_by_clause(parts, analysis)  # once: every round reads it
        drop = self._dropped(original, parts, skeletons, problems, analysis.features, found_in, use_model)
        plan = None
        for _ in range(MAX_ROUNDS):
            plan = self._plan(original, parts, skeletons, drop, problems, analysis, found_in)
            candidate = self.write(plan, original, now)
            found = (yield candidate).findings
            if not found:
                return candidate
            more = self._kept_clauses_hit(original, parts, drop, candidate, found)
            if not more:
                if not plan.matter:
                    break
                plan.matter = ""  # the matter carried the problem's words: say it without
                candidate = self.write(plan, original, now)
                if not (yield candidate).findings:
                    return candidate
                break
            drop |= more
        return self.last_resort(plan, original, now)

    def _kept_clauses_hit(self, original, parts, drop, candidate, found) -> set[int]:
        """The original clauses whose text, kept in `candidate` (softened: compose.yaml soften),
        still holds a finding."""
        kept = [(k, part.text(original)) for k, part in enumerate(parts) if k not in drop]
        kept = [(k, text, self._softened(text)) for k, text in kept]
        hit: set[int] = set()
        for finding, _ in found:
            words = candidate[finding.start : finding.end]
            for k, text, softened in kept:
                if words and (words in text or text in words or words in softened or softened in words):
                    hit.add(k)
        return hit


def _only_the_contact(matter: str, contact: str, leads: Sequence[str]) -> bool:
    """Whether the matter names no more than whom the commitment contacts (联系开发商客服的事 beside
    我来帮您联系开发商客服): said once is enough. 投诉开发商的事 and 楼上漏水的事 are matters of their own.
    `leads`: the verbs of reaching someone a matter may open with (compose.yaml contact_leads)."""
    bare = matter.removesuffix("的事")
    for lead in leads:
        bare = bare.removeprefix(lead)
    return bare == contact


def _a_number(word: str) -> bool:
    """Whether `word` is a number, in digits or Chinese numerals (3, 十二)."""
    return bool(word) and all(c.isdigit() or c in CHINESE_DIGITS + "十百两" for c in word)


def _run_text(original: str, run: list[Clause]) -> str:
    """The text of kept clauses, read on, with the quotation marks around a quoted clause at its
    ends (写着“请先完成实名认证”: a quote is not cut open)."""
    start, end = run[0].start, run[-1].end
    if run[0].quoted and start and original[start - 1] in _OPENING_QUOTES:
        start -= 1
    if run[-1].quoted and end < len(original) and original[end] in _CLOSING_QUOTES:
        end += 1
    return original[start:end]


def _without_last(head: str, words: list[str], n: int) -> tuple[str, list[str]]:
    """`head` (as written) and its words (in matching form) without the last `n` words, cut where
    they start in the written text (normalising may change lengths: 樓, inserted symbols)."""
    kept = sum(len(w) for w in words[:-n])
    return head[: normalised_clause(head).to_original(0, kept)[1]], words[:-n]


def _without_first(head: str, words: list[str], n: int) -> tuple[str, list[str]]:
    """`head` (as written) and its words without the first `n` words (see _without_last)."""
    dropped = sum(len(w) for w in words[:n])
    return head[normalised_clause(head).to_original(0, dropped)[1] :], words[n:]


def _word_starts(text, words: list[str]) -> list[int]:
    """Where in the original each of `words` (the segmented skeleton of `text`) begins."""
    starts, at = [], 0
    for word in words:
        if word:
            starts.append(text.to_original(at, at + len(word))[0])
        at += len(word)
    return starts


def _found_clauses(parts: list[Clause], analysis: Analysis):
    """Each finding with the clauses holding its own words (else those its span reaches), where
    those words start in the original, and whether that is exact (a model finding has no words
    of its own: its span)."""
    for finding, hit in analysis.findings:
        start, end = analysis.text.to_original(hit.start, hit.end) if hit is not None else (finding.start, finding.end)
        ks = clause_index(parts, start, end) or clause_index(parts, finding.start, finding.end)
        yield finding, ks, start, hit is not None


def _courtesies(parts: list[Clause], analysis: Analysis) -> frozenset[int]:
    """The clauses that are thanks or an apology and little else (感谢您|的反馈): they name no
    matter, so an excuse after one may still name it (泳池加热其实操作相当简单)."""
    out = set()
    for k, part in enumerate(parts):
        polite = sum(
            min(p.end, part.end) - max(p.start, part.start)
            for p in analysis.positives
            if p.category == "P2" and min(p.end, part.end) > max(p.start, part.start)
        )
        if polite and polite >= (part.end - part.start) - 3:  # 感谢您|的反馈
            out.add(k)
    return frozenset(out)


def _says_something(skeleton: str) -> bool:
    """Four characters or more of a clause's matching form: more than an interjection or a
    greeting (哈哈亲, 好的, 收到)."""
    return len(skeleton) >= 4


def _greeting(address: str, in_full: dict[str, str] | None = None) -> str:
    """The greeting that opens a composed reply: the form of address as written, then 您好; a
    kinship word said alone in its full form (叔 -> 叔叔您好, as 叔您好 would sound curt)."""
    address = address.strip().rstrip("，,、：: ")
    address = (in_full or {}).get(address, address)
    if not address:
        return "您好"
    return address if "好" in address else address + "您好"


def _sentence(run: str) -> str:
    run = run.strip()
    run = re.sub(r"[，,、；;：:\s]+$", "", run)
    return run


def _join(head: str, opening: str, body: Sequence[str], tail: Sequence[str], closing: str) -> str:
    first = head + ("，" + opening + "。" if opening else "，")
    middle = ""
    last = "，".join(t for t in tail if t)
    runs = [r for r in body if r]
    for i, run in enumerate(runs):
        if run[-1] in "。！？!?":
            middle += run
        else:  # the facts run on into the commitment, as one message
            middle += run + ("，" if i < len(runs) - 1 or last else "。")
    if last:
        last += "，" + closing if closing else "。"
    elif closing:
        last = closing
    text = first + middle + last
    return re.sub(r"[?？]。", "？", text)


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def _same_script(text: str, original: str) -> str:
    """Traditional stays Traditional: the composed words follow the original's script."""
    if traditional_share(original) < 0.2:
        return text
    return _to_traditional().convert(text)
