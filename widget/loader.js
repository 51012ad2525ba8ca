// Kizuna's loader: the whole widget is this one classic <script async> file. It reads its
// settings from the tag's data-* attributes, loads widget.wasm from beside itself, and
// starts it. Nothing here or in the wasm may throw into the host page.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__kizunaLoaded) return; // a second copy of the tag does nothing
  window.__kizunaLoaded = true;
  var channel = script.getAttribute("data-channel");
  // The JS API: Kizuna('boot', {memberId, memberHash, profile}), Kizuna('track', name,
  // properties), Kizuna('updateUser', {profile}), Kizuna('showCampaign', campaignId),
  // Kizuna('shutdown').
  // Calls made before the widget is ready wait in the stub's queue, in order (a site may
  // install the same stub itself, before this tag, to call Kizuna right away).
  if (typeof window.Kizuna !== "function") {
    window.Kizuna = function () {
      (window.Kizuna.q = window.Kizuna.q || []).push(arguments);
    };
  }
  var base = script.src.replace(/\/widget\.js([?#].*)?$/, "");
  /* wasm-bindgen glue goes here */
  if (!channel) {
    console.warn("Kizuna: add data-channel=\"YOUR_CHANNEL\" to the widget's script tag");
    return;
  }
  // Calls the widget's export `name`, never throwing into the page.
  function widget(name) {
    return function () {
      try {
        wasm_bindgen[name]();
      } catch (error) {
        console.warn("Kizuna:", error);
      }
    };
  }
  // Single-page apps change the URL without loading a page: every pushState,
  // replaceState, back/forward and hash change is reported; the widget drops repeats of
  // the URL it reported last and names that URL as the new view's referrer. Undelivered events go out as beacons when the page goes
  // away, and again when the browser is back online or the page returns from the
  // back/forward cache. The widget asks for new messages only while the page is visible.
  function watchPage() {
    var navigated = widget("navigated");
    ["pushState", "replaceState"].forEach(function (name) {
      var original = history[name];
      if (typeof original !== "function") return;
      history[name] = function () {
        var result = original.apply(this, arguments);
        navigated();
        return result;
      };
    });
    addEventListener("popstate", navigated);
    addEventListener("hashchange", navigated);
    addEventListener("pagehide", widget("leave"));
    addEventListener("online", widget("online"));
    document.addEventListener("visibilitychange", widget("visibility"));
    addEventListener("pageshow", function (event) {
      if (event.persisted) widget("online")();
    });
  }
  wasm_bindgen({ module_or_path: base + "/widget.wasm" })
    .then(function () {
      var queued = window.Kizuna.q || [];
      window.Kizuna = function (command, first, second) {
        try {
          wasm_bindgen.command(String(command), first, second);
        } catch (error) {
          console.warn("Kizuna:", error);
        }
      };
      wasm_bindgen.start(channel, base, Array.prototype.slice.call(queued));
      watchPage();
    })
    .catch(function (error) {
      console.warn("Kizuna: the widget did not start", error);
    });
})();
