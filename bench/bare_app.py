"""The yardstick for bench/api_load.py: FastAPI parsing the same request model and returning the
same report body, without the engine (or any middleware)."""

from __future__ import annotations

import json
import os

from fastapi import FastAPI
from starlette.responses import Response

from api.models import CheckRequest

BODY = os.environ.get("HUASHU_BENCH_BODY", "{}").encode("utf-8")
app = FastAPI()


@app.post("/v1/check")
async def check(body: CheckRequest):
    return Response(content=BODY, media_type="application/json")


@app.get("/readyz")
async def ready():
    return Response(content=json.dumps({"status": "ready"}), media_type="application/json")
