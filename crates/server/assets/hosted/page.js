// The hosted giveaway page's script: everything here is an extra; the page works without it.
// Local times and a live countdown, country names, copy and dismiss buttons, the page view
// (through the public view endpoint), and, inside the embed widget's iframe, the page's height.
(function () {
  "use strict";
  var page = document.getElementById("fd-page");
  if (!page) return;
  var lang = document.documentElement.lang || "en";

  // Times in the visitor's own time zone.
  var fmt;
  try { fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }); } catch (e) { fmt = null; }
  document.querySelectorAll("[data-fd-local]").forEach(function (el) {
    var ms = Number(el.getAttribute("data-fd-local"));
    if (fmt && ms) {
      var d = new Date(ms);
      el.setAttribute("datetime", d.toISOString());
      el.textContent = fmt.format(d);
    }
  });

  // Countdowns to the start or the end.
  var clocks = Array.prototype.slice.call(document.querySelectorAll("[data-fd-countdown]"));
  function two(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    var now = Date.now();
    clocks.forEach(function (el) {
      var left = Math.max(0, Math.floor((Number(el.getAttribute("data-fd-countdown")) - now) / 1000));
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      el.textContent = (d > 0 ? d + "d " : "") + two(h) + ":" + two(m) + ":" + two(s);
    });
  }
  if (clocks.length) { tick(); setInterval(tick, 1000); }

  // Country codes as names in the page's language.
  if (window.Intl && Intl.DisplayNames) {
    try {
      var names = new Intl.DisplayNames([lang], { type: "region" });
      document.querySelectorAll("#fd-country option[value]").forEach(function (o) {
        if (o.value) o.textContent = names.of(o.value) || o.value;
      });
    } catch (e) { /* the codes stay */ }
  }

  // Copy the referral link.
  document.querySelectorAll("[data-fd-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-fd-copy"));
      if (!input) return;
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(function () {});
      else document.execCommand && document.execCommand("copy");
    });
  });

  // The cookie notice, once dismissed, stays away.
  document.querySelectorAll("[data-fd-dismiss]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-fd-dismiss"));
    var key = "fd-dismissed-" + button.getAttribute("data-fd-dismiss");
    try { if (localStorage.getItem(key)) box.hidden = true; } catch (e) {}
    button.addEventListener("click", function () {
      box.hidden = true;
      try { localStorage.setItem(key, "1"); } catch (e) {}
      report();
    });
  });

  // A link to the rules opens them.
  document.querySelectorAll('a[href="#fd-rules"]').forEach(function (a) {
    a.addEventListener("click", function () {
      var d = document.querySelector("#fd-rules details");
      if (d) d.open = true;
    });
  });

  // One click, one post.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var b = form.querySelector("button[type=submit]");
      if (b) setTimeout(function () { b.disabled = true; }, 0);
    });
  });

  // Move focus to what the last post said, so keyboard and screen-reader users hear it.
  var said = document.getElementById("fd-error-summary") || document.querySelector(".fd-err[role=alert]") ||
    document.getElementById("fd-form-error") || document.getElementById("fd-notice");
  var firstInvalid = document.querySelector("[aria-invalid=true]");
  if (firstInvalid) firstInvalid.focus();
  else if (said) { said.setAttribute("tabindex", "-1"); said.focus(); }

  // The page view, once per load, through the public view endpoint.
  var id = page.getAttribute("data-giveaway");
  var visitor;
  try {
    visitor = localStorage.getItem("fd-visitor");
    if (!visitor) {
      visitor = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
      localStorage.setItem("fd-visitor", visitor);
    }
  } catch (e) { visitor = undefined; }
  var referrer = document.referrer;
  try { if (window.parent !== window && !referrer) referrer = undefined; } catch (e) {}
  if (id && window.fetch && !/[?&]done=/.test(location.search)) {
    fetch("/api/public/giveaways/" + id + "/views", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ referrer: referrer || undefined, visitor_id: visitor }),
      keepalive: true,
      credentials: "omit"
    }).catch(function () {});
  }

  // Inside the widget's iframe: tell the embedding page how tall we are.
  function report() {
    if (window.parent === window) return;
    var height = Math.ceil(page.getBoundingClientRect().height);
    window.parent.postMessage({ type: "fairdraw:height", key: page.getAttribute("data-key"), height: height }, "*");
  }
  if (window.parent !== window) {
    document.documentElement.className += " fd-framed";
    report();
    window.addEventListener("load", report);
    if (window.ResizeObserver) new ResizeObserver(report).observe(page);
    if (location.hash) window.parent.postMessage({ type: "fairdraw:scroll", key: page.getAttribute("data-key") }, "*");
  }
})();
