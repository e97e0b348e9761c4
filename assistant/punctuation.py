"""Where a clause or a sentence ends: the one definition every part of Huashu reads.

Context rules work per clause, rewrites replace clauses and sentences, the segmenter cuts long
texts where jieba would cut anyway, and the LanguageTool API reports sentence ranges: all of them
must agree on what ends a clause, or a finding's clause in one place is not its clause in another.
"""

from __future__ import annotations

import re

CLAUSE_BREAKS = "，,；;：:…"  # end a clause, not a sentence
QUESTION_MARKS = "？?"
SENTENCE_ENDS = "。｡！!\n\r\u2028" + QUESTION_MARKS
CLAUSE_ENDS = CLAUSE_BREAKS + SENTENCE_ENDS  # anything that ends a clause
SPACES = " \t\u3000"

# one character class of everything that ends a clause, for regular expressions
CLAUSE_END_CLASS = "[" + re.escape(CLAUSE_ENDS) + "]"
CLAUSE_END_OR_SPACE_CLASS = "[" + re.escape(CLAUSE_ENDS) + r"\s]"


def ends_sentence(ch: str) -> bool:
    return ch in SENTENCE_ENDS


def ends_clause(ch: str) -> bool:
    return ch in CLAUSE_ENDS
