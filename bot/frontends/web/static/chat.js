// The web chat without a page reload: forms still work without this script (they post and
// the server redirects back); with it, only the messages that changed are swapped in.
(function () {
  "use strict";
  var busy = false;
  var notice = function () { return document.getElementById("notice"); };

  function merge(html) {
    var box = document.createElement("div");
    box.innerHTML = html;
    var fresh = box.querySelector("#log");
    var log = document.getElementById("log");
    if (!fresh || !log) { return null; }
    var keep = {};
    var first = null;
    Array.prototype.forEach.call(fresh.children, function (item) {
      keep[item.id] = true;
      var old = document.getElementById(item.id);
      if (!old) {
        log.appendChild(item.cloneNode(true));
        if (!first && item.classList.contains("bot")) { first = item.id; }
      } else if (old.innerHTML !== item.innerHTML) {
        old.replaceWith(item.cloneNode(true));
      }
    });
    Array.prototype.slice.call(log.children).forEach(function (item) {
      if (!keep[item.id]) { item.remove(); }
    });
    var said = box.querySelector("#notice");
    notice().textContent = said ? said.textContent : "";
    return first;
  }

  function send(form, submitter) {
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    var pressed = submitter && submitter.name === "data" ? submitter.value : null;
    var holder = form.closest("li");
    busy = true;
    document.body.setAttribute("aria-busy", "true");
    notice().textContent = document.documentElement.dataset.working || "…";
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var first = merge(html);
      var input = document.getElementById("q");
      if (form.id === "ask") { input.value = ""; }
      var again = holder && pressed !== null && document.getElementById(holder.id);
      var same = again && again.querySelector('button[name="data"][value="' + CSS.escape(pressed) + '"]');
      if (first) {
        var item = document.getElementById(first);
        item.classList.add("fresh");
        // A screen reader reads the new answer while focus stays in the question box.
        var announce = document.getElementById("announce");
        if (announce) { announce.textContent = item.querySelector(".text").textContent; }
        item.scrollIntoView({ block: "start" });
        if (form.id === "ask") { input.focus({ preventScroll: true }); }
        else { item.setAttribute("tabindex", "-1"); item.focus({ preventScroll: true }); }
      } else if (same) {
        same.focus();
      } else if (form.id === "ask") {
        input.focus();
      }
    }).catch(function () {
      notice().textContent = document.documentElement.dataset.offline || "!";
    }).finally(function () {
      busy = false;
      document.body.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!window.fetch || !form.matches('form[action="/gui"]')) { return; }
    event.preventDefault();
    if (!busy) { send(form, event.submitter); }
  });

  var last = document.querySelector("#log > li:last-child");
  if (last && !location.hash) { last.scrollIntoView({ block: "end" }); }
})();
