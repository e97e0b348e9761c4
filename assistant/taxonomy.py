"""The category codes findings carry (taxonomy.yaml, shipped with the package)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    group: Literal["forbidden", "disliked", "liked"]
    name: str
    meaning: str
    parent: str | None = None

    @property
    def severity(self) -> Severity:
        return {"forbidden": "error", "disliked": "warning", "liked": "info"}[self.group]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    categories: dict[str, Category]
    psychology: dict[str, dict]
    topics: dict[str, str]
    emergency: dict

    def __contains__(self, code: str) -> bool:
        return code in self.categories

    def __getitem__(self, code: str) -> Category:
        return self.categories[code]


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    raw = yaml.safe_load(resources.files("assistant").joinpath("taxonomy.yaml").read_text(encoding="utf-8"))
    categories: dict[str, Category] = {}
    for group in ("forbidden", "disliked", "liked"):
        for code, spec in raw[group].items():
            categories[code] = Category(
                code=code,
                group=group,
                name=spec["name"],
                meaning=str(spec.get("meaning", "")).strip(),
                parent=spec.get("parent"),
            )
    return Taxonomy(
        categories=categories,
        psychology=raw.get("psychology", {}),
        topics=raw.get("topics", {}),
        emergency=raw.get("emergency", {}),
    )
