"""Engine speed: replies per second of check_many against bare jieba.lcut, same replies, one run.

    python bench/engine_throughput.py [--replies 20000]

Prints the rates of jieba.lcut, of check_many as shipped (long inputs use every core) and of
check_many in one process, and the ratios (target: check_many >= 0.5x jieba.lcut), plus the time
from a fresh interpreter to the first report (target: import plus first check < 2 s). The machine
is shared and noisy: read the ratios, measured in one run, rather than the absolute numbers.

Every timed pass reads replies no earlier pass has read, so nothing the engine remembers of a
clause (assistant/memo.py) is carried from one pass to the next: what it remembers is what
comes back within a pass, as greetings and thanks come back in a real day's replies.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import replies  # noqa: E402

STEP = 500  # replies per interleaved step of the one-process comparison

FIRST_CHECK = (
    "import time; t0 = time.perf_counter(); from assistant import check; "
    "r = check('改天再联系你。'); t1 = time.perf_counter(); "
    "assert r.verdict == 'block'; print(t1 - t0)"
)


def first_check_seconds(runs: int = 3) -> tuple[float, float]:
    """(import + first check inside the process, whole process wall time), best of `runs`."""
    inside, wall = [], []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", FIRST_CHECK], capture_output=True, text=True, check=True)
        wall.append(time.perf_counter() - started)
        inside.append(float(out.stdout.strip()))
    return min(inside), min(wall)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replies", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()

    n = a.replies
    texts = replies(n * (2 * a.rounds + 1))
    assert len(set(texts)) == len(texts)
    warm, passes = texts[:n], [texts[k * n : (k + 1) * n] for k in range(1, 2 * a.rounds + 1)]

    import jieba

    from assistant import get_checker
    from assistant.pool import default_workers

    jieba.lcut("预热")
    checker = get_checker(())
    list(checker.check_many(warm[:200]))  # warm both sides

    rates: dict[str, list[float]] = {"jieba.lcut": [], "check_many": [], "check_many(workers=1)": []}
    flagged = 0
    for r in range(a.rounds):
        many, one = passes[2 * r], passes[2 * r + 1]
        started = time.perf_counter()
        for _ in checker.check_many(many):
            pass
        many_seconds = time.perf_counter() - started
        # jieba and one process interleaved STEP replies at a time, so the machine's drifting
        # load (it is shared) hits both sides alike
        jieba_seconds = single_seconds = 0.0
        single = []
        for k in range(0, n, STEP):
            part = one[k : k + STEP]
            started = time.perf_counter()
            for t in part:
                jieba.lcut(t)
            jieba_seconds += time.perf_counter() - started
            started = time.perf_counter()
            single += [r.to_dict() for r in checker.check_many(part, workers=1)]
            single_seconds += time.perf_counter() - started
        rates["jieba.lcut"].append(n / jieba_seconds)
        rates["check_many"].append(n / many_seconds)
        rates["check_many(workers=1)"].append(n / single_seconds)
        flagged += sum(1 for r in single if r["findings"])
    # the same reports whichever way they are made (outside the timing)
    assert [r.to_dict() for r in checker.check_many(one)] == single
    inside, wall = first_check_seconds()
    median = {k: statistics.median(v) for k, v in rates.items()}
    result = {
        "replies": n,
        "flagged_share": round(flagged / (n * a.rounds), 3),
        "cores": default_workers(),
        "per_s": {k: round(v) for k, v in median.items()},
        "ratio_check_many_to_jieba": round(median["check_many"] / median["jieba.lcut"], 3),
        "ratio_single_process_to_jieba": round(median["check_many(workers=1)"] / median["jieba.lcut"], 3),
        "single_process_ratios_each_round": [
            round(c / j, 3) for c, j in zip(rates["check_many(workers=1)"], rates["jieba.lcut"], strict=True)
        ],
        "import_plus_first_check_s": round(inside, 3),
        "process_to_first_report_s": round(wall, 3),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
