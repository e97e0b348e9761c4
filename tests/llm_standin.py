"""A stand-in for an OpenAI-compatible chat-completions server, for the LLM drafting tests.

It answers POST /v1/chat/completions the way such servers do, choosing its drafts by what the
resident wrote (so each test can ask for a behaviour), and appends every request it gets to the
JSONL file named by STANDIN_LOG so tests can see what Huashu sent.
"""

from __future__ import annotations

import asyncio
import json
import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

app = FastAPI()

GOOD = "王先生您好，谢谢您告诉我们，给您添麻烦了，非常抱歉。您说的情况我都记下了，维修师傅今天下午五点前上门处理，您看这样安排可以吗？"
FORBIDDEN = "这种问题连小孩子都会，你自己看看说明书。"
PROMISE = "您放心，您的损失我们一定全额赔偿。"
REWRITABLE = "您好，改天再联系你。"


def completion(content: str) -> dict:
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "model": "standin",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    }


@app.post("/v1/chat/completions")
async def chat(request: Request):
    body = await request.json()
    with open(os.environ["STANDIN_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"authorization": request.headers.get("authorization"), "body": body}, ensure_ascii=False) + "\n")
    prompt = body["messages"][-1]["content"]
    if "慢一点" in prompt:
        await asyncio.sleep(5)
    if "乱码" in prompt:
        return PlainTextResponse("not json at all", status_code=200)
    if "出错" in prompt:
        return JSONResponse({"error": {"message": "overloaded"}}, status_code=503)
    if "赔" in prompt:
        drafts = [FORBIDDEN, PROMISE, REWRITABLE, GOOD]
    else:
        drafts = [GOOD, FORBIDDEN]
    return completion("```json\n" + json.dumps({"drafts": drafts}, ensure_ascii=False) + "\n```")
