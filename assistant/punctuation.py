"""Where a clause or a sentence ends: the one definition every part of Huashu reads.

Context rules work per clause, rewrites replace clauses and sentences, the segmenter cuts long
texts where jieba would cut anyway, and the LanguageTool API reports sentence ranges: all of them
must agree on what ends a clause, or a finding's clause in one place is not its clause in another.

The ASCII full stop is not among them: in chat it is as often a decimal point, a URL or an
abbreviation ("3.5米", "No.2") as the end of a sentence. Nor is a colon or a comma between two
digits: it is a time or an amount ("9:00-15:00", "1,000元"), part of what the clause says. A carriage return is a sentence end only
where a text is read for matching (normalise.py, where CRLF collapses into one break); where a
text is edited or reported it is just part of the CRLF line break.
"""

from __future__ import annotations

import re

CLAUSE_MARKS = "，,；;：:"  # written marks that end a clause
CLAUSE_BREAKS = CLAUSE_MARKS + "…"  # everything that ends a clause but not a sentence
STOP_MARKS = "。｡！!"  # written marks that end a sentence, questions aside
QUESTION_MARKS = "？?"
LINE_BREAKS = "\n\u2028"
FULL_STOPS = STOP_MARKS + LINE_BREAKS
SENTENCE_ENDS = FULL_STOPS + QUESTION_MARKS
CLAUSE_ENDS = CLAUSE_BREAKS + SENTENCE_ENDS  # anything that ends a clause
CARRIAGE_RETURN = "\r"
SPACES = " \t\u3000"

# a colon or comma between two digits joins them (9:00, 1,000) and ends nothing
NUMBER_JOINERS = ":：,，"
DIGIT_CLASS = "[0-9０-９]"
IN_NUMBER = re.compile(f"(?<={DIGIT_CLASS})[{NUMBER_JOINERS}](?={DIGIT_CLASS})")

# chat typed fast puts spaces where punctuation would be (车位的事 没有吧 改天再说): a run of spaces
# between two runs of at least two characters ends a clause; spaces between single characters
# (这 种 问 题) are noise, not structure
_NOT_END = "[^" + re.escape(CLAUSE_ENDS + SPACES) + "]"
SPACE_BREAK = re.compile(f"(?<={_NOT_END}{{2}})[{re.escape(SPACES)}]+(?={_NOT_END}{{2}})")

# a character class of everything that ends a clause, or a space, for regular expressions
CLAUSE_END_OR_SPACE_CLASS = "[" + re.escape(CLAUSE_ENDS) + r"\s]"
