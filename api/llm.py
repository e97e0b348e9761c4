"""Optional drafting by a language model behind an OpenAI-compatible chat-completions endpoint.

The model gets the deck's rules, the assistant's reading of the conversation and the steps the
reply must cover, and answers with three drafts as JSON. It is only a proposer: the coach's ReplyWriter runs every
draft through the checker and the playbook's advice and drops or rewrites what fails, and any
error here (network, timeout, a reply that is not JSON) means the built-in drafts are used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime

import httpx

from assistant.timing import promise_time

SYSTEM_PROMPT = """你是物业客服主管，帮助客服人员给业主写回复。必须遵守培训教材：
1. 处理投诉的十句禁语绝对不能出现，换任何说法也不行：这种问题连小孩子都会；你要知道，一分钱一分货；绝对不可能有这种事情发生；你要去某部门，这不是我们的事；嗯，我不太清楚；我绝对没说过这种话；我不懂，我不会；公司的规定就是这样的；你看不懂中文吗；改天再联系你。
2. 不要解释内部规定、不要说教、少用否定的说法、不用“可能、大概、应该、尽快”这类不确定的词；多称呼业主的姓名，多用礼貌用语，给出明确的时间和下一步，询问业主的意见。
3. 投诉处理：一谢二谦三听四办五帮助六解释七理智八汇报。求发泄的业主先让他把话说完、表示理解；求尊重的业主先道歉、承认我们做得不够；求赔偿的业主不轻易承诺赔偿或减免，只承诺什么时候答复；情绪激烈、有威胁的业主保持冷静，请主管一起处理。
4. 突发事件（火灾、燃气泄漏、电梯困人或有人被困、水淹、有人受伤、正在发生的盗窃斗殴）：先救人，回复要说明人员现在就到、已经上报，并告诉业主怎样保护自身安全。
只输出 JSON：{"drafts": ["回复一", "回复二", "回复三"]}，三条回复措辞不同，每条不超过150字，用简体中文。"""


class DraftingError(RuntimeError):
    pass


class LLMDrafter:
    """Three drafts from `model` at `base_url` (…/v1), authenticated with `api_key`."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 8.0):
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.model = model
        self.client = httpx.Client(base_url=base_url.rstrip("/") + "/", headers=headers, timeout=timeout)

    def close(self) -> None:
        self.client.close()

    def prompt(self, situation, steps: Sequence[dict], now: datetime) -> str:
        """What the model is told about this conversation."""
        reading = situation.reading
        lines = ["对话记录（从早到晚）："]
        for turn in situation.turns:
            lines.append(f"{'业主' if turn.role == 'customer' else '客服'}：{turn.text}")
        lines.append(f"话题：{reading.topic[1]}")
        if reading.psychology:
            lines.append("业主心理：" + "、".join(f"{name}（{'、'.join(ev)}）" for _, name, ev in reading.psychology))
        if reading.emergency:
            lines.append(f"突发事件：{reading.emergency[1]}，必须立即处理")
        if situation.name:
            lines.append(f"业主称呼：{situation.name}")
        if steps:
            lines.append("回复需要做到：" + "；".join(f"{s['name']}（{s['meaning']}）" for s in steps))
        lines.append(f"现在是{now:%H:%M}，承诺时间可以用“{promise_time(now, hours=2)}”或“三十分钟内”这样的具体时间。")
        lines.append("请写三条客服回复。")
        return "\n".join(lines)

    def drafts(self, situation, steps: Sequence[dict], now: datetime) -> list[str]:
        body = {
            "model": self.model,
            "temperature": 0.4,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": self.prompt(situation, steps, now)},
            ],
        }
        try:
            response = self.client.post("chat/completions", json=body)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise DraftingError(f"chat completion failed: {exc}") from exc
        return parse_drafts(content)


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


def parse_drafts(content: str) -> list[str]:
    """The drafts in a model's answer: the JSON asked for, or failing that one per line."""
    if not isinstance(content, str):
        raise DraftingError("no text in the completion")
    text = _FENCE.sub("", content.strip())
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("drafts"), list):
        return [d.strip() for d in data["drafts"] if isinstance(d, str) and d.strip()]
    if isinstance(data, list):
        return [d.strip() for d in data if isinstance(d, str) and d.strip()]
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.、)）])\s*", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]
