// The 报告 tab: upload a satisfaction survey to POST /v1/survey and show the four-quadrant chart
// (the server's SVG, as `huashu survey` draws it), the 急需改进 items and the per-item table.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "huashu-api-key";

  const keyInput = $("survey-key");
  keyInput.value = sessionStorage.getItem(KEY) || "";

  const two = (x) => (x === null || x === undefined ? "—" : Number(x).toFixed(2));

  function cell(text, numeric) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "—" : String(text);
    if (numeric) td.className = "n";
    return td;
  }

  function interval(ci) { return ci ? `${two(ci[0])}～${two(ci[1])}` : "—"; }

  function render(result) {
    const line = (value) => (value === null ? "无（没有项目打分）" : value);
    const lines = `满意度分界线 ${line(result.satisfaction_line)}（${result.lines_from.satisfaction === "given" ? "给定" : "各项目平均"}），` +
      `重要程度分界线 ${line(result.importance_line)}（${result.lines_from.importance === "given" ? "给定" : "各项目平均"}）`;
    $("survey-summary").textContent = `有效受访者 ${result.respondents} 位，项目 ${result.items.length} 个；${lines}。`;
    $("survey-chart").innerHTML = result.chart_svg;  // the server's own SVG; every name in it is escaped there
    const urgent = $("survey-urgent");
    urgent.replaceChildren(...result.urgent.map((it) => {
      const li = document.createElement("li");
      li.textContent = `${it.item}：重要程度 ${two(it.importance)}，满意度 ${two(it.satisfaction)}，差距 ${two(it.gap)}`;
      return li;
    }));
    $("survey-urgent-block").classList.toggle("hidden", result.urgent.length === 0);
    const table = $("survey-items");
    const head = document.createElement("tr");
    for (const h of ["项目", "重要程度", "满意度", "差距", "受访者", "重要程度 95% 区间", "满意度 95% 区间", "区域"]) {
      const th = document.createElement("th");
      th.textContent = h;
      head.append(th);
    }
    table.replaceChildren(head, ...result.items.map((it) => {
      const tr = document.createElement("tr");
      tr.dataset.item = it.item;
      tr.append(cell(it.item), cell(two(it.importance), true), cell(two(it.satisfaction), true), cell(two(it.gap), true),
        cell(it.respondents, true), cell(interval(it.importance_ci)), cell(interval(it.satisfaction_ci)), cell(it.quadrant));
      return tr;
    }));
    const errors = $("survey-errors");
    errors.replaceChildren(...result.errors.map((e) => {
      const li = document.createElement("li");
      li.textContent = e.reason;  // it names the file, the row and the column
      return li;
    }));
    if (result.errors_total > result.errors.length) {
      const li = document.createElement("li");
      li.textContent = `……共 ${result.errors_total} 行未能使用，以上是前 ${result.errors.length} 行。`;
      errors.append(li);
    }
    $("survey-errors-block").classList.toggle("hidden", result.errors_total === 0);
    $("survey-result").classList.remove("hidden");
  }

  $("survey-run").addEventListener("click", async () => {
    const files = $("survey-file").files;
    const status = $("survey-status");
    if (!files.length) { status.textContent = "请先选择问卷文件。"; return; }
    const form = new FormData();
    for (const f of files) form.append("file", f, f.name);
    form.append("scale", $("survey-scale").value);
    for (const [id, name] of [["survey-importance-line", "importance_line"], ["survey-satisfaction-line", "satisfaction_line"]]) {
      const v = $(id).value.trim();
      if (v) form.append(name, v);
    }
    const headers = {};
    const key = keyInput.value.trim();
    if (key) { headers.Authorization = `Bearer ${key}`; sessionStorage.setItem(KEY, key); }
    status.textContent = "分析中…";
    $("survey-run").disabled = true;
    $("survey-result").classList.add("hidden");  // an earlier file's chart must not pass for this one's
    try {
      const res = await fetch("/v1/survey", { method: "POST", body: form, headers });
      const body = await res.json().catch(() => null);
      if (!res.ok) {
        status.textContent = res.status === 401
          ? "服务器设置了 API 密钥：请在“API 密钥”框中填写后再分析。"
          : (body && body.error && body.error.message) || `分析失败（HTTP ${res.status}）`;
        return;
      }
      render(body);
      status.textContent = body.errors_total ? `完成；有 ${body.errors_total} 行未能使用，见下方。` : "完成。";
    } catch (e) {
      status.textContent = "无法连接服务器，请稍后重试。";
    } finally {
      $("survey-run").disabled = false;
    }
  });
})();
