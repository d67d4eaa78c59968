/* The painter (addin/wps/js/painter.js) against the recording fake of WPS's object model: it does
 * the steps it is given and nothing else, writes literals, puts protection back, and refuses —
 * changing nothing — steps or workbooks it cannot carry out.  The steps here are small and made
 * by hand to pin each behaviour; tests/test_wps_addin.py runs the steps the Python side makes
 * for real workbooks and compares with `nianbao check --mark`. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Painter = require("../../addin/wps/js/painter.js");
const T = require("../../addin/wps/js/text.js");
const Fake = require("./fake_et.js");

const DATA = "三、依申请公开", INFO = "基本信息", META = "_nianbao", RESULTS = "校验结果";

function workbook(extra) {
  const app = new Fake.App();
  const book = app.open(Object.assign({
    name: "年报.xlsx", path: "/home/clerk",
    sheets: [
      { name: INFO, cells: { A1: "基本信息", C19: "" }, protected: true,
        permissions: { AllowFormattingColumns: true, AllowFormattingRows: true } },
      { name: DATA, cells: { D8: 5, J8: 9 }, fills: { D8: "FFF2CC", J8: "F2F2F2" }, protected: true },
      { name: META, cells: { A1: "format", B1: "2021" }, protected: true }
    ]
  }, extra || {}));
  return { app, book };
}

function steps(extra) {
  return Object.assign({
    fills: [{ sheet: DATA, range: "D8", colour: "FFC7CE" }, { sheet: DATA, range: "J8:J9", colour: null }],
    results_sheet: RESULTS,
    blocks: [
      { sheet: RESULTS, cell: "A1", values: [["校验结果：年报.xlsx", null], ["=1+2 不是数字", 12], ["2025-01-01", "12"]] },
      { sheet: INFO, cell: "C19", values: [["✘ 1 处错误（2025-01-02 10:00 校验）"]] },
      { sheet: META, cell: "D1", values: [["marked_by_addin"], [DATA + "!D8"], [null]] }
    ],
    result_fills: [{ sheet: RESULTS, range: "B2", colour: "FFEB9C" }],
    links: [{ sheet: RESULTS, cell: "C2", target_sheet: DATA, target_cell: "D8", text: DATA + "!D8" }],
    unprotect: [META, DATA, INFO],
    message: "发现 1 处错误。",
    critical: true
  }, extra || {});
}

function sheet(book, name) { return book.state().sheets.filter((s) => s.name === name)[0]; }

test("fills are BGR colours, a missing colour removes the fill", () => {
  const { book } = workbook();
  Painter.paint(book, steps());
  const data = sheet(book, DATA);
  assert.equal(data.fills.D8, "FFC7CE");
  assert.equal(data.fills.J8, undefined);
  assert.equal(data.fills.J9, undefined);
  assert.equal(Painter.bgr("FFC7CE"), 0xCEC7FF);  // red in the low byte
});

test("every string is written as a literal: no formula, date or number is made from text", () => {
  const { app, book } = workbook();
  Painter.paint(book, steps());
  const results = sheet(book, RESULTS);
  assert.deepEqual(results.formulas, {});
  assert.equal(results.cells.A2, "=1+2 不是数字");
  assert.equal(results.cells.B2, 12);
  assert.equal(results.cells.A3, "2025-01-01");
  assert.equal(results.cells.B3, "12");  // text stays text
  for (const e of app.log.filter((e) => e.what === "set Value2")) {
    const values = Array.isArray(e.args[0]) ? e.args[0].flat() : [e.args[0]];
    for (const v of values) {
      if (typeof v === "string" && v !== "") { assert.equal(v[0], "'", JSON.stringify(v)); }
    }
  }
});

test("the results sheet is added after the last sheet, filled, linked and shown", () => {
  const { book } = workbook();
  Painter.paint(book, steps());
  const names = book.state().sheets.map((s) => s.name);
  assert.deepEqual(names, [INFO, DATA, META, RESULTS]);
  const results = sheet(book, RESULTS);
  assert.equal(results.fills.B2, "FFEB9C");
  assert.deepEqual(results.links, [{ cell: "C2", sub: `'${DATA}'!D8`, address: "", text: DATA + "!D8" }]);
  assert.equal(results.cells.C2, DATA + "!D8");
  assert.equal(book.state().active, RESULTS);
});

test("an existing results sheet is cleared (values, fills, links), not added twice", () => {
  const { book } = workbook();
  Painter.paint(book, steps());
  Painter.paint(book, steps({ blocks: [{ sheet: RESULTS, cell: "A1", values: [["again"]] }],
                              result_fills: [], links: [] }));
  const results = sheet(book, RESULTS);
  assert.deepEqual(results.cells, { A1: "again" });
  assert.deepEqual(results.fills, {});
  assert.deepEqual(results.links, []);
  assert.equal(book.state().sheets.filter((s) => s.name === RESULTS).length, 1);
});

test("protection is lifted without a password prompt and put back with its permissions", () => {
  const { app, book } = workbook();
  const before = book.state().sheets.map((s) => [s.name, s.protected, s.permissions]);
  Painter.paint(book, steps());
  const after = book.state().sheets.filter((s) => s.name !== RESULTS)
    .map((s) => [s.name, s.protected, s.permissions]);
  assert.deepEqual(after, before);
  for (const e of app.log.filter((e) => e.what === "Unprotect")) { assert.deepEqual(e.args, [""]); }
});

test("the blank rows of the record clear what an earlier, longer record left", () => {
  const { book } = workbook();
  book.Worksheets.Item(META).Unprotect("");
  book.Worksheets.Item(META).Range("D3").Value2 = "'old!A1";
  book.Worksheets.Item(META).Protect(undefined, true, true, true);
  Painter.paint(book, steps());
  assert.equal(sheet(book, META).cells.D3, undefined);
  assert.equal(sheet(book, META).cells.D2, DATA + "!D8");
});

function unchanged(t, make, paintingOrFn, key, args) {
  const { app, book } = make();
  const painting = typeof paintingOrFn === "function" ? paintingOrFn(book) : paintingOrFn;
  const before = JSON.stringify(book.state());
  assert.throws(() => Painter.paint(book, painting),
                (e) => e instanceof T.Problem && e.key === key
                  && (!args || JSON.stringify(e.args) === JSON.stringify(args)));
  assert.equal(JSON.stringify(book.state()), before);
  assert.deepEqual(app.saves(), []);
}

test("a sheet the steps name but the workbook lacks: refused, nothing changed", (t) => {
  unchanged(t, workbook, steps({ fills: [{ sheet: "四、复议诉讼", range: "D8", colour: "FFC7CE" }] }),
            "wps.changed", { sheet: "四、复议诉讼" });
});

test("a sheet protected with a password: refused, the others' protection restored", (t) => {
  unchanged(t, () => {
    const w = workbook();
    w.book.sheets[1].password = "secret";
    return w;
  }, steps(), "wps.protected_sheet", { sheet: DATA });
});

test("a protected results sheet or workbook structure: refused, nothing changed", (t) => {
  unchanged(t, workbook, (book) => {
    const ws = book.Worksheets.Add(undefined, book.Worksheets.Item(3));
    ws.Name = RESULTS;
    ws.Protect(undefined, true, true, true);
    return steps();
  }, "wps.protected_sheet");
  unchanged(t, () => workbook({ protectStructure: true }), steps(), "wps.protected_book");
});

test("malformed steps are refused whole before anything changes", (t) => {
  const bad = [
    steps({ fills: [{ sheet: DATA, range: "D8; =cmd", colour: "FFC7CE" }] }),
    steps({ fills: [{ sheet: DATA, range: "D8", colour: "red" }] }),
    steps({ blocks: [{ sheet: INFO, cell: "C19", values: [[{ formula: "=1" }]] }] }),
    steps({ blocks: [{ sheet: INFO, cell: "C19", values: [[true]] }] }),
    steps({ links: [{ sheet: DATA, cell: "C2", target_sheet: DATA, target_cell: "D8", text: "x" }] }),
    steps({ script: "alert(1)" }),
    steps({ results_sheet: "" }),
    steps({ critical: "yes" }),
    null
  ];
  for (const p of bad) { unchanged(t, workbook, p, "wps.bad_answer"); }
});

test("a step the spreadsheet refuses half way: one message, protection put back", () => {
  const { book } = workbook();
  const data = book.sheets[1];
  const range = data.Range;
  data.Range = function (ref) {
    if (ref === "J8:J9") { throw new Error("WPS refused"); }
    return range.call(this, ref);
  };
  assert.throws(() => Painter.paint(book, steps()), (e) => e.key === "wps.paint_failed" && /WPS refused/.test(e.message));
  assert.ok(book.state().sheets.every((s) => s.protected || s.name === RESULTS));
});

test("addresses and colours", () => {
  assert.deepEqual(Painter.parseRange("A1"), { r1: 1, c1: 1, r2: 1, c2: 1 });
  assert.equal(Painter.parseRange("B2:A1"), null);
  assert.equal(Painter.parseRange("A0"), null);
  assert.equal(Painter.parseRange("XFE1"), null);
  assert.equal(Painter.columnName(16384), "XFD");
  assert.equal(Painter.literal("a\u0007b"), "'ab");
  assert.equal(Painter.literal(""), "");
  assert.equal(Painter.literal(null), "");
  assert.equal(Painter.literal(3), 3);
});
