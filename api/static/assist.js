// The assistant panel: a resident's message goes to POST /v1/assist with the conversation so far;
// the reading (topic, psychology with the resident's words, emergency steps), the steps the reply
// must cover and three checked drafts come back. "放入检查框" moves a draft into the checker below;
// "记为已发送" adds what was sent to the conversation. The conversation lives in this page only
// (sent as `history`), so nothing is kept on the server. Uses $, el, draft and check from app.js.
"use strict";

const conversation = [];   // [{role: "resident" | "staff", text}]
let lastAdvice = null;

function setAssistStatus(message) { $("assist-status").textContent = message; }

function lastTurnIsResident() {
  return conversation.length > 0 && conversation[conversation.length - 1].role === "resident";
}

function renderConversation() {
  const list = $("conversation");
  list.replaceChildren(...conversation.map((t) =>
    el("li", { class: t.role === "resident" ? "customer" : "agent", "data-testid": "turn", dataset: { role: t.role },
      text: (t.role === "resident" ? "业主：" : "客服：") + t.text })));
  list.classList.toggle("hidden", conversation.length === 0);
  list.scrollTop = list.scrollHeight;
  $("mark-sent").classList.toggle("hidden", conversation.length === 0);
}

function renderAdvice(advice) {
  lastAdvice = advice;
  $("assist-result").classList.remove("hidden");
  const urgent = $("urgent");
  urgent.replaceChildren();
  urgent.classList.toggle("hidden", !advice.urgent);
  if (advice.urgent) {
    const u = advice.urgent;
    urgent.dataset.kind = u.kind;
    urgent.append(
      el("strong", { text: `突发事件：${u.name}` }),
      el("span", { class: "evidence-urgent", text: `（${u.evidence.join("、")}）` }),
      el("ol", {}, u.steps.map((s) => el("li", { text: `${s.name}：${s.action}` }))),
      el("div", { text: u.reply }),
    );
  }
  const topic = $("topic");
  topic.textContent = advice.topic.name;
  topic.dataset.code = advice.topic.code;
  const psychology = $("psychology");
  psychology.dataset.codes = advice.psychology.map((p) => p.code).join(" ");
  psychology.replaceChildren(...(advice.psychology.length
    ? advice.psychology.map((p) => el("span", { class: "chip psychology", dataset: { code: p.code } }, [
        p.name, el("span", { class: "evidence", text: ` “${p.evidence.join("”“")}”` })]))
    : [el("span", { class: "chip", text: "无明显情绪" })]));
  $("advice").replaceChildren(...advice.advice.map((a) => el("li", { text: a })));
  $("steps-block").classList.toggle("hidden", advice.next_steps.length === 0);
  $("next-steps").replaceChildren(...advice.next_steps.map((s) =>
    el("li", { class: s.group, title: s.meaning, dataset: { step: s.id }, text: s.name })));
  const drafts = [advice.draft, ...advice.alternatives].filter(Boolean);
  $("drafts").replaceChildren(...drafts.map((text, i) => {
    const use = el("button", { type: "button", "data-testid": "use-draft", text: "放入检查框" });
    use.addEventListener("click", () => useDraft(text));
    return el("li", { "data-testid": "assist-draft", dataset: { index: String(i) } }, [el("div", { class: "text", text }), use]);
  }));
}

async function postAssist(body) {
  const res = await fetch("/v1/assist", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error ? data.error.message : `出错了（${res.status}）`);
  return data;
}

function customerName() { return $("customer-name").value.trim() || undefined; }

async function assist() {
  const message = $("resident").value.trim();
  if (!message) { setAssistStatus("请先粘贴业主发来的消息"); return; }
  const button = $("assist");
  button.disabled = true;
  setAssistStatus("分析中…");
  try {
    const advice = await postAssist({ message, history: conversation, customer_name: customerName() });
    conversation.push({ role: "resident", text: message });
    $("resident").value = "";
    if (advice.customer_name && !$("customer-name").value.trim()) $("customer-name").value = advice.customer_name;
    renderConversation();
    renderAdvice(advice);
    setAssistStatus(advice.urgent ? "突发事件，请立即处理" : "");
  } catch (e) {
    setAssistStatus(e instanceof TypeError ? "无法连接服务，请稍后再试" : e.message);
  } finally {
    button.disabled = false;
  }
}

function useDraft(text) {
  draft.value = text;
  draft.scrollIntoView({ behavior: "smooth", block: "center" });
  check();
}

function markSent() {
  const text = draft.value.trim();
  if (!text) { setStatus("回复为空"); return; }
  conversation.push({ role: "staff", text });
  renderConversation();
  $("review-block").classList.add("hidden");
  setStatus("已记为发送，业主回复后继续在上方分析");
}

async function reviewDraft(report) {
  // against the conversation: which complaint-handling steps the checked reply still misses
  const block = $("review-block");
  if (!lastTurnIsResident() || draft.value !== report.text) { block.classList.add("hidden"); return; }
  const message = conversation[conversation.length - 1].text;
  try {
    const advice = await postAssist({ message, history: conversation.slice(0, -1), customer_name: customerName(), draft: report.text });
    const review = advice.draft_review;
    if (!review || draft.value !== report.text) return;
    const missing = $("review-missing");
    missing.dataset.steps = review.missing_steps.map((s) => s.id).join(" ");
    missing.replaceChildren(review.missing_steps.length
      ? el("ul", { class: "steps" }, review.missing_steps.map((s) => el("li", { class: s.group, title: s.meaning, text: s.name })))
      : el("span", { class: "positives", text: "步骤都做到了" }));
    $("review-advice").replaceChildren(...review.advice.map((a) => el("li", { text: a })));
    block.classList.remove("hidden");
  } catch (e) { block.classList.add("hidden"); }
}

function newConversation() {
  conversation.length = 0;
  lastAdvice = null;
  renderConversation();
  $("assist-result").classList.add("hidden");
  $("review-block").classList.add("hidden");
  $("customer-name").value = "";
  setAssistStatus("已开始新的对话");
}

$("assist").addEventListener("click", assist);
$("new-conversation").addEventListener("click", newConversation);
$("mark-sent").addEventListener("click", markSent);
$("resident").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) assist(); });
document.addEventListener("huashu:checked", (e) => reviewDraft(e.detail));
