"""Batch QA audit of chat transcripts: huashu audit."""
