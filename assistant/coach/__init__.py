"""The chat assistant: read the resident, coach the reply (see coach.py)."""
