// The staff page: check a draft with POST /v1/check, show the findings inline with reasons and
// suggestions, apply a suggestion or the whole rewrite with one click, copy the final text.
// Offsets from the API are Unicode code points; JavaScript strings count UTF-16 units, so all
// slicing here goes through Array.from(text) (one element per code point).
"use strict";

const $ = (id) => document.getElementById(id);
const draft = $("draft");
const VERDICT = { pass: "通过", warn: "提醒", block: "拦截" };
let categoryNames = {};
let last = null;

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function setStatus(message) { $("status").textContent = message; }

async function loadCategoryNames() {
  try {
    const res = await fetch("/v1/rules");
    if (!res.ok) return;
    for (const rule of await res.json()) categoryNames[rule.category] = rule.category_name;
  } catch (e) { /* names are a nicety; codes still show */ }
}

function renderHighlighted(report) {
  const chars = Array.from(report.text);
  const cuts = new Set([0, chars.length]);
  for (const f of report.findings) { cuts.add(f.start); cuts.add(f.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const box = $("highlighted");
  box.replaceChildren();
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = chars.slice(a, b).join("");
    const covering = report.findings.filter((f) => f.start <= a && b <= f.end);
    if (!covering.length) { box.append(piece); continue; }
    const worst = covering.some((f) => f.severity === "error") ? "error" : "warning";
    box.append(el("mark", { class: worst, title: covering.map((f) => f.message).join("\n"), text: piece }));
  }
}

function applyAt(start, end, replacement) {
  const chars = Array.from(draft.value);
  draft.value = chars.slice(0, start).join("") + replacement + chars.slice(end).join("");
}

function renderFindings(report) {
  const list = $("findings");
  list.replaceChildren();
  $("findings-block").classList.toggle("hidden", report.findings.length === 0);
  for (const f of report.findings) {
    const suggestions = el("div", { class: "suggestions" });
    for (const s of f.suggestions) {
      const b = el("button", { class: "suggestion", type: "button", "data-testid": "apply-suggestion", text: s ? "改为：" + s : "删去" });
      b.addEventListener("click", () => {
        if (draft.value !== report.text) { setStatus("原文已改动，请重新检查后再采用建议"); return; }
        applyAt(f.start, f.end, s);
        check();
      });
      suggestions.append(b);
    }
    const name = categoryNames[f.category] || "";
    // where the finding came from: the lexicon's wording, or the model reading the clause
    const source = f.source === "model"
      ? `模型判断（把握 ${Math.round(f.confidence * 100)}%）`
      : f.confidence < 1 ? `词库（把握 ${Math.round(f.confidence * 100)}%）` : "词库";
    list.append(el("li", { "data-testid": "finding", dataset: { category: f.category, severity: f.severity, source: f.source } }, [
      el("span", { class: "tag " + f.severity, text: `${f.category} ${name}` }),
      el("span", { class: "quote", text: `“${f.match}”` }),
      el("span", { class: "source", "data-testid": "finding-source", text: source }),
      el("div", { class: "reason", text: f.message }),
      suggestions,
    ]));
  }
}

function renderPositives(report) {
  const list = $("positives");
  list.replaceChildren();
  $("positives-block").classList.toggle("hidden", report.positives.length === 0);
  for (const p of report.positives) {
    list.append(el("li", { text: `${categoryNames[p.category] || p.category}：“${p.match}”` }));
  }
}

// The rewrite as a change against the draft: what it drops struck through, what it adds marked,
// the facts it keeps as written. A longest common subsequence over code points, then short
// coincidences (a shared 的 or 您 between two different sentences) folded into the change, so
// that what reads as kept was really kept.
const MIN_KEPT = 3;

function changes(before, after) {
  const a = Array.from(before), b = Array.from(after);
  const n = a.length, m = b.length;
  if (n * m > 4000000) return [["drop", before], ["add", after]];
  const width = m + 1;
  const lcs = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1
        : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const ops = [];
  const push = (op, ch) => {
    const top = ops[ops.length - 1];
    if (top && top[0] === op) top[1] += ch; else ops.push([op, ch]);
  };
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { push("keep", a[i]); i++; j++; }
    else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) push("drop", a[i++]);
    else push("add", b[j++]);
  }
  while (i < n) push("drop", a[i++]);
  while (j < m) push("add", b[j++]);
  // a short run kept between changes is a coincidence: drop it and add it again
  const out = [];
  for (let k = 0; k < ops.length; k++) {
    const [op, text] = ops[k];
    const between = k > 0 && k < ops.length - 1;
    if (op === "keep" && between && Array.from(text.replace(/[，。！？、,.!?\s]/g, "")).length < MIN_KEPT) {
      out.push(["drop", text], ["add", text]);
    } else out.push([op, text]);
  }
  // gather each stretch of changes: everything dropped, then everything added
  const merged = [];
  let dropped = "", added = "";
  const flush = () => {
    if (dropped) merged.push(["drop", dropped]);
    if (added) merged.push(["add", added]);
    dropped = added = "";
  };
  for (const [op, text] of out) {
    if (op === "drop") dropped += text;
    else if (op === "add") added += text;
    else { flush(); merged.push(["keep", text]); }
  }
  flush();
  return merged;
}

function renderRewrite(report) {
  const box = $("rewrite");
  box.replaceChildren();
  for (const [op, text] of changes(report.text, report.rewrite)) {
    if (op === "keep") box.append(el("span", { class: "kept", "data-testid": "rewrite-kept", text }));
    else if (op === "drop") box.append(el("del", { "data-testid": "rewrite-dropped", title: "改写删去", text }));
    else box.append(el("ins", { "data-testid": "rewrite-added", title: "改写加上", text }));
  }
  $("rewrite-result").textContent = report.rewrite;
}

function render(report) {
  last = report;
  $("result").classList.remove("hidden");
  const verdict = $("verdict");
  verdict.textContent = VERDICT[report.verdict];
  verdict.className = "verdict " + report.verdict;
  verdict.dataset.verdict = report.verdict;
  $("score").textContent = `得分 ${report.score}`;
  renderHighlighted(report);
  renderFindings(report);
  renderPositives(report);
  const rewriting = report.findings.length > 0;
  $("rewrite-block").classList.toggle("hidden", !rewriting);
  if (rewriting) renderRewrite(report); else { $("rewrite").replaceChildren(); $("rewrite-result").textContent = ""; }
  document.dispatchEvent(new CustomEvent("huashu:checked", { detail: report }));
}

async function check() {
  const text = draft.value;
  if (!text.trim()) { setStatus("请先输入要检查的回复"); return; }
  const button = $("check");
  button.disabled = true;
  setStatus("检查中…");
  try {
    const res = await fetch("/v1/check", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    const body = await res.json();
    if (!res.ok) { setStatus(body.error ? body.error.message : `出错了（${res.status}）`); return; }
    render(body);
    setStatus(body.verdict === "pass" ? "可以发送" : "");
  } catch (e) {
    setStatus("无法连接服务，请稍后再试");
  } finally {
    button.disabled = false;
  }
}

async function copyDraft() {
  const text = draft.value;
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    draft.select();
    document.execCommand("copy");
  }
  setStatus("已复制");
}

$("check").addEventListener("click", check);
$("copy").addEventListener("click", copyDraft);
$("apply-rewrite").addEventListener("click", () => {
  if (!last) return;
  draft.value = last.rewrite;
  check();
});
draft.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) check(); });
loadCategoryNames();

// The page's tabs (回复, 报告): click, or the arrow keys on the selected tab, as a tablist works.
(() => {
  const tabs = Array.from(document.querySelectorAll(".tabs [data-tab]"));
  function choose(tab) {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      document.getElementById(other.dataset.tab).hidden = !chosen;
    }
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => choose(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      choose(next);
      next.focus();
      event.preventDefault();
    });
  }
  if (tabs.length) choose(tabs.find((t) => t.getAttribute("aria-selected") === "true") || tabs[0]);
})();
