"""Errors of the rule files a company edits, each named for the file that failed.

All are RuleFileError, so an adapter refuses any broken rule file the same way (a CLI usage error,
a refused reload); the message names the file and the place.
"""

from __future__ import annotations


class RuleFileError(ValueError):
    """A rule file that cannot be loaded; the message names the file and the place."""


class LexiconError(RuleFileError):
    """A lexicon (lexicons/*.yaml or a company directory) that cannot be loaded."""


class SignalsError(RuleFileError):
    """conversation/signals.yaml: how residents' messages are read."""


class ProcedureError(RuleFileError):
    """conversation/procedure.yaml: the complaint procedure conversations are scored against."""


class PlaybookError(RuleFileError):
    """coach/playbook.yaml: the assistant's replies, advice and step detectors."""
