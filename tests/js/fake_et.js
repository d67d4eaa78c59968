/* A recording fake of the WPS 表格 (et) object model — the part the add-in uses — for tests in node
 * and in Chromium.  No WPS can be installed where the tests run; this fake follows the et typings
 * (npm et-jsapi-declare: Application, Workbook, Worksheets, Worksheet, Range, Interior,
 * Hyperlinks, Protection) and Excel's documented behaviour where the add-in depends on it:
 *
 *  - Value2 takes a value or a 2-D array; a string is *entered* as a user would type it: 「'…」
 *    is text (the apostrophe is not kept), 「=…」 becomes a formula, 「12」 a number — so a test
 *    sees whether the add-in wrote literals;
 *  - Interior.Color is BGR (red in the low byte); ColorIndex = -4142 removes the fill;
 *  - a protected sheet refuses every change; Unprotect needs its password;
 *  - Hyperlinks.Add puts TextToDisplay into the anchor cell.
 *
 * Every call and property assignment is recorded in app.log; app.state() is the workbook as
 * data, to compare before and after. */
(function (root, factory) {
  var made = factory();
  if (typeof module === "object" && module.exports) { module.exports = made; }
  else { root.FakeEt = made; }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  var DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;

  function parseCell(ref) {
    var m = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref);
    if (!m) { throw new Error("bad cell reference " + ref); }
    var col = 0;
    for (var i = 0; i < m[1].length; i++) { col = col * 26 + m[1].charCodeAt(i) - 64; }
    return { row: Number(m[2]), col: col };
  }

  function columnName(col) {
    var s = "";
    while (col > 0) { var r = (col - 1) % 26; s = String.fromCharCode(65 + r) + s; col = (col - 1 - r) / 26; }
    return s;
  }

  function addr(row, col) { return columnName(col) + row; }

  function rgbOfBgr(n) {
    var r = n & 0xFF, g = (n >> 8) & 0xFF, b = (n >> 16) & 0xFF;
    return [r, g, b].map(function (x) { return (x < 16 ? "0" : "") + x.toString(16).toUpperCase(); }).join("");
  }

  function bgrOfRgb(hex) {
    var n = parseInt(hex, 16);
    return ((n & 0xFF) << 16) | (n & 0xFF00) | ((n >> 16) & 0xFF);
  }

  // -- the application ---------------------------------------------------------------------------
  function App(options) {
    options = options || {};
    var app = this;
    this.log = [];
    this.files = {};  // path → Uint8Array: the fake disk
    this.alerts = [];
    this.opened = [];  // what ShellExecute / Workbooks.Open were asked to open
    this.picked = options.picked === undefined ? false : options.picked;
    this.temp = options.temp || "/tmp";
    this.books = [];
    this._active = null;
    this.storage = {};
    this.panes = [];
    this.Env = {
      GetTempPath: function () { app.record("Env", "GetTempPath", []); return app.temp; }
    };
    this.FileSystem = {
      ReadFileAsArrayBuffer: function (path) {
        app.record("FileSystem", "ReadFileAsArrayBuffer", [path]);
        var data = app.files[path];
        if (!data) { throw new Error("no such file " + path); }
        return data.slice().buffer;
      },
      writeAsBinaryString: function (path, binary) {
        app.record("FileSystem", "writeAsBinaryString", [path, binary.length]);
        if (app.readOnly && path.indexOf(app.readOnly) === 0) { return false; }
        var bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) {
          var c = binary.charCodeAt(i);
          if (c > 255) { throw new Error("not a binary string"); }
          bytes[i] = c;
        }
        app.files[path] = bytes;
        return true;
      },
      Exists: function (path) { app.record("FileSystem", "Exists", [path]); return !!app.files[path]; },
      Remove: function (path) { app.record("FileSystem", "Remove", [path]); delete app.files[path]; }
    };
    this.OAAssist = {
      ShellExecute: function (file) { app.record("OAAssist", "ShellExecute", [file]); app.opened.push(file); }
    };
    this.PluginStorage = {
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(app.storage, k) ? app.storage[k] : null; },
      setItem: function (k, v) { app.record("PluginStorage", "setItem", [k, v]); app.storage[k] = v; },
      removeItem: function (k) { delete app.storage[k]; }
    };
    this.Workbooks = {
      get Count() { return app.books.length; },
      Item: function (i) { return app.books[i - 1]; },
      Open: function (path) {
        app.record("Workbooks", "Open", [path]);
        if (!app.files[path]) { throw new Error("no such file " + path); }
        app.opened.push(path);
        var slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
        var book = new Workbook(app, { name: path.slice(slash + 1), path: path.slice(0, slash),
                                       sheets: [{ name: "Sheet1" }] });
        app.books.push(book);
        app._active = book;
        return book;
      }
    };
  }

  App.prototype.record = function (on, what, args) {
    this.log.push({ on: on, what: what, args: args });
  };

  Object.defineProperty(App.prototype, "ActiveWorkbook", {
    get: function () { return this._active; }
  });

  App.prototype.GetOpenFilename = function (filter, index, title) {
    this.record("Application", "GetOpenFilename", [filter, index, title]);
    return this.picked;
  };

  App.prototype.CreateTaskPane = function (url, title) {
    this.record("Application", "CreateTaskPane", [url, title]);
    var pane = { ID: this.panes.length + 1, Visible: false, url: url,
                 Navigate: function (u) { pane.url = u; } };
    this.panes.push(pane);
    return pane;
  };

  App.prototype.GetTaskPane = function (id) { return this.panes[id - 1] || null; };

  /* Open a workbook described as data (see Workbook) and make it the active one. */
  App.prototype.open = function (state) {
    var book = new Workbook(this, state);
    this.books.push(book);
    this._active = book;
    return book;
  };

  /* Calls that would change a file on disk; the add-in must never make them on the clerk's
   * workbook. */
  App.prototype.saves = function () {
    return this.log.filter(function (e) { return /^(Save|SaveAs|Close)$/.test(e.what); });
  };

  // -- a workbook --------------------------------------------------------------------------------
  /* state: {name, path, bytes (Uint8Array: what SaveCopyAs writes), protectStructure,
   *         sheets: [{name, cells: {A1: value}, fills: {A1: "RRGGBB"}, protected, password,
   *                   hidden}]} */
  function Workbook(app, state) {
    this.app = app;
    this._name = state.name;
    this._path = state.path || "";
    this.bytes = state.bytes || null;
    this.ProtectStructure = !!state.protectStructure;
    this.sheets = (state.sheets || []).map(function (s) { return new Worksheet(this, s); }, this);
    this.activeSheet = this.sheets[0] || null;
    var book = this;
    this.Worksheets = {
      get Count() { return book.sheets.length; },
      Item: function (key) {
        var ws = typeof key === "number" ? book.sheets[key - 1]
          : book.sheets.filter(function (s) { return s._name === key; })[0];
        if (!ws) { throw new Error("no sheet " + key); }
        return ws;
      },
      Add: function (before, after) {
        app.record("Worksheets", "Add", [before && before._name, after && after._name]);
        if (book.ProtectStructure) { throw new Error("workbook structure is protected"); }
        var n = book.sheets.length + 1;
        while (book.sheets.some(function (s) { return s._name === "Sheet" + n; })) { n++; }
        var ws = new Worksheet(book, { name: "Sheet" + n });
        var at = after ? book.sheets.indexOf(after) + 1 : before ? book.sheets.indexOf(before) : 0;
        book.sheets.splice(at, 0, ws);
        book.activeSheet = ws;
        return ws;
      }
    };
  }

  Object.defineProperty(Workbook.prototype, "Name", { get: function () { return this._name; } });
  Object.defineProperty(Workbook.prototype, "Path", { get: function () { return this._path; } });
  Object.defineProperty(Workbook.prototype, "FullName", {
    get: function () {
      if (!this._path) { return this._name; }
      var sep = this._path.indexOf("\\") >= 0 ? "\\" : "/";
      return this._path + sep + this._name;
    }
  });
  Object.defineProperty(Workbook.prototype, "ActiveSheet", { get: function () { return this.activeSheet; } });

  Workbook.prototype.SaveCopyAs = function (path) {
    this.app.record("Workbook", "SaveCopyAs", [path]);
    if (this.copyFails) { throw new Error(this.copyFails); }
    this.app.files[path] = this.bytes ? new Uint8Array(this.bytes) : new Uint8Array([80, 75, 3, 4]);
  };
  Workbook.prototype.Save = function () { this.app.record("Workbook", "Save", []); };
  Workbook.prototype.SaveAs = function (p) { this.app.record("Workbook", "SaveAs", [p]); };
  Workbook.prototype.Close = function () { this.app.record("Workbook", "Close", []); };

  Workbook.prototype.state = function () {
    return { name: this._name, sheets: this.sheets.map(function (s) { return s.state(); }),
             active: this.activeSheet && this.activeSheet._name };
  };

  // -- a worksheet -------------------------------------------------------------------------------
  function Worksheet(book, s) {
    this.book = book;
    this.app = book.app;
    this._name = s.name;
    this.cells = {};  // "R,C" → {value, text, formula, fill, link}
    this.ProtectContents = !!s.protected;
    this.ProtectDrawingObjects = !!s.protected;
    this.ProtectScenarios = !!s.protected;
    this.password = s.password || "";
    this.hidden = !!s.hidden;
    this.Protection = {};
    var perms = s.permissions || {};
    ["AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
     "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
     "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
     "AllowUsingPivotTables"].forEach(function (k) { this.Protection[k] = !!perms[k]; }, this);
    var key;
    for (key in s.cells || {}) {
      var p = parseCell(key);
      var v = s.cells[key];
      this.cell(p.row, p.col).value = v;
      if (typeof v === "string") { this.cell(p.row, p.col).text = true; }
    }
    for (key in s.fills || {}) {
      var q = parseCell(key);
      this.cell(q.row, q.col).fill = s.fills[key];
    }
    var ws = this;
    this.Hyperlinks = {
      get Count() { return ws.links().length; },
      Add: function (anchor, address, sub, tip, text) {
        ws.app.record(ws.where(), "Hyperlinks.Add", [anchor.address(), address, sub, tip, text]);
        ws.guard();
        var c = ws.cell(anchor.r1, anchor.c1);
        c.link = { address: address, sub: sub, tip: tip, text: text };
        if (text !== undefined) { c.value = String(text); c.text = true; delete c.formula; }
      },
      Delete: function () {
        ws.app.record(ws.where(), "Hyperlinks.Delete", []);
        ws.guard();
        for (var k in ws.cells) { delete ws.cells[k].link; }
      }
    };
  }

  Worksheet.prototype.where = function () { return "Worksheet(" + this._name + ")"; };

  Object.defineProperty(Worksheet.prototype, "Name", {
    get: function () { return this._name; },
    set: function (v) {
      this.app.record(this.where(), "set Name", [v]);
      if (this.book.sheets.some(function (s) { return s !== this && s._name === v; }, this)) {
        throw new Error("a sheet is already named " + v);
      }
      this._name = String(v);
    }
  });

  Object.defineProperty(Worksheet.prototype, "Cells", {
    get: function () { return new Range(this, 1, 1, 1048576, 16384); }
  });

  Worksheet.prototype.cell = function (row, col) {
    var k = row + "," + col;
    if (!this.cells[k]) { this.cells[k] = { value: undefined, fill: null }; }
    return this.cells[k];
  };

  Worksheet.prototype.peek = function (row, col) { return this.cells[row + "," + col]; };

  Worksheet.prototype.guard = function () {
    if (this.ProtectContents) { throw new Error("工作表「" + this._name + "」受保护"); }
  };

  Worksheet.prototype.Range = function (ref) {
    this.app.record(this.where(), "Range", [ref]);
    var parts = String(ref).split(":");
    var a = parseCell(parts[0]), b = parseCell(parts[parts.length - 1]);
    return new Range(this, a.row, a.col, b.row, b.col);
  };

  Worksheet.prototype.Activate = function () {
    this.app.record(this.where(), "Activate", []);
    this.book.activeSheet = this;
  };

  Worksheet.prototype.Unprotect = function (password) {
    this.app.record(this.where(), "Unprotect", [password]);
    if (this.password && password !== this.password) { throw new Error("密码不正确"); }
    this.ProtectContents = this.ProtectDrawingObjects = this.ProtectScenarios = false;
  };

  Worksheet.prototype.Protect = function (password, drawing, contents, scenarios, uiOnly) {
    var args = Array.prototype.slice.call(arguments);
    this.app.record(this.where(), "Protect", args);
    this.password = password || "";
    this.ProtectContents = !!contents;
    this.ProtectDrawingObjects = !!drawing;
    this.ProtectScenarios = !!scenarios;
    ["AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
     "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
     "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
     "AllowUsingPivotTables"].forEach(function (k, i) { this.Protection[k] = !!args[5 + i]; }, this);
  };

  Worksheet.prototype.links = function () {
    var out = [];
    for (var k in this.cells) {
      if (this.cells[k].link) {
        var rc = k.split(",");
        out.push({ cell: addr(Number(rc[0]), Number(rc[1])), sub: this.cells[k].link.sub,
                   address: this.cells[k].link.address, text: this.cells[k].link.text });
      }
    }
    return out;
  };

  /* The sheet as data: {name, cells: {A1: value}, fills: {A1: "RRGGBB"}, formulas, links,
   * protected, permissions}. */
  Worksheet.prototype.state = function () {
    var cells = {}, fills = {}, formulas = {};
    for (var k in this.cells) {
      var rc = k.split(","), a = addr(Number(rc[0]), Number(rc[1])), c = this.cells[k];
      if (c.value !== undefined && c.value !== "") { cells[a] = c.value; }
      if (c.formula !== undefined) { formulas[a] = c.formula; }
      if (c.fill !== null && c.fill !== undefined) { fills[a] = c.fill; }
    }
    return { name: this._name, cells: cells, fills: fills, formulas: formulas,
             links: this.links(), protected: this.ProtectContents, password: this.password,
             permissions: JSON.parse(JSON.stringify(this.Protection)) };
  };

  // -- a range -----------------------------------------------------------------------------------
  function Range(ws, r1, c1, r2, c2) {
    this.ws = ws;
    this.r1 = r1; this.c1 = c1; this.r2 = r2; this.c2 = c2;
    var range = this;
    this.Interior = {
      get Color() {
        var c = ws.peek(r1, c1);
        return c && c.fill ? bgrOfRgb(c.fill) : 16777215;
      },
      set Color(v) {
        ws.app.record(range.where(), "set Interior.Color", [v]);
        ws.guard();
        if (typeof v !== "number" || v < 0 || v > 0xFFFFFF) { throw new Error("bad colour " + v); }
        range.each(function (c) { c.fill = rgbOfBgr(v); });
      },
      get ColorIndex() {
        var c = ws.peek(r1, c1);
        return c && c.fill ? 0 : -4142;
      },
      set ColorIndex(v) {
        ws.app.record(range.where(), "set Interior.ColorIndex", [v]);
        ws.guard();
        if (v !== -4142) { throw new Error("the fake knows only ColorIndex = xlNone (-4142)"); }
        range.each(function (c) { c.fill = null; });
      }
    };
  }

  Range.prototype.address = function () {
    var a = addr(this.r1, this.c1), b = addr(this.r2, this.c2);
    return a === b ? a : a + ":" + b;
  };

  Range.prototype.where = function () { return "Range(" + this.ws._name + "!" + this.address() + ")"; };

  Range.prototype.each = function (fn) {
    for (var r = this.r1; r <= this.r2; r++) {
      for (var c = this.c1; c <= this.c2; c++) { fn(this.ws.cell(r, c), r, c); }
    }
  };

  /* A value entered as a clerk would type it (Excel's and WPS's rule for Value/Value2). */
  function enter(cell, v) {
    delete cell.formula;
    cell.text = false;
    if (v === null || v === undefined || v === "") { cell.value = undefined; return; }
    if (typeof v === "number" || typeof v === "boolean") { cell.value = v; return; }
    if (typeof v !== "string") { throw new Error("cannot enter " + typeof v); }
    if (v.charAt(0) === "'") { cell.value = v.slice(1); cell.text = true; return; }
    if (v.charAt(0) === "=") { cell.formula = v; cell.value = "#FORMULA"; return; }
    if (NUMBER.test(v.trim())) { cell.value = Number(v); return; }
    if (DATE.test(v.trim())) { cell.value = "#DATE(" + v + ")"; return; }
    cell.value = v;
    cell.text = true;
  }

  Object.defineProperty(Range.prototype, "Value2", {
    get: function () {
      var ws = this.ws;
      if (this.r1 === this.r2 && this.c1 === this.c2) {
        var c = ws.peek(this.r1, this.c1);
        return c ? c.value : undefined;
      }
      var rows = [];
      for (var r = this.r1; r <= this.r2; r++) {
        var row = [];
        for (var k = this.c1; k <= this.c2; k++) { var x = ws.peek(r, k); row.push(x ? x.value : undefined); }
        rows.push(row);
      }
      return rows;
    },
    set: function (v) {
      this.ws.app.record(this.where(), "set Value2", [v]);
      this.ws.guard();
      var single = this.r1 === this.r2 && this.c1 === this.c2;
      if (!Array.isArray(v)) {
        if (!single) { throw new Error("the fake fills a range from a 2-D array only"); }
        enter(this.ws.cell(this.r1, this.c1), v);
        return;
      }
      if (v.length !== this.r2 - this.r1 + 1) { throw new Error("row count does not match " + this.address()); }
      for (var i = 0; i < v.length; i++) {
        if (!Array.isArray(v[i]) || v[i].length !== this.c2 - this.c1 + 1) {
          throw new Error("column count does not match " + this.address());
        }
        for (var j = 0; j < v[i].length; j++) { enter(this.ws.cell(this.r1 + i, this.c1 + j), v[i][j]); }
      }
    }
  });

  Range.prototype.Clear = function () {
    this.ws.app.record(this.where(), "Clear", []);
    this.ws.guard();
    var ws = this.ws, self = this;
    Object.keys(ws.cells).forEach(function (k) {
      var rc = k.split(","), r = Number(rc[0]), c = Number(rc[1]);
      if (r >= self.r1 && r <= self.r2 && c >= self.c1 && c <= self.c2) {
        var cell = ws.cells[k];
        cell.value = undefined; cell.fill = null; delete cell.formula; cell.text = false;
      }
    });
  };

  Object.defineProperty(Range.prototype, "Columns", {
    get: function () {
      var self = this;
      return { AutoFit: function () { self.ws.app.record(self.where(), "Columns.AutoFit", []); } };
    }
  });

  return { App: App, Workbook: Workbook, parseCell: parseCell, addr: addr,
           rgbOfBgr: rgbOfBgr, bgrOfRgb: bgrOfRgb };
});
