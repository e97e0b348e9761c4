"""report.html: the management report as the owners read it, from report.json's figures alone
(so the page can say nothing the JSON does not back). 前言, one page per section of the 正文 in
the deck's order, 结语 with the place for the seal and the director's signature."""

from __future__ import annotations

from html import escape

from audit.charts import bar_chart, line_chart
from management.page import page, table
from management.reading import step_meaning, steps

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
BLANK = "＿＿＿＿＿＿＿＿"
QUOTE_CHARS = 60


def _duration(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 1:
        return "不到1分钟"
    if minutes < 60:
        return f"{round(minutes)}分钟"
    if minutes < 24 * 60:
        hours, rest = divmod(round(minutes), 60)
        return f"{hours}小时" + (f"{rest}分钟" if rest else "")
    days, rest = divmod(round(minutes / 60), 24)
    return f"{days}天" + (f"{rest}小时" if rest else "")


def _change(now: float | None, before: float | None, unit: str = "") -> str:
    """How `now` compares with the previous period's `before`, in words a reader takes in at once."""
    if before is None or now is None:
        return "上期无数据"
    diff = round(now - before, 2)
    if diff == 0:
        return "持平"
    arrow = "增加" if diff > 0 else "减少"
    text = f"{arrow} {abs(diff):g}{unit}"
    if before and round(abs(diff / before), 2) >= 0.01:  # "（-0%）" says nothing
        text += f"（{diff / before:+.0%}）"
    return text


def _compared(now: float, before: float | None, unit: str) -> str:
    """The change as a clause of a sentence: 比上期增加 3 件 / 与上期持平 / '' without a previous period."""
    if before is None:
        return ""
    diff = round(now - before, 2)
    if diff == 0:
        return "，与上期持平"
    return f"，比上期{'增加' if diff > 0 else '减少'} {abs(diff):g}{unit}"


def _zone_name(zone: str) -> str:
    return "北京时间" if zone in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else f"{zone} 时间"


def _preface(r: dict) -> str:
    office, period, data, totals = r["office"], r["period"], r["data"], r["totals"]
    previous = totals["previous"]
    evaluation = next(s for s in r["sections"] if s["code"] == "evaluation")
    language, before = evaluation["language"], evaluation["language_previous"]
    rate = lambda lang: None if lang is None or lang["forbidden_per_100"] is None else round(lang["forbidden_per_100"] + lang["disliked_per_100"], 2)  # noqa: E731
    first_answer = [s["response"]["median_minutes"] for s in r["sections"] if s["topics"] and s["response"]["median_minutes"] is not None]
    rows = [
        ["业主反映的事项", totals["requests"]["matters"], previous and previous["requests"],
         _change(totals["requests"]["matters"], previous and previous["requests"], " 件")],
        ["其中投诉", totals["complaints"]["matters"], previous and previous["complaints"],
         _change(totals["complaints"]["matters"], previous and previous["complaints"], " 件")],
        ["突发事件", totals["emergencies"]["matters"], previous and previous["emergencies"],
         _change(totals["emergencies"]["matters"], previous and previous["emergencies"], " 件")],
        ["客服消息", language["staff_messages"], before and before["staff_messages"], ""],
        ["服务用语问题（每百条消息）", rate(language), rate(before), _change(rate(language), rate(before))],
        ["投诉处理程序平均得分", language["average_procedure_score"], before and before["average_procedure_score"],
         _change(language["average_procedure_score"], before and before["average_procedure_score"], " 分")],
    ]
    sections = [(s["title"], s["requests"]["matters"]) for s in r["sections"] if s["topics"]]
    chart = bar_chart("requests-by-section", sections, " 件") if totals["requests"]["matters"] else '<p class="none">本期无业主反映的事项。</p>'
    coverage = (
        "本期数据未覆盖一个完整的自然月，报告期按数据实际覆盖的日期确定。" if period["chosen_by"] == "data" else ""
    )
    masked = "文中引用的业主原话已隐去手机号、身份证号和房号。" if r["mask_pii"] else "文中引用的业主原话未隐去个人信息，请妥善保管本报告。"
    quickest = f"各方面首次回复业主的时间中位数在{_duration(min(first_answer))}至{_duration(max(first_answer))}之间。" if first_answer else ""
    if data["rejected_rows"]:
        coverage += f"质检时有 {data['rejected_rows']} 行聊天记录无法读取，未计入本报告。"
    if not period["previous"]["covered"]:
        coverage += "上期数据不完整，本期不与上期比较。"
    return f"""
<h1>{escape(office['name'])}管理报告</h1>
<p class="subtitle">报告期：{escape(period['label'])}（{period['from']} 至 {period['to']}）</p>
<h2>前言</h2>
<p>尊敬的{escape(office['addressee'])}：</p>
<p>感谢大家一直以来对我们工作的理解和支持。为了让大家清楚地了解本期小区的管理服务情况，我们根据本期与业主的 {data['conversations']} 个沟通会话，整理了这份管理报告。报告按{"、".join(x["title"] for x in r["sections"][:-1])}和{r["sections"][-1]["title"]}逐项说明：大家反映了什么、我们回复得多快、投诉是怎样处理的、服务质量有没有进步。</p>
<p>报告中业主反映和服务质量的数字都来自会话记录，可以逐条核对；各期报告的栏目保持一致，方便大家前后对照。{quickest}{coverage}</p>
<div class="figure">{table(['指标', '本期', '上期', '变化'], rows, numeric={1, 2})}</div>
<h3>本期各方面反映的事项</h3>
<div class="figure">{chart}</div>
<p class="muted">{masked}报告期按{escape(_zone_name(period['timezone']))}计；事项按业主提出的时间归入各期，客服消息按发出时间归入各期。</p>
"""


def _quoted(text: str) -> str:
    """A resident's words as a table cell quotes them: one line, long ones cut."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def _topic_section(number: str, s: dict, finance_file: str | None) -> str:
    title = escape(s["title"])
    head = f'<h2 data-section="{s["code"]}">{number}、{title}</h2>'
    previous = s["previous"]
    body = []
    if s["no_data"]:
        before = f"上期 {previous['requests']['matters']} 件。" if previous and previous["requests"]["matters"] else ""
        body.append(f'<p class="none">本期无相关反映。{before}</p>')
    else:
        req, comp, emerg, resp = s["requests"], s["complaints"], s["emergencies"], s["response"]
        before_req = previous["requests"]["matters"] if previous else None
        before_comp = previous["complaints"]["matters"] if previous else None
        what = "业主反映的其它事项" if s["code"] == "other" else f"业主反映{escape(s['subject'])}方面的事项"
        sentence = f"本期{what} {req['matters']} 件{_compared(req['matters'], before_req, ' 件')}，其中投诉 {comp['matters']} 件"
        sentence += f"，突发事件 {emerg['matters']} 件。" if emerg["matters"] else "。"
        if resp["median_minutes"] is not None:
            sentence += f"我们首次回复业主的时间中位数为{_duration(resp['median_minutes'])}，九成在{_duration(resp['p90_minutes'])}以内。"
        if resp["unanswered"]["count"]:
            sentence += f"另有 {resp['unanswered']['count']} 件在会话记录中未见客服回复。"
        if len(s.get("by_topic", [])) > 1:
            sentence += "按类别：" + "、".join(f"{escape(t['name'])} {t['count']} 件" for t in s["by_topic"]) + "。"
        body.append(f"<p>{sentence}</p>")
        body.append(table(
            ["指标", "本期", "上期", "变化"],
            [
                ["反映事项", req["matters"], before_req, _change(req["matters"], before_req, " 件")],
                ["其中投诉", comp["matters"], before_comp, _change(comp["matters"], before_comp, " 件")],
                ["首次回复时间（中位数）", _duration(resp["median_minutes"]), "", ""],
                ["首次回复时间（九成以内）", _duration(resp["p90_minutes"]), "", ""],
            ],
            numeric={1, 2},
        ))
        repeated = any(i["count"] > 1 and i["named"] for i in s["issues"])
        body.append("<h3>反映较多的问题</h3>" if repeated else "<h3>业主反映的问题</h3>")
        body.append(table(
            ["问题", "件数", "业主原话举例"],
            [[i["issue"], i["count"], " ／ ".join(_quoted(e["text"]) for e in i["examples"])] for i in s["issues"]],
            numeric={1},
        ))
        if emerg["matters"]:
            kinds = "、".join(f"{k['name']} {k['count']} 件" for k in emerg["by_kind"])
            speed = emerg["response"]["median_minutes"]
            body.append("<h3>突发事件</h3>")
            up = emerg["reported_up"]
            body.append(
                f"<p>本期业主报告突发事件 {emerg['matters']} 件：{escape(kinds)}。"
                + (f"接到报告后客服首次回复的时间中位数为{_duration(speed)}，九成在{_duration(emerg['response']['p90_minutes'])}以内。" if speed is not None else "")
                + f"其中 {up['count']} 件在会话中告诉业主已向上级汇报或报警（{escape(up['step'])}）。</p>"
            )
        proc = s["procedure"]
        if proc["count"]:
            body.append("<h3>投诉处理</h3>")
            missed = proc["steps_missed"]
            text = (f"按投诉处理程序（{'、'.join(step.name for step in steps())}）评估，本期此类投诉会话 "
                    f"{proc['count']} 个，平均 {proc['average_score']:g} 分。")
            text += ("较常遗漏的步骤：" + "、".join(m["step"] for m in missed[:3]) + "。") if missed else "各步骤在会话中均已做到。"
            body.append(f"<p>{escape(text)}</p>")
            if missed:
                body.append(table(
                    ["步骤", "含义", "遗漏的会话", "比例"],
                    [[m["step"], step_meaning(m["step"]), m["missed"], f"{m['rate']:.0%}"] for m in missed],
                    numeric={2, 3},
                ))
    if "finance" in s:
        body.append(_finance(s["finance"], finance_file))
    return head + "".join(body)


def _finance(f: dict | None, finance_file: str | None) -> str:
    if not f:
        said = "所附收支数据中没有这一项。" if finance_file else "本报告未附收支数据。"
        return f'<h3>收支情况</h3><p class="none">{said}</p>'
    rows = [[r["item"], f"{r['income']:,.2f}", f"{r['expense']:,.2f}"] for r in f["rows"]]
    rows.append(["合计", f"{f['income']:,.2f}", f"{f['expense']:,.2f}"])
    rows.append(["结余", f"{f['balance']:,.2f}", ""])
    return (
        "<h3>收支情况（单位：元）</h3>"
        + table(["项目", "收入", "支出"], rows, numeric={1, 2})
        + f'<p class="muted">数据来源：{escape(f["source"])}，按原样列出。</p>'
    )


def _evaluation(number: str, s: dict) -> str:
    lang, before = s["language"], s["language_previous"]
    head = f'<h2 data-section="evaluation">{number}、效果评估</h2>'
    if s["no_data"]:
        return head + '<p class="none">本期无相关反映。</p>'
    body = []
    if lang["staff_messages"]:
        text = (f"本期客服共回复业主 {lang['staff_messages']} 条消息。按培训教材的服务用语要求检查："
                f"禁语 {lang['forbidden']} 处（每百条 {lang['forbidden_per_100']:g} 处），"
                f"不当用语 {lang['disliked']} 处（每百条 {lang['disliked_per_100']:g} 处）")
        if before and before["staff_messages"]:
            text += f"；上期分别为每百条 {before['forbidden_per_100']:g} 处和 {before['disliked_per_100']:g} 处"
        text += "。"
        if lang["average_procedure_score"] is not None:
            text += f"投诉会话按处理程序评估平均 {lang['average_procedure_score']:g} 分（{lang['complaint_conversations']} 个会话）。"
        body.append(f"<p>{escape(text)}</p>")
        body.append(table(
            ["指标", "本期", "上期", "变化"],
            [
                ["禁语（每百条）", lang["forbidden_per_100"], before and before["forbidden_per_100"],
                 _change(lang["forbidden_per_100"], before and before["forbidden_per_100"])],
                ["不当用语（每百条）", lang["disliked_per_100"], before and before["disliked_per_100"],
                 _change(lang["disliked_per_100"], before and before["disliked_per_100"])],
                ["投诉处理程序平均得分", lang["average_procedure_score"], before and before["average_procedure_score"],
                 _change(lang["average_procedure_score"], before and before["average_procedure_score"], " 分")],
            ],
            numeric={1, 2},
        ))
    if len(s["trend"]) > 1:
        points = [(t["period"], round((t["forbidden_per_100"] or 0) + (t["disliked_per_100"] or 0), 2)) for t in s["trend"]]
        body.append("<h3>服务用语的变化</h3>")
        body.append(f'<div class="figure">{line_chart("language-trend", points, "每百条客服消息中的禁语和不当用语")}</div>')
    if s["agents"]:
        who = "" if s["agents_named"] else "（按匿名编号列出）"
        body.append(f"<h3>各位客服{who}</h3>")
        body.append(table(
            ["客服", "消息", "禁语/百条", "不当用语/百条", "投诉会话", "程序平均分"],
            [[a["agent"], a["messages"], a["forbidden_per_100"], a["disliked_per_100"], a["complaint_conversations"],
              a["average_procedure_score"]] for a in s["agents"]],
            numeric={1, 2, 3, 4, 5},
        ))
    survey = s["survey"]
    if survey:
        body.append("<h3>业主满意度调查</h3>")
        urgent = "、".join(u["item"] for u in survey["urgent"])
        body.append(
            f"<p>满意度调查共 {escape(str(survey['respondents']))} 位业主参与，评价 {survey['items']} 个项目，"
            + (f"平均满意度 {survey['average_satisfaction']:g}。" if survey["average_satisfaction"] is not None else "")
            + (f"按四分图分析，急需改进的项目是：{escape(urgent)}。" if urgent else "按四分图分析，本期没有急需改进的项目。")
            + "</p>"
        )
        body.append(table(["四分图区域", "项目"], [[q, "、".join(items) or "—"] for q, items in survey["quadrants"].items()]))
    return head + "".join(body)


def _closing(r: dict) -> str:
    office, period = r["office"], r["period"]
    explainer = escape(office["explainer"]) or BLANK
    phone = escape(office["phone"]) or BLANK
    follow_up = escape(office["follow_up"]) or BLANK
    seal = escape(office["seal"] or "（盖章）")
    director = escape(office["director"]) or BLANK
    return f"""
<h2>结语</h2>
<p>以上是{escape(office['name'])}{escape(period['label'])}的管理报告。感谢各位业主的每一次反映和建议，它们是我们改进工作的依据。对本期反映较多的问题，我们将逐项跟进，并在下期报告中向大家说明进展；如果您对报告有任何疑问，欢迎随时联系我们。</p>
<table>
<tr><th>本报告解释人</th><td>{explainer}</td><th>联系电话</th><td>{phone}</td></tr>
<tr><th>跟踪办法</th><td colspan="3">{follow_up}</td></tr>
</table>
<div class="sign">
  <div><div class="seal" data-seal>{seal}</div></div>
  <div>主任签署：{director}<br><br>日期：{escape(r['generated'])}</div>
</div>
"""


def render(r: dict) -> str:
    sheets = [_preface(r)]
    for i, s in enumerate(r["sections"]):
        number = NUMERALS[i]
        sheets.append(_evaluation(number, s) if s["code"] == "evaluation" else _topic_section(number, s, r["data"]["finance_file"]))
    sheets.append(_closing(r))
    return page(f"{r['office']['name']}管理报告 {r['period']['label']}", sheets)
