"""The `huashu` command: check replies from the terminal or a JSONL file, list the rules.

Exit status: 0 nothing blocked, 1 some reply blocked, 2 bad input or usage (a malformed JSONL line
is reported on stderr with its line number, and every other line is still checked).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from itertools import tee
from enum import Enum
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.console import Console
from rich.text import Text

from assistant.errors import LexiconError, RuleFileError
from assistant.limits import problem_with
from assistant.report import Report
from assistant.taxonomy import taxonomy

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="话术 Huashu：检查物业客服回复中的禁语和不当用语，并给出更好的说法。",
)

EXIT_OK, EXIT_BLOCKED, EXIT_BAD_INPUT = 0, 1, 2
VERDICT_LABEL = {"pass": "通过", "warn": "提醒", "block": "拦截"}
VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "block": "bold red"}
SEVERITY_STYLE = {"error": "bold white on red", "warning": "black on yellow", "info": "green"}


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


LexiconDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--lexicon-dir",
        help="公司自己的词库目录（可多次指定；也可用环境变量 HUASHU_LEXICON_DIRS）。",
        file_okay=False,
    ),
]


class InputError(Exception):
    """Bad input, with a message naming where it is."""


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _rule_file_problem(exc: RuleFileError) -> str:
    """How a broken rule file is announced: the lexicon, or another rule file (named in `exc`)."""
    return f"{'词库' if isinstance(exc, LexiconError) else '规则文件'}有误：\n{exc}"


def _lexicon_dirs(given: list[Path] | None) -> list[str]:
    """The company lexicon directories for this command: --lexicon-dir, else HUASHU_LEXICON_DIRS."""
    from assistant.lexicon import default_lexicon_dirs

    return [str(d) for d in given] if given else list(default_lexicon_dirs())


def _checker(lexicon_dirs: list[Path] | None):
    from assistant import get_checker

    try:
        return get_checker(_lexicon_dirs(lexicon_dirs))
    except RuleFileError as exc:
        _stderr().print(_rule_file_problem(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _decode(data: bytes, source: str, line_offset: int = 0) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = line_offset + data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{source}:{line}: 不是有效的 UTF-8 编码（第 {exc.start + 1} 个字节）") from None


# ---- rendering ---------------------------------------------------------------------------------


def render_report(report: Report, console: Console, label: str | None = None) -> None:
    names = taxonomy().categories
    head = Text()
    if label:
        head.append(f"[{label}] ", style="dim")
    head.append(f"{VERDICT_LABEL[report.verdict]}", style=VERDICT_STYLE[report.verdict])
    head.append(f"  得分 {report.score}")
    console.print(head)
    body = Text(report.text)
    for p in report.positives:
        body.stylize("underline green", p.start, p.end)
    for f in report.findings:
        body.stylize(SEVERITY_STYLE[f.severity], f.start, f.end)
    console.print(Text("原文：") + body)
    for i, f in enumerate(report.findings, 1):
        line = Text(f"  {i}. ")
        line.append(f"{f.category} {names[f.category].name}", style=SEVERITY_STYLE[f.severity])
        line.append(f" “{f.match}”（{f.start}–{f.end}，置信度 {f.confidence:.2f}）")
        console.print(line)
        console.print(Text(f"     原因：{f.message}"))
        if f.suggestions:
            console.print(Text("     可改为：" + " / ".join(f.suggestions)))
    if report.positives:
        liked = "、".join(f"{names[p.category].name}“{p.match}”" for p in report.positives)
        console.print(Text(f"  做得好：{liked}", style="green"))
    if report.findings:
        console.print(Text("建议改写：", style="bold") + Text(report.rewrite))
    console.print()


def _emit(report: Report, fmt: OutputFormat, console: Console, row: dict | None = None) -> None:
    if fmt is OutputFormat.json:
        data = report.to_dict()
        if row is not None:
            data = {"id": row.get("id"), **data} if "id" in row else {"line": row["_line"], **data}
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        label = None
        if row is not None:
            label = f"id {row['id']}" if "id" in row else f"第 {row['_line']} 行"
        render_report(report, console, label)


# ---- JSONL input -------------------------------------------------------------------------------


def _jsonl_rows(stream: BinaryIO, source: str, errors: list[str]) -> Iterator[dict]:
    """Valid rows of a JSONL stream; problems are appended to `errors` and the rest goes on."""
    for number, raw in enumerate(stream, 1):
        try:
            line = _decode(raw, source, number - 1)
        except InputError as exc:
            errors.append(str(exc))
            continue
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{source}:{number}: 不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）")
            continue
        except RecursionError:
            errors.append(f"{source}:{number}: JSON 嵌套层数过深，无法读取")
            continue
        if not isinstance(row, dict):
            errors.append(f"{source}:{number}: 每行应是一个 JSON 对象，例如 {{\"id\": 1, \"text\": \"...\"}}")
            continue
        text = row.get("text")
        if not isinstance(text, str):
            errors.append(f"{source}:{number}: 缺少字符串类型的 text 字段")
            continue
        if not text.strip():
            errors.append(f"{source}:{number}: text 为空")
            continue
        if (problem := problem_with(text)) is not None:
            errors.append(f"{source}:{number}: {problem}")
            continue
        out = {"text": text, "_line": number}
        if "id" in row:
            out["id"] = row["id"]
        yield out


def _check_jsonl(checker, path: str, fmt: OutputFormat, console: Console) -> int:
    """Check every valid row of a JSONL stream, streaming: bad lines go to stderr as they are met,
    reports to stdout in input order; long inputs are checked on every core (check_many)."""
    err = _stderr()
    if path == "-":
        stream, source = sys.stdin.buffer, "<标准输入>"
    else:
        try:
            stream, source = open(path, "rb"), path  # noqa: SIM115 - closed below
        except OSError as exc:
            err.print(f"{path}: 无法打开（{exc.strerror}）")
            return EXIT_BAD_INPUT
    bad = 0

    def report_errors(messages: list[str]) -> None:
        nonlocal bad
        for message in messages:
            err.print(message)
        bad += len(messages)
        messages.clear()

    blocked = False
    try:
        errors: list[str] = []

        def valid_rows() -> Iterator[dict]:
            for row in _jsonl_rows(stream, source, errors):
                report_errors(errors)
                yield row
            report_errors(errors)

        rows_for_text, rows_for_output = tee(valid_rows())
        reports = checker.check_many(row["text"] for row in rows_for_text)
        for row, report in zip(rows_for_output, reports, strict=True):
            blocked |= report.blocked
            _emit(report, fmt, console, row)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if bad:
        return EXIT_BAD_INPUT
    return EXIT_BLOCKED if blocked else EXIT_OK


# ---- commands ----------------------------------------------------------------------------------


@app.command()
def check(
    text: Annotated[str | None, typer.Argument(help="要检查的回复；用 - 从标准输入读取。")] = None,
    jsonl: Annotated[
        str | None,
        typer.Option("--jsonl", help="逐行检查 JSONL 文件（每行 {\"id\", \"text\"}；- 表示标准输入），每行输出一份报告。"),
    ] = None,
    fmt: Annotated[
        OutputFormat | None, typer.Option("--format", "-f", help="输出格式：text（默认，带高亮）或 json。")
    ] = None,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """检查一条回复（或一个 JSONL 文件里的每条回复）。"""
    console = Console(highlight=False, soft_wrap=True)
    err = _stderr()
    if (text is None) == (jsonl is None):
        err.print("用法：huashu check \"文本\"、huashu check - 或 huashu check --jsonl 文件（三选一）")
        raise typer.Exit(EXIT_BAD_INPUT)
    if jsonl is not None:
        checker = _checker(lexicon_dir)
        raise typer.Exit(_check_jsonl(checker, jsonl, fmt or OutputFormat.json, console))
    source_is_stdin = text == "-"
    if text == "-":
        try:
            text = _decode(sys.stdin.buffer.read(), "<标准输入>")
        except InputError as exc:
            err.print(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
    if not text.strip():
        err.print("文本为空：请提供要检查的回复内容。")
        raise typer.Exit(EXIT_BAD_INPUT)
    if (problem := problem_with(text)) is not None:
        where = "标准输入" if source_is_stdin else "命令行参数"
        err.print(f"{where}：{problem}")
        raise typer.Exit(EXIT_BAD_INPUT)
    report = _checker(lexicon_dir).check(text)
    _emit(report, fmt or OutputFormat.text, console)
    raise typer.Exit(EXIT_BLOCKED if report.blocked else EXIT_OK)


@app.command()
def rules(
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式：text 或 json。")] = OutputFormat.text,
    category: Annotated[str | None, typer.Option("--category", "-c", help="只列出某一类，如 F05、D3、P2。")] = None,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """列出所有规则：编号、类别、说明和示例。"""
    from rich.table import Table

    names = taxonomy().categories
    code = category.upper() if category else None
    if code is not None and code not in names:
        _stderr().print(f"未知类别 {category}，可用：{'、'.join(names)}")
        raise typer.Exit(EXIT_BAD_INPUT)
    described = _checker(lexicon_dir).lexicon.describe(code)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(described, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="话术规则", show_lines=True)
    for column in ("规则", "类别", "级别", "来源", "说明", "示例（会标出）", "示例（不标出）"):
        table.add_column(column, overflow="fold")
    for rule in described:
        table.add_row(
            rule["rule_id"],
            f"{rule['category']} {rule['category_name']}",
            {"error": "禁止", "warning": "提醒", "info": "加分"}[rule["severity"]],
            {"lexicon": "词库", "model": "模型"}[rule["source"]],
            rule["message"],
            "\n".join(x.replace("[[", "【").replace("]]", "】") for x in rule["examples"]["flag"][:2]),
            "\n".join(rule["examples"]["pass"][:2]),
        )
    Console(soft_wrap=False).print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址（默认 127.0.0.1，环境变量 HUASHU_HOST）。")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 8000，HUASHU_PORT）。")] = None,
    workers: Annotated[int | None, typer.Option(help="工作进程数（默认 1，HUASHU_WORKERS）。")] = None,
    allow_open: Annotated[
        bool, typer.Option("--allow-open", help="未配置 API 密钥时也允许监听非本机地址。")
    ] = False,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """启动 HTTP 服务：API、聊天插件筛查接口和员工网页（默认 http://127.0.0.1:8000）。"""
    from pydantic import ValidationError

    from api.server import ServeRefused
    from api.server import serve as run_server
    from api.settings import Settings

    overrides = {
        k: v
        for k, v in {"host": host, "port": port, "workers": workers, "lexicon_dirs": lexicon_dir}.items()
        if v is not None
    }
    if allow_open:
        overrides["allow_open"] = True
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        _stderr().print(f"设置有误：{exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        run_server(settings)
    except ServeRefused as exc:
        _stderr().print(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None


class AuditFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    wecom = "wecom"
    alibaba = "alibaba"


class AuditExecutor(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def audit(
    inputs: Annotated[list[Path], typer.Argument(help="聊天记录文件：.jsonl、.csv、企业微信存档 .json/.jsonl、阿里云对话 .json，可为 .gz。")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录。")],
    fmt: Annotated[AuditFormat | None, typer.Option("--format", help="强制输入格式（默认按扩展名和内容判断）。")] = None,
    workers: Annotated[int | None, typer.Option(help="本机工作进程数（默认：全部 CPU 核）。", min=1)] = None,
    executor: Annotated[
        AuditExecutor, typer.Option("--executor", "--engine", help="local：本机多进程；dask：提交到 Dask 集群。")
    ] = AuditExecutor.local,
    scheduler: Annotated[str | None, typer.Option(help="Dask 调度器地址，如 tcp://10.0.0.5:8786。")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="从上次中断处继续。")] = False,
    mask_pii: Annotated[bool, typer.Option("--mask-pii/--no-mask-pii", help="报告中隐去手机号、身份证号、房号（默认隐去）。")] = True,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """批量质检聊天记录：逐条检查客服消息、按投诉处理程序给会话打分，输出各客服和各会话的报告。

    退出码：0 全部读入；3 有被拒绝的行（见 errors.jsonl）；2 用法错误。
    """
    from assistant.lexicon import default_model_dir
    from assistant.pool import default_workers
    from audit.readers import UsageError
    from audit.runner import Options, run

    err = _stderr()
    opts = Options(
        inputs=list(inputs),
        out=out,
        fmt=fmt.value if fmt else None,
        workers=workers or default_workers(),
        executor=executor.value,
        scheduler=scheduler,
        resume=resume,
        mask_pii=mask_pii,
        lexicon_dirs=_lexicon_dirs(lexicon_dir),  # the same for local workers, Dask and --resume
        model_dir=default_model_dir(),
        progress=sys.stderr.isatty(),
    )
    try:
        summary, status = run(opts, lambda: _checker(lexicon_dir))
    except UsageError as exc:
        err.print(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except RuleFileError as exc:
        err.print(_rule_file_problem(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if sys.stderr.isatty():
        err.print(
            f"已检查 {summary['messages']} 条消息、{summary['conversations']} 个会话、{summary['agents']} 位客服；"
            f"禁语 {summary['forbidden']} 处，不当用语 {summary['disliked']} 处，拒绝 {summary['rejected']} 行。报告：{out / 'report.html'}"
        )
    raise typer.Exit(status)


class SurveyScale(str, Enum):
    five = "5"
    ten = "10"


@app.command()
def survey(
    files: Annotated[list[Path], typer.Argument(help="问卷数据：CSV（UTF-8 或 GB18030）或 Excel .xlsx，长表或宽表。")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录。")],
    scale: Annotated[SurveyScale, typer.Option("--scale", help="评分量表：5 分制或 10 分制。")] = SurveyScale.five,
    importance_line: Annotated[
        float | None, typer.Option("--importance-line", help="重要程度分界线（默认：各项目重要程度的平均值）。")
    ] = None,
    satisfaction_line: Annotated[
        float | None, typer.Option("--satisfaction-line", help="满意度分界线：公司目标或行业平均（默认：各项目满意度的平均值）。")
    ] = None,
    mask_pii: Annotated[bool, typer.Option("--mask-pii/--no-mask-pii", help="意见示例中隐去手机号、身份证号、房号（默认隐去）。")] = True,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """顾客满意度评析：按项目算重要程度和满意度，画四分图，读业主的意见。

    退出码：0 全部读入；3 有被拒绝的行（见 errors.jsonl）；2 用法错误。
    """
    from management.survey import SurveyError, run

    try:
        result = run(
            list(files), out, scale=int(scale.value), importance_line=importance_line,
            satisfaction_line=satisfaction_line, signals=_checker(lexicon_dir).procedure.signals, mask_pii=mask_pii,
        )
    except SurveyError as exc:
        _stderr().print(str(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if sys.stderr.isatty():
        _stderr().print(f"已分析 {result['respondents']} 位受访者、{len(result['items'])} 个项目。报告：{out / 'survey.html'}")
    raise typer.Exit(3 if result["errors"] else EXIT_OK)


@app.command()
def report(
    inputs: Annotated[
        list[Path], typer.Argument(help="`huashu audit` 的输出目录，或聊天记录文件（先质检再出报告）。")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录。")],
    date_from: Annotated[str | None, typer.Option("--from", help="报告期开始日期，如 2026-11-01（默认：数据中最后一个完整月）。")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="报告期结束日期（含当天），如 2026-11-30。")] = None,
    office: Annotated[Path | None, typer.Option("--office", help="管理处信息 office.yaml：名称、解释人、电话、跟踪办法、盖章文字。")] = None,
    finance: Annotated[Path | None, typer.Option("--finance", help="收支数据 CSV：section,item,income,expense。")] = None,
    survey_file: Annotated[Path | None, typer.Option("--survey", help="`huashu survey` 输出的 survey.json。")] = None,
    name_agents: Annotated[bool, typer.Option("--name-agents", help="效果评估中写出客服姓名（默认匿名）。")] = False,
    mask_pii: Annotated[bool, typer.Option("--mask-pii/--no-mask-pii", help="示例消息中隐去手机号、身份证号、房号（默认隐去）。")] = True,
    workers: Annotated[int | None, typer.Option(help="需要先质检时的工作进程数（默认：全部 CPU 核）。", min=1)] = None,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """管理报告：把一段时期的业主来访、投诉、突发事件和服务用语质量写成给业主委员会的报告。

    退出码：0 完成；3 完成，但质检时有聊天记录行无法读取（未计入）；2 用法错误（文件、日期或设置有误，错误信息指明文件和行）。
    """
    from management.report import ReportError, Request, run

    request = Request(
        inputs=list(inputs), out=out, date_from=date_from, date_to=date_to, office=office, finance=finance,
        survey=survey_file, name_agents=name_agents, mask_pii=mask_pii, workers=workers,
        lexicon_dirs=_lexicon_dirs(lexicon_dir),
    )
    try:
        result = run(request, lambda: _checker(lexicon_dir))
    except ReportError as exc:
        _stderr().print(str(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    rejected = result["data"]["rejected_rows"]
    if rejected:
        _stderr().print(f"质检时有 {rejected} 行聊天记录无法读取，未计入报告（见 {result['data']['audit']}/errors.jsonl）。")
    if sys.stderr.isatty():
        _stderr().print(f"报告期 {result['period']['from']} 至 {result['period']['to']}。报告：{out / 'report.html'}")
    raise typer.Exit(3 if rejected else EXIT_OK)


@app.command()
def assist(
    name: Annotated[str | None, typer.Option("--name", help="业主的称呼，例如 王先生。")] = None,
    fmt: Annotated[
        OutputFormat | None, typer.Option("--format", "-f", help="输出格式：text（默认）或 json（每条一行）。")
    ] = None,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """对话助手：输入业主的消息，得到心理和话题分析、要做到的步骤和三条建议回复。"""
    from api.settings import get_settings
    from assistant.coach import Coach
    from cli.terminal_chat import HELP, TerminalChat

    settings = get_settings()
    console = Console(highlight=False, soft_wrap=True)
    try:
        coach = Coach(_checker(lexicon_dir), drafter=settings.drafter(), timezone=settings.timezone,
                      max_history=settings.assist_history_turns)
    except RuleFileError as exc:
        _stderr().print(_rule_file_problem(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    chat = TerminalChat(coach, console, as_json=fmt is OutputFormat.json, name=name)
    interactive = sys.stdin.isatty()
    if interactive:
        console.print(HELP + "\n")
    bad = False
    for number, raw in enumerate(_lines(sys.stdin.buffer, interactive, console), 1):
        try:
            line = _decode(raw, "<标准输入>", number - 1)
        except InputError as exc:
            _stderr().print(str(exc))
            bad = True
            continue
        if not chat.handle(line):
            break
    raise typer.Exit(EXIT_BAD_INPUT if bad else EXIT_OK)


def _lines(stream: BinaryIO, interactive: bool, console: Console) -> Iterator[bytes]:
    """Lines of stdin as bytes (decoded one by one, so a bad line names its number)."""
    while True:
        if interactive:
            console.print("业主> ", end="")
        raw = stream.readline()
        if not raw:
            return
        yield raw


@app.command()
def mcp(lexicon_dir: LexiconDirs = None) -> None:
    """以 MCP 服务器运行（stdio），供 Claude Desktop、Cursor 等桌面客户端调用。"""
    from api.logs import configure as configure_logging
    from api.mcp_tools import build_mcp
    from api.settings import get_settings
    from assistant.coach import Coach

    settings = get_settings()
    configure_logging(settings.log_level)
    checker = _checker(lexicon_dir)
    try:
        coach = Coach(checker, drafter=settings.drafter(), timezone=settings.timezone,
                      max_history=settings.assist_history_turns)
    except RuleFileError as exc:
        _stderr().print(_rule_file_problem(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        build_mcp(lambda: checker, lambda: coach, settings.max_text_chars).run("stdio")
    finally:
        if coach.drafter is not None:
            coach.drafter.close()


@app.command()
def train(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="公司自己的标注数据（JSONL，可多次指定）：客服回复带 F/D 标注，或业主消息带 psychology/topic 标注。"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="模型写到这个目录（默认：程序自带的模型目录）；用 HUASHU_MODEL_DIR 指向它。", file_okay=False)
    ] = None,
    lexicon_dir: LexiconDirs = None,
) -> None:
    """重新训练分类模型：用自带的标注批次加上 --data 给出的文件；同样的数据得到同样的模型文件。"""
    from assistant.lexicon import load_lexicon
    from assistant.model.classifier import STAFF_WEIGHTS, RESIDENT_WEIGHTS
    from assistant.model.data import DataError
    from assistant.model.train import train as train_models

    err = _stderr()
    for path in data or []:
        if not path.is_file():
            err.print(f"{path}: 文件不存在", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT)
    try:
        lexicon = load_lexicon(_lexicon_dirs(lexicon_dir))
        staff_out = out / STAFF_WEIGHTS.name if out else STAFF_WEIGHTS
        residents_out = out / RESIDENT_WEIGHTS.name if out else RESIDENT_WEIGHTS
        summary = train_models(lexicon, list(data or []), staff_out, residents_out)
    except RuleFileError as exc:
        err.print(_rule_file_problem(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except DataError as exc:
        err.print(f"标注数据有误：{exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    staff, residents = summary["staff"], summary["residents"]
    sys.stdout.write(
        f"客服回复：{len(staff['batches'])} 个批次，{sum(b['rows'] for b in staff['batches'])} 条，"
        f"学习了 {staff['clauses']} 个分句（{staff['rows_left_out']} 条无法定位到分句，未用）→ {staff_out}\n"
        f"业主消息：{len(residents['batches'])} 个批次，{residents['messages']} 条 → {residents_out}\n"
    )


@app.command("hash-key")
def hash_key(
    key: Annotated[str, typer.Argument(help="API 密钥；用 - 从标准输入读取（避免留在命令历史里）。")],
) -> None:
    """打印密钥的 sha256 摘要行，写入 HUASHU_API_KEY_FILE 指定的文件。"""
    from api.security import key_line

    if key == "-":
        key = sys.stdin.readline().strip()
    if not key:
        _stderr().print("密钥为空。")
        raise typer.Exit(EXIT_BAD_INPUT)
    sys.stdout.write(key_line(key) + "\n")


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
