"""Lexicons: YAML entries, validated on load, merged with company overlays.

A lexicon directory holds *.yaml files of this shape (assistant/lexicons/README.md has the details):

    sets:    {DEPT: [工程部, 财务部]}          # word lists a pattern names as {DEPT}
    macros:  {ANY_DEPT: "(?:{DEPT}|\\w{1,3}部)"}  # named pattern fragments, also used as {ANY_DEPT}
    entries: [{id, category, message, patterns, exceptions, rewrites, examples, ...}]
    patch:   [{id, enabled: false}, {id, add_exceptions: [...]}]   # change entries of other files

Built-in lexicons load first, then each company directory in order. Every problem is reported as a
LexiconError naming the file and the entry, so a broken lexicon never loads half-way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import LexiconError, RuleFileError
from assistant.normalise import skeleton_of
from assistant.patterns import PatternError, compile_pattern, required_sets
from assistant.taxonomy import Severity, taxonomy

BUILTIN_DIR = Path(__file__).resolve().parent / "lexicons"

Scope = Literal["span", "clause", "sentence", "text"]
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


# ---- the YAML schema ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ExceptionSpec(_Strict):
    """An antipattern: a finding is dropped when this matches over it (span) or near it."""

    pattern: str
    scope: Scope = "span"


class FlagExample(_Strict):
    """A reply the entry must flag; [[...]] marks the expected span, `fix` one expected suggestion."""

    text: str
    fix: str | None = None


class Examples(_Strict):
    flag: list[FlagExample | str] = Field(default_factory=list)
    pass_: list[str] = Field(default_factory=list, alias="pass")

    @field_validator("flag")
    @classmethod
    def _marked(cls, value: list[FlagExample | str]) -> list[FlagExample]:
        out = [FlagExample(text=v) if isinstance(v, str) else v for v in value]
        for ex in out:
            if ex.text.count("[[") != 1 or ex.text.count("]]") != 1 or ex.text.index("[[") > ex.text.index("]]"):
                raise ValueError(f"flag example must mark its span once with [[...]]: {ex.text}")
        return out


class EntrySpec(_Strict):
    id: Annotated[str, Field(pattern=_ID)]
    category: str
    severity: Severity | None = None
    message: str = ""
    patterns: Annotated[list[str], Field(min_length=1)]
    sound: bool | None = None
    fuzzy: list[str] = Field(default_factory=list)
    fuzzy_threshold: Annotated[float, Field(ge=50, le=100)] = 88.0
    exceptions: list[ExceptionSpec | str] = Field(default_factory=list)
    rewrites: list[str] = Field(default_factory=list)
    rewrite_scope: Literal["span", "clause", "sentence"] | None = None
    confidence: Annotated[float, Field(gt=0, le=1)] = 1.0
    boundary: Literal["none", "word"] = "none"
    enabled: bool = True
    examples: Examples = Field(default_factory=Examples)

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in taxonomy():
            raise ValueError(f"unknown category {value!r} (taxonomy codes: {', '.join(taxonomy().categories)})")
        return value

    def model_post_init(self, _context) -> None:
        group = taxonomy()[self.category].group
        if group != "liked":
            if not self.message:
                raise ValueError("a finding needs a message")
            if not self.rewrites:
                raise ValueError("a finding needs at least one rewrite")


class PatchSpec(_Strict):
    id: str
    enabled: bool | None = None
    message: str | None = None
    add_patterns: list[str] = Field(default_factory=list)
    add_exceptions: list[ExceptionSpec | str] = Field(default_factory=list)
    rewrites: list[str] | None = None


class ContextRuleSpec(_Strict):
    """When a finding of these categories (from the lexicon or the model) is no finding: what its
    own clause shows (`here`), what the reply's other clauses do (`elsewhere`), what the reply
    does anywhere (`anywhere`). Every condition given must hold."""

    id: Annotated[str, Field(pattern=_ID)]
    categories: Annotated[list[str], Field(min_length=1)]
    here: str | None = None
    elsewhere: str | None = None
    anywhere: str | None = None
    why: str = ""

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in taxonomy() or taxonomy()[c].group == "liked"]
        if unknown:
            raise ValueError(f"unknown finding categories {unknown}")
        return value

    def model_post_init(self, _context) -> None:
        if self.here is None and self.elsewhere is None and self.anywhere is None:
            raise ValueError("give at least one of here, elsewhere or anywhere")


class CategoryFindingSpec(_Strict):
    """What a finding the model makes (a clause doing what this category describes) says and
    suggests: it has no wording of its own, so the category's."""

    message: str
    rewrites: Annotated[list[str], Field(min_length=1)]


class LexiconFile(_Strict):
    sets: dict[str, list[str]] = Field(default_factory=dict)
    macros: dict[str, str] = Field(default_factory=dict)
    entries: list[EntrySpec] = Field(default_factory=list)
    patch: list[PatchSpec] = Field(default_factory=list)
    context_rules: list[ContextRuleSpec] = Field(default_factory=list)
    categories: dict[str, CategoryFindingSpec] = Field(default_factory=dict)

    @field_validator("categories")
    @classmethod
    def _finding_categories(cls, value: dict) -> dict:
        unknown = [c for c in value if c not in taxonomy() or taxonomy()[c].group == "liked"]
        if unknown:
            raise ValueError(f"unknown finding categories {unknown}")
        return value


# ---- compiled form ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Antipattern:
    source: str
    scope: Scope
    exact: re.Pattern[str]
    sound: re.Pattern[str] | None
    exact_needs: tuple[frozenset[str], ...] = ()  # strings a match must contain (patterns.required_sets)
    sound_needs: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry, compiled: what the matchers, the context filter and the rewriter read."""

    id: str
    category: str
    severity: Severity
    message: str
    patterns: tuple[re.Pattern[str], ...]
    sound_patterns: tuple[re.Pattern[str], ...]
    fuzzy: tuple[str, ...]
    fuzzy_threshold: float
    exceptions: tuple[Antipattern, ...]
    rewrites: tuple[str, ...]
    rewrite_scope: Literal["span", "clause", "sentence"]
    confidence: float
    boundary: Literal["none", "word"]
    examples: Examples
    source: str
    pattern_sources: tuple[str, ...] = field(default=())
    group: str = ""  # forbidden / disliked / liked, from the taxonomy (stored: read per hit)
    order: int = 0  # position in the lexicon, the last tie-breaker between colliding hits

    @property
    def is_finding(self) -> bool:
        return self.group != "liked"


@dataclass(frozen=True, slots=True)
class ContextRule:
    id: str
    categories: frozenset[str]
    here: re.Pattern[str] | None
    elsewhere: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None
    why: str


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Lexicon:
    entries: tuple[Entry, ...]
    sets: dict[str, tuple[str, ...]]
    disabled: tuple[str, ...] = ()
    macros: dict[str, str] = field(default_factory=dict)
    context_rules: tuple[ContextRule, ...] = ()
    model_entries: dict[str, Entry] = field(default_factory=dict)  # category -> the entry model findings carry

    def compile(self, source: str, where: str, error: type[RuleFileError] = LexiconError) -> re.Pattern[str]:
        """A pattern in the lexicon language, with this lexicon's sets and macros (for other
        rule files, such as the complaint procedure); `error`, naming `where`, if it is invalid."""
        try:
            return compile_pattern(source, self.sets, macros=self.macros)
        except PatternError as exc:
            raise error(f"{where}: pattern {source!r}: {exc}") from None

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every id a caller may switch off: the lexicon's entries and the model's categories."""
        return frozenset(e.id for e in (*self.entries, *self.model_entries.values()))

    def by_id(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)

    def describe(self, category: str | None = None) -> list[dict]:
        """The rules as the CLI and the API list them: the lexicon's entries (source "lexicon"),
        then what the model finds in each category (source "model", no examples of its own)."""
        names = taxonomy().categories
        return [
            {
                "rule_id": e.id,
                "category": e.category,
                "category_name": names[e.category].name,
                "severity": e.severity,
                "source": "model" if e.id.startswith(MODEL_RULE_PREFIX) else "lexicon",
                "message": e.message or names[e.category].meaning,
                "examples": {"flag": [x.text for x in e.examples.flag], "pass": list(e.examples.pass_)},
                "rewrites": list(e.rewrites),
            }
            for e in (*self.entries, *self.model_entries.values())
            if category is None or e.category == category
        ]

    def words(self) -> set[str]:
        """Plain Chinese words of the lexicon, for the segmenter's dictionary."""
        out = {w for ws in self.sets.values() for w in ws}
        for e in self.entries:
            out.update(s for s in e.pattern_sources if re.fullmatch(r"[\u4e00-\u9fff]{2,8}", s))
        return out


# ---- loading ---------------------------------------------------------------------------------


def _entry_label(raw_entries: list, index: int) -> str:
    try:
        entry_id = raw_entries[index].get("id")
    except (AttributeError, IndexError, TypeError):
        entry_id = None
    return f"entry {entry_id!r}" if entry_id else f"entry #{index + 1}"


def _describe(path: Path, raw: dict, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] in ("entries", "patch") and isinstance(loc[1], int):
            where = _entry_label(raw.get(loc[0]) or [], loc[1]) + ": "
            loc = loc[2:]
        field_path = ".".join(str(x) for x in loc if not isinstance(x, str) or not x.startswith("function-"))
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{path}: {where}{field_path + ': ' if field_path else ''}{msg}")
    return "\n".join(lines)


def read_file(path: Path) -> LexiconFile:
    """Parse and validate one YAML file (patterns are compiled later, once all sets are known)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise LexiconError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if raw is None:
        return LexiconFile()
    if not isinstance(raw, dict):
        raise LexiconError(f"{path}: expected a mapping with sets/entries/patch, got {type(raw).__name__}")
    try:
        return LexiconFile.model_validate(raw)
    except ValidationError as exc:
        raise LexiconError(_describe(path, raw, exc)) from None


def _antipatterns(specs: Iterable[ExceptionSpec | str], sets, macros, where: str) -> list[Antipattern]:
    out = []
    for spec in specs:
        spec = ExceptionSpec(pattern=spec) if isinstance(spec, str) else spec
        try:
            exact = compile_pattern(spec.pattern, sets, macros=macros)
            sound = compile_pattern(spec.pattern, sets, sound=True, macros=macros)
        except PatternError as exc:
            raise LexiconError(f"{where}: exception {spec.pattern!r}: {exc}") from None
        out.append(
            Antipattern(spec.pattern, spec.scope, exact, sound, tuple(required_sets(exact)), tuple(required_sets(sound)))
        )
    return out


def _compile(spec: EntrySpec, sets, macros, source: str, extra_patterns=(), extra_exceptions=()) -> Entry:
    where = f"{source}: entry {spec.id!r}"
    category = taxonomy()[spec.category]
    sound = spec.sound if spec.sound is not None else category.group == "forbidden"
    pattern_sources = (*spec.patterns, *extra_patterns)
    exact, by_sound = [], []
    for src in pattern_sources:
        try:
            exact.append(compile_pattern(src, sets, macros=macros))
            if sound:
                by_sound.append(compile_pattern(src, sets, sound=True, macros=macros))
        except PatternError as exc:
            raise LexiconError(f"{where}: pattern {src!r}: {exc}") from None
    fuzzy = []
    for anchor in spec.fuzzy:
        sk = skeleton_of(anchor)
        if len(sk) < 5:
            raise LexiconError(f"{where}: fuzzy anchor {anchor!r} is too short (5 characters at least)")
        fuzzy.append(sk)
    return Entry(
        id=spec.id,
        category=spec.category,
        severity=spec.severity or category.severity,
        message=spec.message,
        patterns=tuple(exact),
        sound_patterns=tuple(by_sound),
        fuzzy=tuple(fuzzy),
        fuzzy_threshold=spec.fuzzy_threshold,
        exceptions=tuple(_antipatterns([*spec.exceptions, *extra_exceptions], sets, macros, where)),
        rewrites=tuple(spec.rewrites),
        rewrite_scope=spec.rewrite_scope or ("clause" if category.group == "forbidden" else "span"),
        confidence=spec.confidence,
        boundary=spec.boundary,
        examples=spec.examples,
        source=source,
        pattern_sources=tuple(pattern_sources),
        group=category.group,
    )


def lexicon_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise LexiconError(f"{directory}: lexicon directory not found")
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_lexicon(extra_dirs: Sequence[Path | str] = (), *, include_builtin: bool = True) -> Lexicon:
    """Load the built-in lexicons, then each company directory; raise LexiconError on any problem."""
    dirs = ([BUILTIN_DIR] if include_builtin else []) + [Path(d) for d in extra_dirs]
    sets: dict[str, list[str]] = {}
    macros: dict[str, str] = {}
    specs: dict[str, tuple[EntrySpec, str]] = {}
    patches: list[tuple[PatchSpec, str]] = []
    context_specs: dict[str, tuple[ContextRuleSpec, str]] = {}  # a later file's rule of the same id replaces it
    category_specs: dict[str, tuple[CategoryFindingSpec, str]] = {}
    for directory in dirs:
        for path in lexicon_files(directory):
            parsed = read_file(path)
            for name, words in parsed.sets.items():
                if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                    raise LexiconError(f"{path}: set {name!r}: names are upper case, like DEPT")
                sets.setdefault(name, [])
                sets[name].extend(w for w in words if w not in sets[name])
            for name, fragment in parsed.macros.items():
                if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                    raise LexiconError(f"{path}: macro {name!r}: names are upper case, like ANY_DEPT")
                if name in sets:
                    raise LexiconError(f"{path}: macro {name!r}: a word set has this name already")
                macros[name] = fragment
            for rule in parsed.context_rules:
                context_specs[rule.id] = (rule, str(path))
            for code, finding in parsed.categories.items():
                category_specs[code] = (finding, str(path))
            for spec in parsed.entries:
                if spec.id in specs:
                    raise LexiconError(
                        f"{path}: entry {spec.id!r}: id already defined in {specs[spec.id][1]}"
                        " (use patch: to change an entry of another file)"
                    )
                specs[spec.id] = (spec, str(path))
            patches.extend((p, str(path)) for p in parsed.patch)

    extra_patterns: dict[str, list[str]] = {}
    extra_exceptions: dict[str, list] = {}
    for patch, path in patches:
        if patch.id not in specs:
            raise LexiconError(f"{path}: patch {patch.id!r}: no entry with this id")
        spec, source = specs[patch.id]
        update = {}
        if patch.enabled is not None:
            update["enabled"] = patch.enabled
        if patch.message is not None:
            update["message"] = patch.message
        if patch.rewrites is not None:
            update["rewrites"] = patch.rewrites
        specs[patch.id] = (spec.model_copy(update=update), source)
        extra_patterns.setdefault(patch.id, []).extend(patch.add_patterns)
        extra_exceptions.setdefault(patch.id, []).extend(patch.add_exceptions)

    entries, disabled = [], []
    for entry_id, (spec, source) in specs.items():
        compiled = _compile(
            spec, sets, macros, source, extra_patterns.get(entry_id, ()), extra_exceptions.get(entry_id, ())
        )
        if spec.enabled:
            entries.append(replace(compiled, order=len(entries)))
        else:
            disabled.append(entry_id)
    lexicon = Lexicon(
        entries=tuple(entries), sets={k: tuple(v) for k, v in sets.items()}, disabled=tuple(disabled), macros=macros
    )
    rules = []
    for rule, path in context_specs.values():
        where = f"{path}: context rule {rule.id!r}"
        compiled = {
            name: lexicon.compile(getattr(rule, name), where) if getattr(rule, name) else None
            for name in ("here", "elsewhere", "anywhere")
        }
        rules.append(ContextRule(rule.id, frozenset(rule.categories), **compiled, why=rule.why))
    model_entries = {
        code: _model_entry(code, finding, path, len(entries) + i)
        for i, (code, (finding, path)) in enumerate(sorted(category_specs.items()))
    }
    return replace(lexicon, context_rules=tuple(rules), model_entries=model_entries)


MODEL_RULE_PREFIX = "model."


def _model_entry(code: str, finding: CategoryFindingSpec, source: str, order: int) -> Entry:
    """The entry a model finding of `code` carries: no patterns, the category's message and rewrites,
    replacing the clause."""
    category = taxonomy()[code]
    return Entry(
        id=MODEL_RULE_PREFIX + code,
        category=code,
        severity=category.severity,
        message=finding.message,
        patterns=(),
        sound_patterns=(),
        fuzzy=(),
        fuzzy_threshold=100.0,
        exceptions=(),
        rewrites=tuple(finding.rewrites),
        rewrite_scope="clause",
        confidence=1.0,
        boundary="none",
        examples=Examples(),
        source=source,
        group=category.group,
        order=order,
    )


def split_lexicon_dirs(value: str) -> list[str]:
    """HUASHU_LEXICON_DIRS's form: directories separated by os.pathsep (':' on Linux)."""
    return [p for p in value.split(os.pathsep) if p.strip()]


def default_model_dir() -> str:
    """A folder of retrained models named by HUASHU_MODEL_DIR ("" for the shipped ones)."""
    return os.environ.get("HUASHU_MODEL_DIR", "").strip()


def default_lexicon_dirs() -> tuple[str, ...]:
    """Company lexicon directories named by HUASHU_LEXICON_DIRS, the one setting the library
    reads itself; adapters pass theirs explicitly."""
    return tuple(split_lexicon_dirs(os.environ.get("HUASHU_LEXICON_DIRS", "")))
