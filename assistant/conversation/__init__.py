"""Reading whole conversations: residents' messages (signals) and staff replies against the
complaint procedure (procedure), in one place for the audit, MCP and the assistant.

    outcome = score_conversation(checker, [Turn("customer", "电梯坏了！", "1"), Turn("agent", "改天再说。", "2")])
    outcome.score, outcome.veto, [s.name for s in outcome.steps_missed]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.conversation.procedure import Outcome, Procedure, Step, Turn, evaluate, load_procedure
from assistant.conversation.signals import Reading, Signals

__all__ = ["Outcome", "Procedure", "Reading", "Signals", "Step", "Turn", "evaluate", "load_procedure", "score_conversation"]


def score_conversation(
    checker, turns: Sequence[Turn], starts: tuple[int | None, int | None] | None = None
) -> Outcome:
    """Score a conversation (turns in time order) against the complaint procedure. Agent turns
    whose finding categories the caller has not supplied are checked here; `starts` is
    (complaint index, emergency index) when the caller has read the residents itself."""
    checked = [
        replace(t, categories=checker.categories(t.text)) if t.role == "agent" and t.categories is None else t
        for t in turns
    ]
    return evaluate(checker.procedure, checked, starts)
