"""HTTP speed on loopback: POST /v1/check against a bare FastAPI endpoint returning the same body.

    python bench/api_load.py [--seconds 10] [--rounds 2]

Both servers run under the same uvicorn settings with one worker each; wrk (Debian) measures the
maximum rate, interleaved so machine noise hits both alike; hey then holds half of our maximum
rate to read p50/p99 latency; start-up is timed from `huashu serve` to /readyz answering 200.
Targets: ours >= 0.6x the bare rate, p99 <= 20 ms at half rate, start-up < 3 s.

The same reply sent again is answered from the report cache, so the rate is also measured with
50,000 distinct replies drawn at random ("uncached"): that is what the engine itself costs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
REPLY = "王先生您好，您反映的三号楼电梯异响问题我们已经收到，师傅可能下午过来，改天再联系你。"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} not ready")


def start(cmd: list[str], env: dict) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen([*cmd, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url)
    return proc, url, time.monotonic() - started


def wrk(url: str, seconds: int, script: Path) -> float:
    out = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", str(script), url + "/v1/check"],
        capture_output=True, text=True, check=True,
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"errors under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def hey(url: str, rate: float, seconds: int, body: Path) -> dict:
    workers = 8
    out = subprocess.run(
        ["hey", "-z", f"{seconds}s", "-c", str(workers), "-q", f"{rate / workers:.2f}", "-m", "POST",
         "-T", "application/json", "-D", str(body), url + "/v1/check"],
        capture_output=True, text=True, check=True,
    ).stdout
    pct = {m.group(1): float(m.group(2)) * 1000 for m in re.finditer(r"(\d+)%+ in ([\d.]+) secs", out)}
    achieved = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rate_per_s": round(achieved), "p50_ms": pct.get("50"), "p99_ms": pct.get("99")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    for tool in ("wrk", "hey"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install {tool}")

    tmp = Path(tempfile.mkdtemp(prefix="huashu-bench-"))
    payload = json.dumps({"text": REPLY}, ensure_ascii=False)
    body = tmp / "body.json"
    body.write_text(payload, encoding="utf-8")
    unique_script = tmp / "unique.lua"
    sys.path.insert(0, str(ROOT))
    from bench.corpus import replies

    bodies = ",\n".join("[[" + json.dumps({"text": t}, ensure_ascii=False) + "]]" for t in replies(50_000, seed=5))
    unique_script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"local bodies = {{\n{bodies}\n}}\n"
        "request = function()\n  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])\nend\n",
        encoding="utf-8",
    )
    script = tmp / "post.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [[{payload}]]\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUASHU_")}
    huashu = [str(Path(sys.executable).with_name("huashu")), "serve", "--workers", "1"]

    startups = []
    for _ in range(3):
        proc, _url, seconds = start(huashu, env)
        startups.append(seconds)
        proc.terminate()
        proc.wait()

    ours, our_url, _ = start(huashu, env)
    report = httpx.post(our_url + "/v1/check", json={"text": REPLY}).content.decode("utf-8")
    bare_env = {**env, "HUASHU_BENCH_BODY": report, "PYTHONPATH": str(ROOT)}
    bare_cmd = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--workers", "1", "--no-access-log",
                "--log-level", "warning", "--no-server-header"]
    bare, bare_url, _ = start(bare_cmd, bare_env)
    try:
        rates = {"huashu": [], "bare": []}
        for _ in range(a.rounds):
            rates["bare"].append(wrk(bare_url, a.seconds, script))
            rates["huashu"].append(wrk(our_url, a.seconds, script))
        ours_max = statistics.median(rates["huashu"])
        bare_max = statistics.median(rates["bare"])
        latency = hey(our_url, ours_max / 2, a.seconds, body)
        uncached = wrk(our_url, a.seconds, unique_script)
    finally:
        for proc in (ours, bare):
            proc.terminate()
            proc.wait()
    print(json.dumps({
        "reply_chars": len(REPLY),
        "requests_per_s": {"huashu": round(ours_max), "bare_fastapi": round(bare_max)},
        "ratio": round(ours_max / bare_max, 3),
        "uncached": {"requests_per_s": round(uncached), "ratio": round(uncached / bare_max, 3)},
        "rounds": {k: [round(x) for x in v] for k, v in rates.items()},
        "at_half_max_rate": latency,
        "startup_to_ready_s": {"median": round(statistics.median(startups), 2), "all": [round(s, 2) for s in startups]},
    }, indent=2))


if __name__ == "__main__":
    main()
