"""Where the API's files are: the pages and scripts served under / and /static."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
