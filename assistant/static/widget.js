/*
 * 政策问答 widget — one script tag adds a floating button that opens the assistant's
 * compact chat (/embed/) in an iframe panel. Loads nothing from any other host.
 *
 *   <script src="https://assistant.example.gov.cn/widget.js" defer
 *           data-title="政策问答"            button and panel title
 *           data-position="right"           right | left (bottom corner)
 *           data-accent="#0b4f9c"           button colour (#rgb / #rrggbb)
 *           data-question="生态安全领域投资多少？"  optional: pre-filled question (?q=)
 *           data-open="false"></script>     true: open the panel on load
 */
(function () {
  "use strict";
  if (window.__linjiangAssistantWidget) return; // one widget per page
  window.__linjiangAssistantWidget = true;

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='widget.js']");
    return all[all.length - 1];
  })();
  if (!script) return;
  var data = script.dataset || {};
  var base = new URL(".", script.src); // the assistant's own address, whatever page embeds it
  var title = (data.title || "政策问答").slice(0, 20);
  var position = data.position === "left" ? "left" : "right";
  var accent = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(data.accent || "") ? data.accent : "#0b4f9c";
  var question = (data.question || "").slice(0, 500);

  // White or black text, whichever contrasts more with the accent colour.
  function textOn(hex) {
    var h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, "$&$&").slice(1) : hex.slice(1);
    var c = [0, 2, 4].map(function (i) {
      var v = parseInt(h.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) ? "#ffffff" : "#000000";
  }
  var fg = textOn(accent);

  var host = document.createElement("div");
  host.id = "linjiang-assistant-widget";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var side = position + ": 16px;";
  var style = document.createElement("style");
  style.textContent =
    ":host { all: initial; }" +
    ".launcher { position: fixed; bottom: 16px; " + side + " z-index: 2147483000; display: inline-flex; align-items: center; gap: 8px;" +
    " min-height: 52px; padding: 12px 20px; border: 2px solid " + fg + "; border-radius: 28px; cursor: pointer;" +
    " background: " + accent + "; color: " + fg + "; font: 600 20px/1.2 'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;" +
    " box-shadow: 0 4px 14px rgba(0,0,0,.3); }" +
    ".launcher:focus-visible { outline: 3px solid #000; outline-offset: 3px; box-shadow: 0 0 0 6px #fff; }" +
    ".launcher svg { width: 24px; height: 24px; fill: currentColor; }" +
    ".panel { position: fixed; bottom: 84px; " + side + " z-index: 2147483001; display: none; flex-direction: column;" +
    " width: min(420px, calc(100vw - 16px)); height: min(680px, calc(100vh - 100px)); background: #fff; color: #1a1a1a;" +
    " border: 1px solid #666; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.35); overflow: hidden; }" +
    ".panel.open { display: flex; }" +
    ".bar { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 8px 8px 8px 16px;" +
    " background: " + accent + "; color: " + fg + "; font: 600 20px/1.3 'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif; }" +
    ".bar h2 { margin: 0; font: inherit; }" +
    ".close { min-width: 48px; min-height: 44px; border: 2px solid " + fg + "; border-radius: 8px; background: transparent;" +
    " color: " + fg + "; font: 600 18px/1 'PingFang SC','Microsoft YaHei',sans-serif; cursor: pointer; }" +
    ".close:focus-visible { outline: 3px solid #000; outline-offset: 2px; }" +
    "iframe { flex: 1; width: 100%; border: 0; background: #fff; }" +
    "@media (max-width: 480px) { .panel { " + position + ": 8px; bottom: 76px; width: calc(100vw - 16px); height: calc(100vh - 90px); } }";

  var button = document.createElement("button");
  button.type = "button";
  button.className = "launcher";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "linjiang-assistant-panel");
  button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6v2h2v-2H7zm4 0v2h2v-2h-2zm4 0v2h2v-2h-2z"/></svg>';
  var label = document.createElement("span");
  label.textContent = title;
  button.appendChild(label);

  var panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "linjiang-assistant-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  var bar = document.createElement("div");
  bar.className = "bar";
  var heading = document.createElement("h2");
  heading.textContent = title;
  var close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.textContent = "关闭";
  close.setAttribute("aria-label", "关闭" + title);
  bar.appendChild(heading);
  bar.appendChild(close);
  panel.appendChild(bar);

  var frame = null;
  function ensureFrame() {
    if (frame) return;
    var src = new URL("embed/", base);
    if (question) src.searchParams.set("q", question);
    frame = document.createElement("iframe");
    frame.src = src.toString();
    frame.title = title + "对话窗口";
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    panel.appendChild(frame);
  }
  function setOpen(open) {
    if (open) ensureFrame();
    panel.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) close.focus(); else button.focus();
  }
  button.addEventListener("click", function () { setOpen(!panel.classList.contains("open")); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });

  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(button);
  function mount() {
    document.body.appendChild(host);
    if (data.open === "true") setOpen(true);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
