/* The painter equals `nianbao check --mark`: for real workbooks of both formats, the answer
 * nianbao serve gives (the painting steps included), carried out by 校验 in the fake WPS, must
 * colour exactly the cells `check --mark` colours, with the same colours, and write exactly the
 * rows of 校验结果 it writes (title, headers, every row, its level colour and its link) — and a
 * second 校验 after the error is fixed must put back the template's fill where the first run
 * marked and the second does not, leaving exactly what `check --mark` marks in the fixed workbook.
 *
 * The fixtures are made by the Python side in the same run (tests/wps_fixtures.py; never written
 * by hand): NIANBAO_WPS_FIXTURES names their folder.  tests/test_wps_addin.py and .ci/run make
 * them and run this file; without them it is skipped. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { Addin } = require("../../addin/wps/js/ribbon.js");
const T = require("../../addin/wps/js/text.js");
const Fake = require("./fake_et.js");
const { fakeXHR, uploaded } = require("./fake_net.js");

const folder = process.env.NIANBAO_WPS_FIXTURES;
const SERVER = "http://127.0.0.1:8140";

function fixtures() {
  if (!folder) { return []; }
  return fs.readdirSync(folder).filter((f) => f.endsWith(".json")).sort()
    .map((f) => [f.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(folder, f), "utf8"))]);
}

function open(fixture) {
  const app = new Fake.App();
  const state = Object.assign({}, fixture.workbook, { bytes: new Uint8Array(Buffer.from(fixture.workbook.bytes, "base64")) });
  const book = app.open(state);
  const answers = [];
  const xhr = fakeXHR(() => ({ body: answers.shift() }));
  const shown = [];
  const addin = new Addin({ app, storage: null, href: SERVER + "/wps/index.html", alert: (t) => shown.push(t), createXHR: xhr });
  return { app, book, addin, xhr, shown, answers };
}

/* (sheet!cell) → fill, for every cell of the workbook's own sheets whose fill differs from ``before``. */
function changedFills(before, after) {
  const out = {};
  for (const s of before.sheets) {
    const now = after.sheets.filter((x) => x.name === s.name)[0];
    const cells = new Set(Object.keys(s.fills).concat(Object.keys(now.fills)));
    for (const c of cells) {
      const a = s.fills[c] === undefined ? null : s.fills[c], b = now.fills[c] === undefined ? null : now.fills[c];
      if (a !== b) { out[s.name + "!" + c] = b; }
    }
  }
  return out;
}

function rowsOf(sheet, from, width) {
  let last = 0;
  for (const a of Object.keys(sheet.cells)) { last = Math.max(last, Fake.parseCell(a).row); }
  const rows = [];
  for (let r = from; r <= last; r++) {
    const row = [];
    for (let c = 1; c <= width; c++) {
      const v = sheet.cells[Fake.addr(r, c)];
      row.push(v === undefined ? null : v);
    }
    rows.push(row);
  }
  return rows;
}

function assertLikeCheckMark(book, initial, expected) {
  const now = book.state();
  assert.deepEqual(changedFills(initial, now), expected.fills, "the cells coloured, and their colours");
  const results = now.sheets.filter((s) => s.name === expected.results_sheet)[0];
  assert.ok(results, "校验结果 is there");
  assert.equal(results.cells.A1, expected.title);
  const width = expected.rows[0].length;
  assert.deepEqual(rowsOf(results, expected.header_row, width), expected.rows, "the rows of 校验结果");
  const levels = {};
  for (const [cell, fill] of Object.entries(results.fills)) {
    if (/^B\d+$/.test(cell) && Fake.parseCell(cell).row > expected.header_row) { levels[cell] = fill; }
  }
  assert.deepEqual(levels, expected.result_fills, "each row's level colour");
  const links = {};
  for (const l of results.links) { links[l.cell] = l.sub; }
  assert.deepEqual(links, expected.links, "each row's link to its cell");
  assert.deepEqual(results.formulas, {}, "no text became a formula");
}

/* No value of the workbook's own sheets changed except where the steps may write. */
function assertInputsKept(initial, book, writable, except) {
  const now = book.state();
  for (const s of initial.sheets) {
    const after = now.sheets.filter((x) => x.name === s.name)[0];
    const cells = new Set(Object.keys(s.cells).concat(Object.keys(after.cells)));
    for (const c of cells) {
      const where = s.name + "!" + c;
      const allowed = writable.some((w) => where === w || (w.endsWith("!" + c.replace(/\d+$/, "")) && w.split("!")[0] === s.name))
        || (except && except === where);
      if (!allowed) { assert.deepEqual(after.cells[c], s.cells[c], where + " changed"); }
    }
    assert.deepEqual(after.formulas, {}, s.name + ": no formula written");
    assert.equal(after.protected, s.protected, s.name + ": protection as it was");
  }
}

const all = fixtures();

test("the fixtures are there (made by tests/wps_fixtures.py)", { skip: !folder && "NIANBAO_WPS_FIXTURES is not set" }, () => {
  assert.ok(all.length >= 4, folder);
});

for (const [name, fixture] of all) {
  if (!fixture.answer.painting) {
    test(`${name}: not a report — the server's reason, nothing changed`, async () => {
      const w = open(fixture);
      w.answers.push(fixture.answer);
      const before = JSON.stringify(w.book.state());
      const text = await w.addin.check();
      assert.equal(text, T.say("addin.unreadable", { message: fixture.answer.findings[0].message }));
      assert.deepEqual(w.shown, [text]);
      assert.equal(JSON.stringify(w.book.state()), before);
      assert.deepEqual(w.app.saves(), []);
    });
    continue;
  }

  test(`${name}: 校验 colours and lists exactly what check --mark does`, async () => {
    const w = open(fixture);
    const initial = w.book.state();
    w.answers.push(fixture.answer);
    const text = await w.addin.check();
    assert.deepEqual(w.shown, [fixture.answer.painting.message]);
    assert.equal(text, fixture.answer.painting.message);
    const sent = await uploaded(w.xhr.requests[0].body);
    assert.equal(sent.name, fixture.workbook.name);
    assert.deepEqual(Buffer.from(sent.bytes), Buffer.from(fixture.workbook.bytes, "base64"), "the copy sent is the workbook");
    assert.deepEqual(w.app.saves(), [], "the workbook itself is never saved");
    assertLikeCheckMark(w.book, initial, fixture.expected);
    assertInputsKept(initial, w.book, fixture.writable);
    assert.ok(Object.keys(fixture.expected.fills).length >= 3);
  });

  if (fixture.rerun) {
    test(`${name}: 校验 again after the fix puts the template's fill back where it no longer marks`, async () => {
      const w = open(fixture);
      const initial = w.book.state();
      w.answers.push(fixture.answer, fixture.rerun.answer);
      await w.addin.check();
      const fix = fixture.rerun.fix;
      const sheet = w.book.Worksheets.Item(fix.sheet);
      sheet.Unprotect("");  // the clerk types into the unlocked input cell
      sheet.Range(fix.cell).Value2 = fix.value;
      sheet.Protect(undefined, true, true, true);
      await w.addin.check();
      assert.equal(w.shown.length, 2);
      assertLikeCheckMark(w.book, initial, fixture.rerun.expected);
      assert.equal(w.book.state().sheets.filter((s) => s.name === fixture.expected.results_sheet).length, 1);
      assertInputsKept(initial, w.book, fixture.writable, fix.sheet + "!" + fix.cell);
    });
  }
}
