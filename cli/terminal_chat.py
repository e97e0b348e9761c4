"""`huashu assist`: the assistant as an interactive terminal chat.

Each line is a resident's message, answered with the reading, the steps to cover and three
replies; lines starting with / are commands (below). The conversation is kept, so a later message
is read with what came before, as in POST /v1/assist with a session. Works the same piped:
`printf '电梯坏了\\n/用 1\\n到现在还没人来\\n' | huashu assist`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from assistant.coach import Advice, Coach, Message

HELP = """输入业主发来的消息，回车后得到分析和回复建议。命令：
  /用 N        把第 N 条建议回复记为已发送（1-3）
  /回复 文本    记录实际发送的回复（先检查）
  /草稿 文本    只检查草稿，不记录
  /称呼 王先生  设置业主的称呼
  /清空        开始新的对话
  /帮助        显示本说明
  /退出        结束"""

COMMANDS = {
    "用": "use", "use": "use",
    "回复": "reply", "reply": "reply",
    "草稿": "draft", "draft": "draft",
    "称呼": "name", "name": "name",
    "清空": "reset", "reset": "reset",
    "帮助": "help", "help": "help",
    "退出": "quit", "quit": "quit", "exit": "quit",
}
VERDICT = {"pass": ("通过", "bold green"), "warn": ("提醒", "bold yellow"), "block": ("拦截", "bold red")}


class TerminalChat:
    """One conversation at the terminal; `handle(line)` returns False when the user quits."""

    def __init__(self, coach: Coach, console: Console, *, as_json: bool = False, name: str | None = None,
                 write: Callable[[str], None] = sys.stdout.write):
        self.coach = coach
        self.console = console
        self.as_json = as_json
        self.name = name
        self.write = write
        self.history: list[Message] = []
        self.last: Advice | None = None

    # -- input -------------------------------------------------------------------------------------
    def handle(self, line: str) -> bool:
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            self._resident(line)
            return True
        word, _, rest = line[1:].partition(" ")
        command = COMMANDS.get(word.strip().lower())
        rest = rest.strip()
        if command == "quit":
            return False
        if command == "help":
            self.console.print(HELP)
        elif command == "reset":
            self.history, self.last = [], None
            self._note("已开始新的对话。")
        elif command == "name":
            self.name = rest or None
            self._note(f"业主称呼：{self.name}" if self.name else "已清除业主称呼。")
        elif command == "use":
            self._use(rest)
        elif command in ("reply", "draft"):
            self._review(rest, record=command == "reply")
        else:
            self._note(f"没有这个命令：/{word}。输入 /帮助 查看可用命令。", error=True)
        return True

    def _resident(self, message: str) -> None:
        advice = self.coach.assist(message, self.history, self.name)
        self.history.append(Message("customer", message))
        self.last = advice
        self.name = advice.customer_name or self.name
        if self.as_json:
            self.write(json.dumps(advice.to_dict(), ensure_ascii=False) + "\n")
        else:
            self.render(advice)

    def _use(self, arg: str) -> None:
        if self.last is None:
            self._note("还没有建议回复：请先输入业主的消息。", error=True)
            return
        drafts = [self.last.draft, *self.last.alternatives]
        if not arg.isdigit() or not 1 <= int(arg) <= len(drafts):
            self._note(f"请写 /用 1 到 /用 {len(drafts)}。", error=True)
            return
        self.history.append(Message("agent", drafts[int(arg) - 1]))
        self._note(f"已记为发送：{drafts[int(arg) - 1]}")

    def _review(self, draft: str, record: bool) -> None:
        if not draft:
            self._note("请在命令后写上回复内容，例如：/回复 您好，师傅下午三点前上门。", error=True)
            return
        if self.last is None:
            review = self.coach.checker.check(draft)
            result = {"verdict": review.verdict, "score": review.score, "findings": [f.to_dict() for f in review.findings],
                      "rewrite": review.rewrite, "missing_steps": [], "advice": []}
        else:  # the draft answers the resident's latest message, after any replies already sent
            result = self.coach.review(draft, self.coach.situation_of(self.history, self.name))
        if record:
            self.history.append(Message("agent", draft))
        if self.as_json:
            self.write(json.dumps({"draft_review": result, "recorded": record}, ensure_ascii=False) + "\n")
        else:
            self.render_review(result)
            if record:
                self._note("已记为发送。")

    # -- output ------------------------------------------------------------------------------------
    def _note(self, text: str, error: bool = False) -> None:
        if self.as_json:
            self.write(json.dumps({"error" if error else "note": text}, ensure_ascii=False) + "\n")
        else:
            self.console.print(Text(text, style="red" if error else "dim"))

    def render(self, advice: Advice) -> None:
        c = self.console
        head = Text("话题：", style="bold") + Text(advice.topic["name"])
        if advice.psychology:
            head += Text("   心理：", style="bold")
            head += Text("；".join(f"{p['name']}（{'、'.join(p['evidence'])}）" for p in advice.psychology), style="magenta")
        c.print(head)
        if advice.urgent:
            u = advice.urgent
            c.print(Text(f"⚠ 突发事件：{u['name']}（{'、'.join(u['evidence'])}）", style="bold white on red"))
            for i, step in enumerate(u["steps"], 1):
                c.print(Text(f"  {i}. {step['name']}：{step['action']}"))
        for line in advice.advice:
            c.print(Text("提示：", style="bold") + Text(line))
        if advice.next_steps:
            c.print(Text("回复要做到：", style="bold") + Text("、".join(s["name"] for s in advice.next_steps)))
        for i, text in enumerate([advice.draft, *advice.alternatives], 1):
            c.print(Text(f"建议回复 {i}：", style="bold green") + Text(text))
        c.print(Text("（/用 N 记为已发送，/回复 文本 记录自己的回复，/帮助 查看命令）", style="dim"))
        c.print()

    def render_review(self, review: dict) -> None:
        c = self.console
        label, style = VERDICT[review["verdict"]]
        c.print(Text("草稿检查：", style="bold") + Text(label, style=style) + Text(f"  得分 {review['score']}"))
        for f in review["findings"]:
            c.print(Text(f"  {f['category']} “{f['match']}”：{f['message']}"))
        if review["findings"]:
            c.print(Text("  建议改写：") + Text(review["rewrite"]))
        if review["missing_steps"]:
            c.print(Text("  还缺：") + Text("、".join(s["name"] for s in review["missing_steps"])))
        for line in review["advice"]:
            c.print(Text("  提示：") + Text(line))
        c.print()
