"""Huashu's HTTP adapter: the JSON API, the chat-plugin screening endpoint and the staff web page.

Thin by design: every route translates its input, calls the one engine (assistant.Checker) and
serialises Report.to_dict(); no route knows a rule.
"""
