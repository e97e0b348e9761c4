"""Structured logs: one JSON object per line on stderr (uvicorn's own loggers included).

Call sites put their fields in `extra={"fields": {...}}`; the formatter writes them beside the
timestamp, level, logger and event. A log line per request must not cost more than the request:
lines are written in batches (at least every FLUSH_SECONDS, and at exit), and the logging HOWTO's
optimisations are applied (no caller lookup, no thread or process names).
"""

from __future__ import annotations

import json
import logging
import threading
import time

FLUSH_SECONDS = 0.5
BATCH_LINES = 64


class BatchedStreamHandler(logging.StreamHandler):
    """A StreamHandler that writes lines in batches, from the caller or a flusher thread."""

    def __init__(self, stream=None):
        super().__init__(stream)
        self._pending: list[str] = []
        self._flusher = threading.Thread(target=self._flush_forever, name="log-flusher", daemon=True)
        self._flusher.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)
            return
        with self.lock:
            self._pending.append(line)
            if len(self._pending) < BATCH_LINES and record.levelno < logging.WARNING:
                return
        self.flush()

    def flush(self) -> None:
        with self.lock:
            pending, self._pending = self._pending, []
        if pending and self.stream:
            try:
                self.stream.write("".join(pending))
                self.stream.flush()
            except (OSError, ValueError):  # pragma: no cover - stream closed at exit
                pass

    def _flush_forever(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()


def tune_logging() -> None:
    """The logging HOWTO's optimisations: skip caller, thread and process lookups per record."""
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


# loggers of libraries that put what a client sent into their messages (the MCP library logs a
# tool name or an argument error as given): their lines keep the message's template, not its values
REDACTED_LOGGERS = ("mcp",)


def _event(record: logging.LogRecord) -> str:
    if record.args and record.name.split(".")[0] in REDACTED_LOGGERS:
        return str(record.msg)
    return record.getMessage()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _event(record),
        }
        fields = getattr(record, "fields", None)
        if fields:
            data.update(fields)
        if record.exc_info and record.name.split(".")[0] not in REDACTED_LOGGERS:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_info:
            data["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else "exception"
        return json.dumps(data, ensure_ascii=False, default=str)


def configure(level: str = "info") -> None:
    """JSON logs on stderr for a process that is not uvicorn's (`huashu mcp` over stdio)."""
    import logging.config

    tune_logging()
    logging.config.dictConfig(logging_config(level))


def logging_config(level: str = "info") -> dict:
    """dictConfig for the server (passed to uvicorn, so its loggers speak JSON too)."""
    handler = {"class": "api.logs.BatchedStreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    lvl = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "api.logs.JsonFormatter"}},
        "handlers": {"stderr": handler},
        # the root logger too: a library that configures logging only when nothing has (the MCP
        # library installs a rich console handler) finds it done, and its lines are JSON
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "huashu": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "mcp": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
