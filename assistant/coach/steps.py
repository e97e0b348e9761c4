"""What a reply must still cover: the complaint procedure's steps (一谢…八汇报) and the
complaint-call steps that no staff reply since the complaint (or the question) has shown."""

from __future__ import annotations

from assistant.coach.playbook import Playbook
from assistant.coach.situation import Message, Situation
from assistant.conversation import Turn, score_conversation
from assistant.normalise import normalise


class StepPlanner:
    def __init__(self, checker, playbook: Playbook):
        self.checker = checker
        self.playbook = playbook
        self._steps = {s.id: s for s in checker.procedure.steps}

    def remaining(self, situation: Situation, draft: str | None = None) -> list[dict[str, str]]:
        """The procedure and call steps no staff reply since the complaint (or, for a plain
        question, since the question) has shown; `draft` counts as the next reply."""
        turns = list(situation.turns) + ([Message("agent", draft)] if draft is not None else [])
        steps: list[dict[str, str]] = []
        # people first: while an emergency is unanswered, only its steps count; courtesy comes after
        urgent = situation.reading.emergency is not None
        complaint_at = None if urgent else situation.complaint_at
        if complaint_at is not None or situation.emergency_at is not None:
            procedure_turns = [Turn(t.role, t.text, str(i)) for i, t in enumerate(turns)]
            outcome = score_conversation(self.checker, procedure_turns, (complaint_at, situation.emergency_at))
            steps += [{"id": s.id, "name": s.name, "meaning": s.meaning, "group": "procedure"} for s in outcome.steps_missed]
        else:
            replies = [normalise(t.text).skeleton for t in turns[situation.message_at + 1 :] if t.role == "agent"]
            for step_id in self.playbook.spec.enquiry_steps:
                step = self._steps[step_id]
                if not any(step.shown_by(r) for r in replies):
                    steps.append({"id": step.id, "name": step.name, "meaning": step.meaning, "group": "procedure"})
        if complaint_at is not None:
            replies = [(t.text, normalise(t.text).skeleton) for t in turns[complaint_at + 1 :] if t.role == "agent"]
            for call in self.playbook.call_steps:
                if not any(self._shows(call, text, skeleton, situation.name) for text, skeleton in replies):
                    steps.append({"id": call.id, "name": call.name, "meaning": call.meaning, "group": "call"})
        return steps

    @staticmethod
    def _shows(call, text: str, skeleton: str, name: str | None) -> bool:
        if call.or_name and name and name in text:
            return True
        return any(p.search(skeleton) for p in call.patterns)
