"""How well the assistant reads residents: topic, psychology and emergencies on a labelled set.

    python bench/assist_eval.py [tests/data/residents.jsonl]

Targets: topic accuracy >= 0.9, psychology accuracy >= 0.85 (the predicted set of psychologies
equals the labelled set; "none" counts), every emergency caught. Prints the misses.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def evaluate(path: Path) -> dict:
    from assistant import get_checker
    from assistant.coach.signals import Signals

    signals = Signals(get_checker(()).lexicon)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    topic = psychology = emergencies = caught = false_alarms = 0
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
        elif got_emergency:
            false_alarms += 1
        if got_topic != row["topic"] or got_psy != sorted(row["psychology"]) or bool(got_emergency) != bool(row["emergency"]):
            misses.append({"id": row["id"], "text": row["text"], "topic": [row["topic"], got_topic],
                           "psychology": [sorted(row["psychology"]), got_psy], "emergency": [row["emergency"], got_emergency]})
    n = len(rows)
    return {
        "rows": n,
        "topic_accuracy": round(topic / n, 3),
        "psychology_accuracy": round(psychology / n, 3),
        "emergencies": emergencies,
        "emergencies_caught": caught,
        "false_emergencies": false_alarms,
        "misses": misses,
    }


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "residents.jsonl"
    result = evaluate(path)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
