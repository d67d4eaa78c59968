/* The painter: carries out, in the open workbook, the painting steps the server sends with a check
 * (nianbao.painting.Painting.to_dict(), decided once in the core for every painter: the xlwings
 * add-in, this one, the Excel add-in's server mode).  It decides nothing: which cells, which
 * colours, which rows of 校验结果 all come from the steps, so a change of the plan in Python needs
 * no change here.
 *
 * Before anything changes it checks the steps (their shape, every address, every colour, every
 * value a string, a number or empty — anything else is refused whole) and the workbook (every
 * sheet named exists, protection can be lifted): a refusal is a Problem and leaves the workbook
 * as it was.  Then, in order: lift the password-less protection of the sheets listed, fill the
 * rectangles (a colour "RRGGBB", or no fill), clear 校验结果 or add it after the last sheet,
 * write the blocks (every string as a literal: a leading apostrophe, so 「=…」 never becomes a
 * formula nor 「2025-01-01」 a date), fill the result rows, add the links, show 校验结果, and put
 * the protection back with the permissions it had.  No input cell is written: the steps name
 * none, and the painter writes only what the steps name. */
(function (root, factory) {
  var text = typeof module === "object" && module.exports ? require("./text.js") : root.NianbaoText;
  var made = factory(text);
  if (typeof module === "object" && module.exports) { module.exports = made; }
  else { root.NianbaoPainter = made; }
})(typeof self !== "undefined" ? self : this, function (T) {
  "use strict";

  var CELL = /^([A-Z]{1,3})([1-9][0-9]{0,6})$/;
  var COLOUR = /^[0-9A-Fa-f]{6}$/;
  var NO_FILL = -4142; // xlColorIndexNone
  var MAX_COLUMN = 16384, MAX_ROW = 1048576;
  // what a worksheet cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, as check --mark drops)
  var ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F]/g;
  var STEPS = ["fills", "results_sheet", "blocks", "result_fills", "links", "unprotect",
               "message", "critical"];
  // Worksheet.Protection's properties, given back to Protect() in its argument order
  var PERMISSIONS = ["AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
                     "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
                     "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting",
                     "AllowFiltering", "AllowUsingPivotTables"];

  // -- addresses and values -------------------------------------------------------------------
  function parseCell(ref) {
    var m = CELL.exec(ref);
    if (!m) { return null; }
    var col = 0;
    for (var i = 0; i < m[1].length; i++) { col = col * 26 + (m[1].charCodeAt(i) - 64); }
    var row = Number(m[2]);
    return col <= MAX_COLUMN && row <= MAX_ROW ? { row: row, col: col } : null;
  }

  function columnName(col) {
    var name = "";
    while (col > 0) {
      var r = (col - 1) % 26;
      name = String.fromCharCode(65 + r) + name;
      col = (col - 1 - r) / 26;
    }
    return name;
  }

  function address(row, col) { return columnName(col) + row; }

  /* "D8" or "D8:J9" → the rectangle, or null when it is not one. */
  function parseRange(ref) {
    if (typeof ref !== "string") { return null; }
    var parts = ref.split(":");
    if (parts.length > 2) { return null; }
    var a = parseCell(parts[0]), b = parseCell(parts[parts.length - 1]);
    if (!a || !b || b.row < a.row || b.col < a.col) { return null; }
    return { r1: a.row, c1: a.col, r2: b.row, c2: b.col };
  }

  /* "RRGGBB" → the number Interior.Color takes: red in the low byte (BGR). */
  function bgr(hex) {
    var n = parseInt(hex, 16);
    return ((n & 0xFF) << 16) | (n & 0xFF00) | ((n >> 16) & 0xFF);
  }

  /* A value as the worksheet must receive it: text as a literal, empty as empty. */
  function literal(value) {
    if (value === null) { return ""; }
    if (typeof value === "string") {
      var clean = value.replace(ILLEGAL, "");
      return clean === "" ? "" : "'" + clean;
    }
    return value;
  }

  function quoted(sheet) { return "'" + sheet.replace(/'/g, "''") + "'"; }

  // -- checking the steps -----------------------------------------------------------------------
  function isName(s) { return typeof s === "string" && s.length > 0 && s.length <= 255; }

  function isFill(f) {
    return f !== null && typeof f === "object" && isName(f.sheet) && parseRange(f.range) !== null
      && (f.colour === null || (typeof f.colour === "string" && COLOUR.test(f.colour)));
  }

  function isValue(v) {
    return v === null || typeof v === "string" || (typeof v === "number" && isFinite(v));
  }

  function isBlock(b) {
    if (b === null || typeof b !== "object" || !isName(b.sheet) || !parseCell(b.cell)
        || !Array.isArray(b.values) || b.values.length === 0) { return false; }
    var start = parseCell(b.cell);
    for (var i = 0; i < b.values.length; i++) {
      var row = b.values[i];
      if (!Array.isArray(row) || row.length === 0 || start.col + row.length - 1 > MAX_COLUMN
          || !row.every(isValue)) { return false; }
    }
    return start.row + b.values.length - 1 <= MAX_ROW;
  }

  function isLink(l, results) {
    return l !== null && typeof l === "object" && l.sheet === results
      && parseCell(l.cell) !== null && isName(l.target_sheet)
      && parseCell(l.target_cell) !== null && typeof l.text === "string";
  }

  /* What is wrong with the steps, or "" when they are well formed. */
  function fault(p) {
    if (p === null || typeof p !== "object" || Array.isArray(p)) { return "painting"; }
    for (var key in p) {
      if (Object.prototype.hasOwnProperty.call(p, key) && STEPS.indexOf(key) < 0) { return key; }
    }
    if (!isName(p.results_sheet) || p.results_sheet.length > 31) { return "results_sheet"; }
    var lists = ["fills", "blocks", "result_fills", "links", "unprotect"];
    for (var i = 0; i < lists.length; i++) {
      if (!Array.isArray(p[lists[i]])) { return lists[i]; }
    }
    if (!p.fills.every(isFill)) { return "fills"; }
    if (!p.blocks.every(isBlock)) { return "blocks"; }
    if (!p.result_fills.every(function (f) { return isFill(f) && f.sheet === p.results_sheet; })) {
      return "result_fills";
    }
    if (!p.links.every(function (l) { return isLink(l, p.results_sheet); })) { return "links"; }
    if (!p.unprotect.every(isName)) { return "unprotect"; }
    if (typeof p.message !== "string") { return "message"; }
    if (typeof p.critical !== "boolean") { return "critical"; }
    return "";
  }

  // -- the workbook -----------------------------------------------------------------------------
  function sheetsOf(book) {
    var out = {}, sheets = book.Worksheets, n = sheets.Count;
    for (var i = 1; i <= n; i++) {
      var ws = sheets.Item(i);
      out[String(ws.Name)] = ws;
    }
    return out;
  }

  function named(p) {
    var names = [];
    function add(name) { if (name !== p.results_sheet && names.indexOf(name) < 0) { names.push(name); } }
    p.fills.forEach(function (f) { add(f.sheet); });
    p.blocks.forEach(function (b) { add(b.sheet); });
    p.unprotect.forEach(add);
    p.links.forEach(function (l) { add(l.target_sheet); });
    return names;
  }

  /* Lift the protection of the sheets listed; a sheet whose protection will not lift (a
   * password) puts back what was lifted and refuses.  Unprotect("") never asks for a password. */
  function lift(sheets, names) {
    var lifted = [];
    for (var i = 0; i < names.length; i++) {
      var ws = sheets[names[i]];
      if (!ws.ProtectContents) { continue; }
      var protection = ws.Protection || {};
      var kept = { ws: ws, drawing: !!ws.ProtectDrawingObjects, scenarios: !!ws.ProtectScenarios,
                   allowed: PERMISSIONS.map(function (key) { return !!protection[key]; }) };
      var ok = true;
      try { ws.Unprotect(""); ok = !ws.ProtectContents; } catch (e) { ok = false; }
      if (!ok) {
        restore(lifted);
        throw new T.Problem("wps.protected_sheet", { sheet: names[i] });
      }
      lifted.push(kept);
    }
    return lifted;
  }

  function restore(lifted) {
    lifted.forEach(function (k) {
      k.ws.Protect.apply(k.ws, [undefined, k.drawing, true, k.scenarios, false].concat(k.allowed));
    });
  }

  function fill(ws, step) {
    var interior = ws.Range(step.range).Interior;
    if (step.colour === null) { interior.ColorIndex = NO_FILL; }
    else { interior.Color = bgr(step.colour); }
  }

  function write(ws, block) {
    var start = parseCell(block.cell);
    var width = Math.max.apply(null, block.values.map(function (r) { return r.length; }));
    var rows = block.values.map(function (r) {
      var out = r.map(literal);
      while (out.length < width) { out.push(""); }
      return out;
    });
    var end = address(start.row + rows.length - 1, start.col + width - 1);
    var range = ws.Range(block.cell + (end === block.cell ? "" : ":" + end));
    range.Value2 = end === block.cell ? rows[0][0] : rows;
  }

  /* Carry out painting ``p`` in ``book`` (a Workbook of the et object model).  Throws a Problem:
   * before any change when the steps or the workbook do not allow them, "wps.paint_failed" when
   * the spreadsheet refused a step half way (protection is put back either way). */
  function paint(book, p) {
    var bad = fault(p);
    if (bad) { throw new T.Problem("wps.bad_answer", { detail: bad === "painting" ? bad : "painting." + bad }); }
    var sheets = sheetsOf(book);
    named(p).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(sheets, name)) {
        throw new T.Problem("wps.changed", { sheet: name });
      }
    });
    var results = Object.prototype.hasOwnProperty.call(sheets, p.results_sheet)
      ? sheets[p.results_sheet] : null;
    if (results && results.ProtectContents) {
      throw new T.Problem("wps.protected_sheet", { sheet: p.results_sheet });
    }
    if (!results && book.ProtectStructure) {
      throw new T.Problem("wps.protected_book", { sheet: p.results_sheet });
    }
    var lifted = lift(sheets, p.unprotect);
    try {
      p.fills.forEach(function (f) { fill(sheets[f.sheet], f); });
      if (results) {
        results.Cells.Clear();
        if (results.Hyperlinks.Count > 0) { results.Hyperlinks.Delete(); }
      } else {
        var all = book.Worksheets;
        results = all.Add(undefined, all.Item(all.Count));
        results.Name = p.results_sheet;
      }
      sheets[p.results_sheet] = results;
      p.blocks.forEach(function (b) { write(sheets[b.sheet], b); });
      p.result_fills.forEach(function (f) { fill(results, f); });
      p.links.forEach(function (l) {
        results.Hyperlinks.Add(results.Range(l.cell), "", quoted(l.target_sheet) + "!" + l.target_cell,
                               undefined, l.text);
      });
      results.Activate();
    } catch (e) {
      if (e instanceof T.Problem) { throw e; }
      throw new T.Problem("wps.paint_failed", { detail: String(e && e.message || e) });
    } finally {
      restore(lifted);
    }
  }

  return { paint: paint, fault: fault, parseRange: parseRange, parseCell: parseCell,
           address: address, columnName: columnName, bgr: bgr, literal: literal,
           NO_FILL: NO_FILL };
});
