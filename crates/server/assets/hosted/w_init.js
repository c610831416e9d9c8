// Fairdraw's embed widget, for the documented embed code:
//   <div id="{id}-{slug}" class="sw_container"></div><script src="…/w/j/w_init.js"></script>
// Mounts every div.sw_container as an iframe of its giveaway's page, which reports its height
// with postMessage so the frame fits its content. Safe to include once per widget.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = window.__fairdrawBase || (script && script.src ? new URL(script.src, location.href).origin : location.origin);
  window.__fairdrawBase = base;

  function mount(div) {
    if (div.getAttribute("data-fd-mounted")) return;
    var key = div.id;
    if (!/^[0-9]+(-[A-Za-z0-9-]+)?$/.test(key)) return;
    div.setAttribute("data-fd-mounted", "1");
    var params = new URLSearchParams(location.search);
    var src = base + "/view/" + key;
    var ref = params.get("ref");
    if (ref && /^[A-Za-z0-9]{1,64}$/.test(ref)) src += "?ref=" + ref;
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = div.getAttribute("data-title") || "Giveaway";
    frame.setAttribute("scrolling", "no");
    frame.setAttribute("allow", "clipboard-write");
    frame.style.cssText = "display:block;width:100%;max-width:100%;height:640px;border:0;overflow:hidden;background:transparent";
    frame.setAttribute("data-fd-key", key);
    div.appendChild(frame);
  }

  function mountAll() {
    var found = document.querySelectorAll("div.sw_container");
    for (var i = 0; i < found.length; i++) mount(found[i]);
  }

  if (!window.__fairdrawListening) {
    window.__fairdrawListening = true;
    window.addEventListener("message", function (event) {
      if (event.origin !== base) return;
      var data = event.data;
      if (!data || typeof data !== "object") return;
      var frames = document.querySelectorAll("iframe[data-fd-key]");
      for (var i = 0; i < frames.length; i++) {
        if (frames[i].contentWindow !== event.source) continue;
        if (data.type === "fairdraw:height" && typeof data.height === "number" && data.height > 0) {
          frames[i].style.height = Math.min(Math.ceil(data.height), 20000) + "px";
        } else if (data.type === "fairdraw:scroll") {
          frames[i].scrollIntoView({ block: "start" });
        }
      }
    });
  }

  mountAll();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
})();
