"""The chat assistant: read the resident, coach the reply (see coach.py)."""

from assistant.coach.advice import Advice
from assistant.coach.coach import Coach
from assistant.coach.situation import Message, Situation

__all__ = ["Advice", "Coach", "Message", "Situation"]
