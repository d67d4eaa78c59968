/* The add-in's side of nianbao serve's JSON API, and where the server's address is kept.
 *
 * The address is the user's setting only: kept in the add-in's own storage (the page's
 * localStorage, or WPS's PluginStorage where there is none), never in a workbook and never taken
 * from a server's answer.  Without a setting the add-in uses the server it was loaded from (the
 * URL before /wps/).  Requests go through XMLHttpRequest (what WPS's Chromium has had longest),
 * each with a timeout; every failure becomes one Chinese Problem naming the server. */
(function (root, factory) {
  var text = typeof module === "object" && module.exports ? require("./text.js") : root.NianbaoText;
  var made = factory(text);
  if (typeof module === "object" && module.exports) { module.exports = made; }
  else { root.NianbaoClient = made; }
})(typeof self !== "undefined" ? self : this, function (T) {
  "use strict";

  var KEY = "nianbao.server";
  var XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  // seconds to wait for an answer: a check takes well under a second on the server; the rest is
  // the upload over an office network
  var TIMEOUTS = { check: 120, report: 180, nextYear: 120, ping: 10 };
  var ADDRESS = /^(https?:\/\/[^\s\/?#@\\]+)(\/[^\s?#\\]*)?$/i;
  var UNSAFE_NAME = /[\\\/:*?"<>|\x00-\x1F]/;

  // -- the address ------------------------------------------------------------------------------
  /* "http://host:8000/nianbao/" → "http://host:8000/nianbao"; null when it is not an address
   * this add-in will talk to (http or https, no user name, no query or fragment). */
  function normalise(input) {
    var s = String(input === undefined || input === null ? "" : input).trim();
    var m = ADDRESS.exec(s);
    if (!m) { return null; }
    return (m[1] + (m[2] || "")).replace(/\/+$/, "");
  }

  /* The server the add-in was loaded from: the page's URL before /wps/ (http or https only). */
  function home(href) {
    var s = String(href || "");
    var at = s.lastIndexOf("/wps/");
    if (!/^https?:\/\//i.test(s) || at < 0) { return null; }
    return normalise(s.slice(0, at));
  }

  function Settings(storage, href) {
    this.storage = storage;
    this.href = href;
  }

  Settings.prototype.stored = function () {
    var v = null;
    try { v = this.storage ? this.storage.getItem(KEY) : null; } catch (e) { v = null; }
    return normalise(v);
  };

  Settings.prototype.home = function () { return home(this.href); };

  /* The address to use: the user's, else the add-in's own server; null when there is neither. */
  Settings.prototype.server = function () { return this.stored() || this.home(); };

  /* Keep ``input`` (returns the address kept), or forget the setting when it is blank.  Throws
   * a Problem when it is not an address. */
  Settings.prototype.save = function (input) {
    if (String(input || "").trim() === "") {
      this.storage.removeItem(KEY);
      return null;
    }
    var address = normalise(input);
    if (!address) { throw new T.Problem("wps.settings.invalid"); }
    this.storage.setItem(KEY, address);
    return address;
  };

  // -- talking to the server ----------------------------------------------------------------------
  function decode(buffer) {
    return new TextDecoder("utf-8").decode(buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : buffer);
  }

  function Client(server, options) {
    options = options || {};
    this.server = server;
    this.createXHR = options.createXHR || function () { return new XMLHttpRequest(); };
    this.timeouts = options.timeouts || TIMEOUTS;
  }

  /* One request; resolves {status, header(name), body: ArrayBuffer} for any HTTP answer, rejects
   * with a Problem when there is none (unreachable, timed out). */
  Client.prototype.send = function (method, path, body, seconds) {
    var server = this.server, xhr = this.createXHR();
    return new Promise(function (resolve, reject) {
      var done = false;
      function fail(key) {
        if (done) { return; }
        done = true;
        reject(new T.Problem(key, { server: server, seconds: seconds }));
      }
      xhr.onload = function () {
        if (done) { return; }
        done = true;
        if (!xhr.status) { reject(new T.Problem("wps.unreachable", { server: server })); return; }
        resolve({ status: xhr.status, body: xhr.response,
                  header: function (name) { return xhr.getResponseHeader(name); } });
      };
      xhr.onerror = function () { fail("wps.unreachable"); };
      xhr.onabort = function () { fail("wps.unreachable"); };
      xhr.ontimeout = function () { fail("wps.timeout"); };
      try {
        xhr.open(method, server + path, true);
        xhr.responseType = "arraybuffer";
        xhr.timeout = seconds * 1000;
        xhr.send(body === undefined ? null : body);
      } catch (e) {
        fail("wps.unreachable");
      }
    });
  };

  /* The answer's JSON, or a Problem saying the answer is not one of nianbao's. */
  function json(answer) {
    var kind = String(answer.header("Content-Type") || "");
    if (kind.indexOf("json") < 0) { throw new T.Problem("wps.bad_answer", { detail: kind || "?" }); }
    try { return JSON.parse(decode(answer.body)); } catch (e) {
      throw new T.Problem("wps.bad_answer", { detail: "JSON" });
    }
  }

  /* An HTTP error as the server worded it ({"error", "message"}), or its status alone. */
  function refused(answer) {
    var message = null;
    try {
      var body = json(answer);
      if (body && typeof body.message === "string") { message = body.message; }
    } catch (e) { message = null; }
    return message === null ? new T.Problem("wps.server_error_plain", { status: answer.status })
      : new T.Problem("wps.server_error", { status: answer.status, message: message });
  }

  function form(bytes, name, force) {
    var data = new FormData();
    data.append("file", new Blob([bytes], { type: XLSX }), name);
    if (force) { data.append("force", "1"); }  // the clerk chose to publish despite the refusal
    return data;
  }

  /* A check's result (what ``nianbao check --json`` prints for the file, with "plan" and
   * "painting"; "painting" is null when the file is not a readable nianbao workbook). */
  function checked(body) {
    if (!body || typeof body !== "object" || !Array.isArray(body.findings)) {
      throw new T.Problem("wps.bad_answer", { detail: "findings" });
    }
    return body;
  }

  Client.prototype.check = function (bytes, name) {
    return this.send("POST", "/api/check", form(bytes, name), this.timeouts.check)
      .then(function (answer) {
        if (answer.status !== 200) { throw refused(answer); }
        return checked(json(answer));
      });
  };

  /* 生成报告 (``force``: publish despite what the check found, where the core allows it):
   * {docx: ArrayBuffer, notes: [...]} or {refused: the check's result} (409). */
  Client.prototype.report = function (bytes, name, force) {
    return this.send("POST", "/api/report", form(bytes, name, force), this.timeouts.report)
      .then(function (answer) {
        if (answer.status === 409) { return { refused: checked(json(answer)) }; }
        if (answer.status !== 200) { throw refused(answer); }
        var notes = answer.header("X-Nianbao-Notes");
        var list = [];
        if (notes) {
          try { list = decodeURIComponent(notes).split("\n").filter(Boolean); } catch (e) { list = []; }
        }
        return { docx: answer.body, notes: list };
      });
  };

  /* 导入上年: {workbook: ArrayBuffer, name: the server's file name when it is a plain .xlsx name}. */
  Client.prototype.nextYear = function (bytes, name) {
    return this.send("POST", "/api/next-year", form(bytes, name), this.timeouts.nextYear)
      .then(function (answer) {
        if (answer.status !== 200) { throw refused(answer); }
        return { workbook: answer.body, name: attachmentName(answer.header("Content-Disposition"), ".xlsx") };
      });
  };

  /* 检查连接: resolves {version} when the address answers as a nianbao server. */
  Client.prototype.ping = function () {
    var server = this.server;
    return this.send("GET", "/openapi.json", undefined, this.timeouts.ping).then(function (answer) {
      if (answer.status !== 200) { throw new T.Problem("wps.settings.not_nianbao", { server: server }); }
      var body;
      try { body = json(answer); } catch (e) {
        throw new T.Problem("wps.settings.not_nianbao", { server: server });
      }
      var info = body && body.info, paths = body && body.paths;
      if (!info || String(info.title).indexOf("nianbao") !== 0 || !paths || !paths["/api/check"]) {
        throw new T.Problem("wps.settings.not_nianbao", { server: server });
      }
      return { version: String(info.version || "") };
    });
  };

  /* The file name of a Content-Disposition header, when it is a plain name ending in ``ext``
   * (no folder, nothing a file system treats specially); null otherwise. */
  function attachmentName(header, ext) {
    var h = String(header || ""), name = null;
    var star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(h);
    if (star) {
      try { name = decodeURIComponent(star[1].trim()); } catch (e) { name = null; }
    } else {
      var plain = /filename\s*=\s*"([^"]*)"/i.exec(h);
      name = plain ? plain[1] : null;
    }
    if (!name || UNSAFE_NAME.test(name) || name.charAt(0) === "." || name.length > 120
        || name.slice(-ext.length).toLowerCase() !== ext) { return null; }
    return name;
  }

  return { Settings: Settings, Client: Client, normalise: normalise, home: home,
           attachmentName: attachmentName, KEY: KEY, TIMEOUTS: TIMEOUTS };
});
