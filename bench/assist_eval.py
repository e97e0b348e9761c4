"""How well the assistant reads residents: topic, psychology and emergencies on a labelled set.

    python bench/assist_eval.py [FILE.jsonl] [--timing]     # default: the residents' batches res-*

Targets: topic accuracy >= 0.9, psychology accuracy >= 0.85 (the predicted set of psychologies
equals the labelled set; "none" counts), every emergency caught (and of its kind: the replies
differ). Prints the misses; --timing
adds milliseconds per full assist against one check of the same message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def evaluate(path: Path) -> dict:
    from assistant import get_checker
    from assistant.conversation import Signals

    signals = Signals(get_checker(()).lexicon)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    topic = psychology = emergencies = caught = kinds_right = false_alarms = 0
    misses = []
    for row in rows:
        reading = signals.read(row["text"])
        got_topic = reading.topic[0]
        got_psy = sorted(code for code, _, _ in reading.psychology)
        got_emergency = reading.emergency[0] if reading.emergency else None
        topic += got_topic == row["topic"]
        psychology += got_psy == sorted(row["psychology"])
        if row["emergency"]:
            emergencies += 1
            caught += got_emergency is not None
            kinds_right += got_emergency == row["emergency"]
        elif got_emergency:
            false_alarms += 1
        if got_topic != row["topic"] or got_psy != sorted(row["psychology"]) or got_emergency != row["emergency"]:
            misses.append({"id": row["id"], "text": row["text"], "topic": [row["topic"], got_topic],
                           "psychology": [sorted(row["psychology"]), got_psy], "emergency": [row["emergency"], got_emergency]})
    n = len(rows)
    return {
        "rows": n,
        "topic_accuracy": round(topic / n, 3),
        "psychology_accuracy": round(psychology / n, 3),
        "emergencies": emergencies,
        "emergencies_caught": caught,
        "emergency_kinds_right": kinds_right,
        "false_emergencies": false_alarms,
        "misses": misses,
    }


def timing(path: Path, rounds: int = 5) -> dict:
    """Milliseconds per full assist (reading, steps, three drafts each proved by the checker),
    against one check of the same message, in one run."""
    import statistics
    import time

    from assistant import get_checker
    from assistant.coach import Coach

    checker = get_checker(())
    coach = Coach(checker)
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    coach.assist(texts[0])
    assists, checks = [], []
    for _ in range(rounds):
        for text in texts:
            t = time.perf_counter()
            coach.assist(text, customer_name="王先生")
            assists.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            checker.check(text)
            checks.append((time.perf_counter() - t) * 1000)
    assists.sort()
    return {
        "assist_ms_p50": round(statistics.median(assists), 2),
        "assist_ms_p95": round(assists[int(len(assists) * 0.95)], 2),
        "check_ms_p50": round(statistics.median(checks), 2),
        "assist_over_check": round(statistics.median(assists) / statistics.median(checks), 1),
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if args:
        path = Path(args[0])
    else:
        import tempfile

        rows = "".join(
            p.read_text(encoding="utf-8") for p in sorted((ROOT / "assistant" / "model" / "data" / "residents").glob("res-*.jsonl"))
        )
        path = Path(tempfile.mkdtemp()) / "residents.jsonl"
        path.write_text(rows, encoding="utf-8")
    result = evaluate(path)
    if "--timing" in sys.argv:
        result["timing"] = timing(path)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
