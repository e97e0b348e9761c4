"""A synthetic corpus of unique staff replies, for benchmarks (deterministic for a given seed).

Replies are assembled from greetings, names, topics, times and actions, and about a third of them
carry a forbidden or disliked phrase, roughly as in a real chat log. Every reply is unique.
"""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
TITLES = ["先生", "女士", "阿姨", "叔叔", "大爷", "老师"]
TOPICS = [
    "楼道灯不亮", "电梯异响", "地下车库漏水", "门禁卡失效", "垃圾没有及时清运", "绿化带杂草多",
    "楼上装修噪音", "水压太低", "停车位被占", "物业费账单有疑问", "窗户漏风", "消防通道堆放杂物",
    "小区有蚊虫", "快递柜故障", "监控看不清", "下水道堵塞", "外墙渗水", "空调外机滴水",
]
TIMES = ["今天下午三点", "明天上午九点", "今晚八点前", "半小时内", "十分钟内", "下班前", "周六上午", "明早八点"]
ACTIONS = [
    "工程部师傅{t}上门处理", "我{t}给您回电话", "保洁{t}清理干净", "我们{t}安排人员检查",
    "维修结果{t}发给您确认", "保安{t}到现场查看",
]
BAD = [
    "这种问题连小孩子都会", "一分钱一分货", "绝对不可能有这种事情发生", "你要去工程部，这不是我们的事",
    "嗯，我不太清楚", "我绝对没说过这种话", "我不懂，我不会", "公司的规定就是这样的", "你看不懂中文吗",
    "改天再联系你", "师傅可能下午过来", "按流程要先报上级审批", "这个不行", "这是基本常识",
    "估计下周能修好", "没办法，师傅都下班了",
]


def replies(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        name = rng.choice(SURNAMES) + rng.choice(TITLES)
        room = f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 3204)}"
        topic = rng.choice(TOPICS)
        action = rng.choice(ACTIONS).format(t=rng.choice(TIMES))
        parts = [f"{name}您好", f"您反映的{room}{topic}的问题我们已经收到"]
        if rng.random() < 0.35:
            parts.append(rng.choice(BAD))
        else:
            parts.append(action)
        if rng.random() < 0.5:
            parts.append(rng.choice(["谢谢您的耐心", "给您添麻烦了", "有问题随时联系我", "您看这样可以吗"]))
        out.add("，".join(parts) + "。")
    return sorted(out)


CUSTOMER_OPENINGS = [
    "{topic}，怎么还没修？我要投诉！", "你好，{topic}，麻烦看一下", "{topic}好几天了，太过分了",
    "请问{topic}什么时候能处理？", "家里水管爆了，水淹到客厅了！", "电梯困人了，快来人！", "闻到很大的煤气味",
]
GOOD_STEPS = [
    "谢谢您告诉我们，非常抱歉给您添麻烦了", "您反映的{topic}我已经记下了", "原因是设备老化",
    "工程部师傅{t}上门处理", "有问题随时联系我", "我已经上报主管，保安马上过去",
]


def transcripts(messages: int, seed: int = 11, start_ms: int = 1_764_000_000_000) -> list[dict]:
    """Chat rows in the JSONL audit format: whole conversations, agent replies unique."""
    rng = random.Random(seed)
    rows: list[dict] = []
    pool = iter(replies(messages, seed=seed + 1))
    conversation = 0
    while len(rows) < messages:
        conversation += 1
        cid = f"conv-{conversation:06d}"
        agent = f"agent-{rng.randint(1, 12):02d}"
        resident = f"wm-{rng.randint(1, 5000):05d}"
        t = start_ms + conversation * 600_000 + rng.randint(0, 86_400_000 * 20)
        topic = rng.choice(TOPICS)
        rows.append({"message_id": f"{cid}-0", "conversation_id": cid, "role": "customer", "sender": resident,
                     "time": t, "text": rng.choice(CUSTOMER_OPENINGS).format(topic=topic)})
        for k in range(1, rng.randint(2, 6)):
            t += rng.randint(10_000, 300_000)
            if rng.random() < 0.4:
                text = "，".join(s.format(topic=topic, t=rng.choice(TIMES)) for s in rng.sample(GOOD_STEPS, 3))
                text += f"（工单{conversation}-{k}）。"
            else:
                text = next(pool)
            rows.append({"message_id": f"{cid}-{k}", "conversation_id": cid, "role": "agent", "sender": agent,
                         "time": t, "text": text})
    return rows[:messages]


GIVEN_NAMES = "子涵浩然欣怡梓轩雨桐一诺宇航思远佳怡俊杰晓东丽华建国秀英志强春梅海燕"


def streamed_replies(n: int, seed: int = 13):
    """`n` replies, each unique and each carrying a resident's name and phone number (what must
    not stay in memory after its check), generated one at a time so the bench holds none of them."""
    rng = random.Random(seed)
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN_NAMES, 2))
        phone = f"1{rng.choice('3456789')}{i:09d}"
        topic = rng.choice(TOPICS)
        tail = rng.choice(BAD) if rng.random() < 0.35 else rng.choice(ACTIONS).format(t=rng.choice(TIMES))
        yield f"{name}（{phone}）您好，您反映的{topic}的问题我们已经收到，{tail}。"


GREETINGS = ["您好，在吗", "你好", "物业在吗？"]
FOLLOW_UPS = ["到现在还没人来", "怎么还没处理？", "好的，谢谢"]
STAFF_REPLIES = [
    "{name}您好，谢谢您告诉我们，给您添麻烦了，工程部师傅{t}上门处理，处理完我给您回电话。",
    "{name}您好，非常抱歉，您反映的问题我已经记下了，保洁{t}过去清理，有问题随时联系我。",
    "{name}您好，我已经上报主管，保安{t}到现场查看，结果第一时间告诉您。",
    "{name}您好，感谢您的反映，原因是设备老化，我们{t}安排人员检查，您看这样可以吗？",
]


def months_of_chats(resident_messages: list[dict], months: list[tuple[int, int]], per_month: int, seed: int = 3) -> list[dict]:
    """Whole conversations spread over `months` (year, month) in China's time, for the management
    report: each opens with a labelled resident message (sometimes after a greeting), staff answer
    after one minute to a few hours with a good reply or one from BAD, some get a follow-up, a few
    are never answered. Rows in the audit's JSONL form, times in ISO 8601 with +08:00."""
    from datetime import datetime, timedelta, timezone

    china = timezone(timedelta(hours=8))
    rng = random.Random(seed)
    rows: list[dict] = []
    n = 0
    for year, month in months:
        for _ in range(per_month):
            n += 1
            cid = f"conv-{year}{month:02d}-{n:05d}"
            resident = f"wm-{rng.randint(1, 400):04d}"
            agent = f"agent-{rng.randint(1, 6):02d}"
            name = rng.choice(SURNAMES) + rng.choice(TITLES)
            t = datetime(year, month, 1, 8, tzinfo=china) + timedelta(minutes=rng.randint(0, 27 * 24 * 60))
            said = rng.choice(resident_messages)

            def add(role: str, sender: str, text: str, when: datetime, k: list[int] = [0]) -> None:  # noqa: B006
                k[0] += 1
                rows.append({"message_id": f"{cid}-{k[0]}", "conversation_id": cid, "role": role, "sender": sender,
                             "time": when.isoformat(), "text": text})

            if rng.random() < 0.2:
                add("customer", resident, rng.choice(GREETINGS), t)
                t += timedelta(seconds=rng.randint(5, 60))
            add("customer", resident, said["text"], t)
            if rng.random() < 0.05:
                continue  # never answered
            t += timedelta(minutes=1 if said.get("emergency") else rng.choice([1, 3, 8, 20, 45, 120, 300]))
            reply = rng.choice(BAD) + "。" if rng.random() < 0.3 else rng.choice(STAFF_REPLIES)
            add("agent", agent, reply.format(name=name, t=rng.choice(TIMES)), t)
            if rng.random() < 0.3:
                t += timedelta(minutes=rng.randint(30, 600))
                add("customer", resident, rng.choice(FOLLOW_UPS), t)
                t += timedelta(minutes=rng.randint(1, 60))
                add("agent", agent, rng.choice(STAFF_REPLIES).format(name=name, t=rng.choice(TIMES)), t)
    return rows
