"""The `huashu` command and the terminal chat: a thin adapter over the engine (assistant/)."""
