// The WeCom chat toolbar (聊天工具栏): the checker page plus "send to this chat".
// Inside WeCom (its user agent says wxwork) the WeCom JS-SDK is loaded and registered with the
// signature from /wecom/jsapi-config; anywhere else the page says there is no WeCom bridge and
// offers copy instead. Sending is allowed once the current text has been checked and not blocked.
"use strict";

const WECOM_SDK = "https://wwcdn.weixin.qq.com/node/open/js/wecom-jssdk-2.0.2.js";
const sendButton = document.getElementById("send");
const bridge = document.getElementById("bridge");
let bridgeReady = false;

function noBridge(reason) {
  bridgeReady = false;
  sendButton.disabled = true;
  bridge.textContent = reason + "检查后可点“复制”，再到聊天窗口粘贴发送。";
}

function canSend() {
  return bridgeReady && last && last.text === draft.value && last.verdict !== "block";
}

function refreshSend() { sendButton.disabled = !canSend(); }

function registerWecom() {
  const script = document.createElement("script");
  script.src = WECOM_SDK;
  script.onerror = () => noBridge("企业微信 JS-SDK 加载失败。");
  script.onload = async () => {
    try {
      const params = new URLSearchParams({ url: location.href.split("#")[0] });
      const res = await fetch("/wecom/jsapi-config?" + params);
      if (!res.ok) { noBridge("服务端未配置企业微信应用。"); return; }
      const config = await res.json();
      window.ww.register({
        corpId: config.corpid,
        agentId: config.agentid,
        jsApiList: config.jsApiList,
        getAgentConfigSignature: () => ({ timestamp: config.timestamp, nonceStr: config.nonceStr, signature: config.signature }),
      });
      bridgeReady = true;
      bridge.textContent = "已连接企业微信：检查通过后可直接发送到当前会话。";
      refreshSend();
    } catch (e) {
      noBridge("企业微信连接失败。");
    }
  };
  document.head.append(script);
}

sendButton.addEventListener("click", async () => {
  if (!canSend()) { setStatus("请先检查，未被拦截的回复才能发送"); return; }
  try {
    await window.ww.sendChatMessage({ msgtype: "text", text: { content: draft.value } });
    setStatus("已发送");
  } catch (e) {
    setStatus("发送失败，请复制后手动发送");
  }
});

new MutationObserver(refreshSend).observe(document.getElementById("verdict"), { attributes: true, childList: true });
draft.addEventListener("input", refreshSend);

if (/wxwork/i.test(navigator.userAgent)) {
  bridge.textContent = "正在连接企业微信…";
  registerWecom();
} else {
  noBridge("未检测到企业微信环境（请在企业微信的聊天工具栏中打开本页）。");
}
