/* The 年报 tab's buttons (ribbon.xml names these functions) — each a thin client of nianbao serve:
 *
 *  校验      a copy of the open workbook (never the workbook itself) to /api/check; the painting
 *            steps of the answer carried out (js/painter.js); its one message shown;
 *  生成报告  the copy to /api/report; refused (409): painted as 校验 paints, and the server's
 *            refusal text shown (what stops publication, as the core words it); otherwise the .docx written beside the workbook under a free name and
 *            opened in WPS 文字;
 *  导入上年  a file the clerk picks to /api/next-year; this year's workbook written beside it
 *            under a free name and opened;
 *  设置      the settings page in a task pane.
 *
 * Whatever goes wrong ends in one Chinese message (a Problem) and, before painting, leaves the
 * workbook as it was.  Nothing from a workbook or from the server is run: the server's answer
 * is data the painter checks, step by step. */
(function (root, factory) {
  var node = typeof module === "object" && module.exports;
  var deps = node
    ? [require("./text.js"), require("./painter.js"), require("./client.js"), require("./host.js")]
    : [root.NianbaoText, root.NianbaoPainter, root.NianbaoClient, root.NianbaoHost];
  var made = factory.apply(null, deps);
  if (node) { module.exports = made; return; }
  root.NianbaoAddin = made;
  // the callbacks ribbon.xml names: one instance over WPS's own objects
  var addin = null;
  function instance() {
    if (!addin) {
      var app = root.Application || root.wps;
      var storage = null;
      try { storage = root.localStorage; } catch (e) { storage = null; }
      addin = new made.Addin({ app: app, storage: storage || (app && app.PluginStorage),
                               href: root.location && root.location.href,
                               alert: function (text) { root.alert(text); },
                               confirm: function (text) { return root.confirm(text); } });
    }
    return addin;
  }
  root.NianbaoRibbonLoad = function (ribbonUI) { return true; };
  root.NianbaoImage = function (control) { return made.image(control); };
  root.NianbaoCheck = function () { instance().check(); return true; };
  root.NianbaoReport = function () { instance().report(); return true; };
  root.NianbaoNextYear = function () { instance().nextYear(); return true; };
  root.NianbaoSettings = function () { instance().settings(); return true; };
})(typeof self !== "undefined" ? self : this, function (T, Painter, Net, Host) {
  "use strict";

  var PANE = "nianbao.settings_pane";

  /* env: {app, storage, href, alert(text), confirm(text) → true to go on, createXHR (tests)} */
  function Addin(env) {
    this.app = env.app;
    this.settingsStore = new Net.Settings(env.storage, env.href);
    this.href = env.href || "";
    this.say = env.alert;
    this.ask = env.confirm || function () { return false; };
    this.createXHR = env.createXHR;
    this.busy = false;
  }

  Addin.prototype.client = function () {
    var server = this.settingsStore.server();
    if (!server) { throw new T.Problem("wps.no_server"); }
    return new Net.Client(server, { createXHR: this.createXHR });
  };

  /* Run one button's work: one at a time, and every outcome told in one message.  Returns the
   * promise of the message shown (for tests). */
  Addin.prototype.run = function (work) {
    var self = this;
    if (this.busy) {
      var text = T.say("wps.busy");
      this.say(text);
      return Promise.resolve(text);
    }
    this.busy = true;
    return Promise.resolve().then(work).then(function (text) {
      return text;
    }, function (e) {
      return e instanceof T.Problem ? e.message : T.say("wps.internal", { detail: String(e && e.message || e) });
    }).then(function (text) {
      self.busy = false;
      if (text) { self.say(text); }
      return text;
    });
  };

  /* The painting of a check's result into ``book``; a Problem when the file was not a readable
   * nianbao workbook (the server's finding says why). */
  function paint(book, result) {
    if (!result.painting) {
      var first = result.findings[0];
      throw new T.Problem("addin.unreadable",
                          { message: first && typeof first.message === "string" ? first.message : "" });
    }
    Painter.paint(book, result.painting);
    return result.painting;
  }

  Addin.prototype.check = function () {
    var self = this;
    return this.run(function () {
      var book = Host.savedWorkbook(self.app, T.say("addin.button.validate"));
      var client = self.client();
      var bytes = Host.copyOf(self.app, book);
      return client.check(bytes, String(book.Name)).then(function (result) {
        return paint(book, result).message;
      });
    });
  };

  /* 「有 3 处错误，未生成年报。请先改正：…」 — the server's refusal, as the core words it for
   * every door (the errors and tables left wholly blank that stop publication); the add-in
   * never counts them itself. */
  function refusal(result) {
    var r = result.refusal;
    if (!r || typeof r.text !== "string" || !r.text) {
      throw new T.Problem("wps.bad_answer", { detail: "refusal" });
    }
    return r.text;
  }

  Addin.prototype.report = function () {
    var self = this, app = this.app;
    return this.run(function () {
      var book = Host.savedWorkbook(app, T.say("addin.button.report"));
      var client = self.client();
      var bytes = Host.copyOf(app, book);
      var name = String(book.Name);

      /* the .docx beside the workbook under a free name, opened in WPS 文字 */
      function written(answer, lead) {
        var path = Host.freePath(app, String(book.Path), Host.stem(name) + ".docx");
        Host.writeFile(app, path, answer.docx);
        var text = lead + T.say("wps.report_written", { file: path });
        try { app.OAAssist.ShellExecute(path); } catch (e) {
          text = lead + T.say("wps.open_failed", { file: path, detail: String(e && e.message || e) });
        }
        if (answer.notes.length) { text += "\n" + T.say("wps.report_notes", { notes: answer.notes.join("；") }); }
        return text;
      }

      return client.report(bytes, name).then(function (answer) {
        if (!answer.refused) { return written(answer, ""); }
        var text = refusal(answer.refused);  // checked before anything is painted
        paint(book, answer.refused);
        // where the core allows it (as 「有错误也生成」 on the web page, and --force), the clerk
        // may publish anyway: asked with the server's refusal in the core's own words
        if (!answer.refused.refusal.forcible || !self.ask(text + "\n\n" + T.say("wps.force_ask"))) {
          return text;
        }
        return client.report(bytes, name, true).then(function (forced) {
          return forced.refused ? refusal(forced.refused) : written(forced, T.say("wps.report_forced"));
        });
      });
    });
  };

  Addin.prototype.nextYear = function () {
    var self = this, app = this.app;
    return this.run(function () {
      var client = self.client();
      var last = Host.pick(app);
      if (!last) { return ""; }  // cancelled: nothing to say
      var bytes = Host.readFile(app, last);
      return client.nextYear(bytes, Host.baseName(last)).then(function (answer) {
        var path = Host.freePath(app, Host.folderOf(last), answer.name || T.say("wps.next_year_default"));
        Host.writeFile(app, path, answer.workbook);
        try { app.Workbooks.Open(path); } catch (e) {
          return T.say("wps.open_failed", { file: path, detail: String(e && e.message || e) });
        }
        return T.say("wps.next_year_done", { file: path });
      });
    });
  };

  /* 设置: the settings page in a task pane (one pane, shown again when it exists). */
  Addin.prototype.settings = function () {
    var app = this.app, storage = app.PluginStorage, pane = null;
    try {
      var id = storage.getItem(PANE);
      pane = id ? app.GetTaskPane(Number(id)) : null;
      if (!pane) {
        pane = app.CreateTaskPane(settingsUrl(this.href), T.say("wps.settings.title"));
        storage.setItem(PANE, String(pane.ID));
      }
      pane.Visible = true;
    } catch (e) {
      this.say(T.say("wps.internal", { detail: String(e && e.message || e) }));
    }
    return pane;
  };

  function settingsUrl(href) {
    var s = String(href || "");
    return s.slice(0, s.lastIndexOf("/") + 1) + "settings.html";
  }

  function image(control) {
    var id = control && (control.Id || control.id);
    return "images/" + String(id || "check").replace(/[^a-z_]/g, "") + ".svg";
  }

  return { Addin: Addin, image: image, refusal: refusal };
});
