/* The settings page (settings.html, shown in a WPS task pane by 「设置」): the server's address,
 * kept in the add-in's own storage (js/client.js Settings), and a connection check.  Every text
 * on the page comes from js/messages.js (nianbao's message catalogue). */
(function (root, factory) {
  var node = typeof module === "object" && module.exports;
  var made = node ? factory(require("./text.js"), require("./client.js"))
    : factory(root.NianbaoText, root.NianbaoClient);
  if (node) { module.exports = made; return; }
  root.NianbaoSettingsPage = made;
  root.addEventListener("DOMContentLoaded", function () {
    var storage = null;
    try { storage = root.localStorage; } catch (e) { storage = null; }
    var app = root.Application || root.wps;
    made.start(root.document, { storage: storage || (app && app.PluginStorage),
                                href: root.location.href });
  });
})(typeof self !== "undefined" ? self : this, function (T, Net) {
  "use strict";

  // what a failed connection check says on this page (the buttons' messages speak of a workbook)
  var ON_THIS_PAGE = { "wps.unreachable": "wps.settings.unreachable",
                       "wps.timeout": "wps.settings.timeout" };

  /* env: {storage, href, createXHR (tests)}.  Returns the page's handlers (for tests). */
  function start(doc, env) {
    var settings = new Net.Settings(env.storage, env.href);
    var input = doc.getElementById("server"), status = doc.getElementById("status");
    var current = doc.getElementById("current"), test = doc.getElementById("test");
    Array.prototype.forEach.call(doc.querySelectorAll("[data-msg]"), function (el) {
      el.textContent = T.say(el.getAttribute("data-msg"));
    });
    doc.title = T.say("wps.settings.title");
    input.value = settings.stored() || "";
    input.placeholder = settings.home() || "http://192.168.1.10:8000";

    function show(text, kind) {
      status.textContent = text;
      status.className = kind || "";
    }

    function showCurrent() {
      var server = settings.server();
      current.textContent = server ? T.say("wps.settings.current", { server: server })
        : T.say("wps.settings.none");
    }

    function save(event) {
      if (event) { event.preventDefault(); }
      try {
        var kept = settings.save(input.value);
        input.value = kept || "";
        var server = settings.server();
        if (kept) { show(T.say("wps.settings.saved", { server: kept }), "ok"); }
        else if (server) { show(T.say("wps.settings.reset", { server: server }), "ok"); }
        else { show(T.say("wps.settings.none"), "bad"); }
      } catch (e) {
        show(e instanceof T.Problem ? e.message : String(e), "bad");
      }
      showCurrent();
    }

    /* Check the address typed (or, when blank, the one in use) without keeping it. */
    function check() {
      var typed = input.value.trim();
      var server = typed ? Net.normalise(typed) : settings.server();
      if (!server) {
        show(T.say(typed ? "wps.settings.invalid" : "wps.settings.none"), "bad");
        return Promise.resolve(false);
      }
      show(T.say("wps.settings.checking", { server: server }), "busy");
      test.disabled = true;
      return new Net.Client(server, { createXHR: env.createXHR }).ping().then(function (info) {
        show(T.say("wps.settings.ok", { server: server, version: info.version }), "ok");
        return true;
      }, function (e) {
        var text = e instanceof T.Problem
          ? (ON_THIS_PAGE[e.key] ? T.say(ON_THIS_PAGE[e.key], e.args) : e.message) : String(e);
        show(text, "bad");
        return false;
      }).then(function (ok) {
        test.disabled = false;
        return ok;
      });
    }

    doc.getElementById("settings").addEventListener("submit", save);
    test.addEventListener("click", check);
    showCurrent();
    return { save: save, check: check };
  }

  return { start: start };
});
