"""Memory over a long run: RSS must stay flat however many unique texts a process checks.

    python bench/memory_soak.py engine [--replies 1000000]     # one process, check() in a loop
    python bench/memory_soak.py server [--minutes 10]         # `huashu serve` under unique-text load

engine: RSS after warm-up (the first 20,000 replies) and at every quarter of the run, the growth
against warm-up (target within +-5 %), the size of spaCy's string store and the rate.
server: finds the saturating request rate of POST /v1/check with unique texts for a few seconds,
then holds 70 % of it for --minutes with a pool of concurrent clients, sampling the server's RSS
every 30 s; prints the samples, the growth after warm-up, the requests answered and any errors.
Every reply carries a made-up resident name and phone number, like the traffic a server sees.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import streamed_replies  # noqa: E402


def rss_mb(pid: int | None = None) -> float:
    with open(f"/proc/{pid or os.getpid()}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def engine(replies: int) -> dict:
    from assistant import get_checker

    checker = get_checker(())
    warm = min(20_000, replies // 10)
    marks = {warm} | {replies * k // 4 for k in (1, 2, 3, 4)}
    samples = {0: round(rss_mb(), 1)}
    started = time.perf_counter()
    for i, text in enumerate(streamed_replies(replies), 1):
        checker.check(text)
        if i in marks:
            samples[i] = round(rss_mb(), 1)
    seconds = time.perf_counter() - started
    base = samples[warm]
    return {
        "replies": replies,
        "rss_mb": samples,
        "growth_after_warmup": round(max(samples[m] for m in samples if m >= warm) / base - 1, 4),
        "spacy_strings": len(checker.nlp.vocab.strings),
        "replies_per_s": round(replies / seconds),
    }


async def _load(url: str, rate: float | None, seconds: float, texts, concurrency: int = 16) -> dict:
    import httpx

    done = errors = 0
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds
    interval = concurrency / rate if rate else 0.0

    async def worker(client):
        nonlocal done, errors
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            try:
                r = await client.post("/v1/check", json={"text": next(texts)})
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                done += 1
            except httpx.HTTPError:
                errors += 1
            if interval:
                next_at += interval
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return {"requests": done, "errors": errors, "statuses": statuses, "per_s": round(done / seconds)}


def server(minutes: float) -> dict:
    from tests.conftest import server_env, start_server

    tmp = Path(tempfile.mkdtemp(prefix="huashu-soak-"))
    srv = start_server(tmp, server_env(tmp, HUASHU_CACHE_SIZE="4096"))
    pid = srv.process.pid
    texts = streamed_replies(10**9, seed=29)
    try:
        saturating = asyncio.run(_load(srv.url, None, 10, texts))
        rate = 0.7 * saturating["per_s"]
        samples, answered, failures = [], 0, 0
        started = time.monotonic()
        samples.append((0, round(rss_mb(pid), 1)))
        while time.monotonic() - started < minutes * 60:
            part = asyncio.run(_load(srv.url, rate, 30, texts))
            answered += part["requests"]
            failures += part["errors"] + sum(n for s, n in part["statuses"].items() if s >= 500)
            samples.append((round(time.monotonic() - started), round(rss_mb(pid), 1)))
        warm = samples[1][1] if len(samples) > 1 else samples[0][1]
        return {
            "saturating_per_s": saturating["per_s"],
            "held_per_s": round(rate),
            "minutes": minutes,
            "rss_mb": samples,
            "growth_after_warmup": round(max(v for _, v in samples[1:]) / warm - 1, 4) if len(samples) > 1 else 0.0,
            "requests": answered,
            "failures": failures,
        }
    finally:
        srv.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["engine", "server"])
    ap.add_argument("--replies", type=int, default=1_000_000)
    ap.add_argument("--minutes", type=float, default=10)
    a = ap.parse_args()
    result = engine(a.replies) if a.what == "engine" else server(a.minutes)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
