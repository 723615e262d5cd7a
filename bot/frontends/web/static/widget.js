// The portal widget: one line on the portal's page adds a button that opens the web chat.
//   <script src="https://CHAT-ADDRESS/static/widget.js" async></script>
// Optional attributes on that tag: data-thu-tuc="<procedure id>" opens that procedure's card,
// data-nhan="<label>" changes the button's text.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL("/", script.src);
  var entry = script.getAttribute("data-thu-tuc");
  var link = document.createElement("a");
  link.href = entry ? new URL("/?thu-tuc=" + encodeURIComponent(entry), base).href : base.href;
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = script.getAttribute("data-nhan") || "💬 Hỏi trợ lý thủ tục";
  link.setAttribute("aria-label", link.textContent + " (mở thẻ mới)");
  var s = link.style;
  s.position = "fixed"; s.right = "16px"; s.bottom = "16px"; s.zIndex = "2147483000";
  s.background = "#a0141e"; s.color = "#fff"; s.padding = "12px 18px"; s.borderRadius = "24px";
  s.font = "600 16px/1.3 system-ui, Arial, sans-serif"; s.textDecoration = "none";
  s.boxShadow = "0 2px 8px rgba(0,0,0,.3)"; s.minHeight = "44px";
  link.addEventListener("focus", function () { s.outline = "3px solid #0b57d0"; });
  link.addEventListener("blur", function () { s.outline = ""; });
  (document.body || document.documentElement).appendChild(link);
})();
