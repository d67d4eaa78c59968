/* The buttons (addin/wps/js/ribbon.js) end to end against the recording fake of WPS and a fake
 * server: what each sends, what it writes, and — for every way it can fail (no workbook, an
 * unsaved or non-.xlsx one, no server address, a server that is down, silent, failing or not a
 * nianbao server, a workbook that is not a report) — one Chinese message and nothing changed. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { Addin, refusal } = require("../../addin/wps/js/ribbon.js");
const T = require("../../addin/wps/js/text.js");
const Fake = require("./fake_et.js");
const { fakeXHR, uploaded } = require("./fake_net.js");

const SERVER = "http://10.0.0.5:8000";
const HREF = SERVER + "/wps/index.html";
const XLSX_BYTES = new Uint8Array([80, 75, 3, 4, 1, 2, 3]);
const DATA = "三、依申请公开";

function memory() {
  const items = {};
  return { getItem: (k) => (k in items ? items[k] : null), setItem: (k, v) => { items[k] = String(v); },
           removeItem: (k) => { delete items[k]; }, items };
}

function painting() {
  return {
    fills: [{ sheet: DATA, range: "D8", colour: "FFC7CE" }],
    results_sheet: "校验结果",
    blocks: [{ sheet: "校验结果", cell: "A1", values: [["校验结果：年报.xlsx"], ["共 1 个错误"]] }],
    result_fills: [], links: [], unprotect: [DATA], message: "发现 1 处错误。", critical: true
  };
}

function checked(p) {
  return { file: "年报.xlsx", errors: 1, warnings: 0, notices: 0,
           findings: [{ rule: "t3.row", severity: "error", sheet: DATA, cell: "J8", message: "J8 应为 9，实为 8" }],
           dismissed: [], plan: {}, painting: p === undefined ? painting() : p };
}

function setup(answer, options) {
  options = options || {};
  const app = new Fake.App({ picked: options.picked, temp: "/tmp" });
  if (options.book !== null) {
    app.open(Object.assign({ name: "年报.xlsx", path: "/home/clerk", bytes: XLSX_BYTES,
                             sheets: [{ name: DATA, cells: { D8: 5 }, fills: { D8: "FFF2CC" }, protected: true }] },
                           options.book || {}));
  }
  const xhr = fakeXHR(answer || (() => ({ body: checked() })));
  const shown = [];
  const storage = options.storage || memory();
  const asked = [];
  const addin = new Addin({ app, storage, href: options.href === undefined ? HREF : options.href,
                            alert: (t) => shown.push(t), createXHR: xhr,
                            confirm: (t) => { asked.push(t); return !!options.confirm; } });
  return { app, addin, xhr, shown, storage, asked };
}

function snapshot(app) { return JSON.stringify(app.books.map((b) => b.state())) + JSON.stringify(Object.keys(app.files)); }

async function refusedUnchanged(s, button, key) {
  const before = snapshot(s.app);
  const text = await s.addin[button]();
  assert.equal(s.shown.length, 1, "one message");
  assert.equal(s.shown[0], text);
  if (key) { assert.equal(text, key instanceof RegExp ? text.match(key)[0] && text : T.say(key.key, key.args)); }
  assert.equal(snapshot(s.app), before, "nothing changed");
  assert.deepEqual(s.app.saves(), [], "the workbook is never saved");
  return text;
}

// -- 校验 ------------------------------------------------------------------------------------------
test("校验 uploads a copy (never saving the workbook), paints the answer and says its message", async () => {
  const s = setup();
  const text = await s.addin.check();
  assert.deepEqual(s.shown, ["发现 1 处错误。"]);
  assert.equal(text, "发现 1 处错误。");
  const [request] = s.xhr.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.url, SERVER + "/api/check");
  assert.equal(request.timeout, 120000);
  const file = await uploaded(request.body);
  assert.equal(file.name, "年报.xlsx");
  assert.deepEqual(file.bytes, XLSX_BYTES);
  assert.deepEqual(s.app.saves(), []);
  assert.deepEqual(Object.keys(s.app.files), [], "the temporary copy is removed");
  const data = s.app.ActiveWorkbook.state().sheets[0];
  assert.equal(data.fills.D8, "FFC7CE");
  assert.ok(data.protected);
});

test("no workbook open, an unsaved one, one not in .xlsx: one message each, nothing sent", async () => {
  for (const [book, key] of [
    [null, { key: "wps.no_workbook", args: { button: "校验" } }],
    [{ path: "", name: "工作簿1" }, { key: "wps.unsaved", args: { file: "工作簿1", button: "校验" } }],
    [{ name: "年报.et" }, { key: "wps.not_xlsx", args: { file: "年报.et", button: "校验" } }],
    [{ name: "年报.xls" }, { key: "wps.not_xlsx", args: { file: "年报.xls", button: "校验" } }]
  ]) {
    const s = setup(null, { book });
    await refusedUnchanged(s, "check", key);
    assert.equal(s.xhr.requests.length, 0);
  }
});

test("no server address (the add-in opened from a file, nothing set): says where to set it", async () => {
  const s = setup(null, { href: "file:///C:/addins/nianbao/index.html" });
  await refusedUnchanged(s, "check", { key: "wps.no_server", args: {} });
});

test("the user's server address is used instead of the add-in's own", async () => {
  const storage = memory();
  storage.setItem("nianbao.server", "http://192.168.1.10:8000");
  const s = setup(null, { storage });
  await s.addin.check();
  assert.equal(s.xhr.requests[0].url, "http://192.168.1.10:8000/api/check");
});

test("a server that is down, or silent, or failing: one message, nothing changed", async () => {
  const cases = [
    ["down", { key: "wps.unreachable", args: { server: SERVER } }],
    ["silent", { key: "wps.timeout", args: { server: SERVER, seconds: 120 } }],
    [{ status: 500, body: { error: "serve.internal", message: "内部错误（KeyError）" } },
     { key: "wps.server_error", args: { status: 500, message: "内部错误（KeyError）" } }],
    [{ status: 413, body: { error: "serve.too_large", message: "上传的文件超过 20 MB" } },
     { key: "wps.server_error", args: { status: 413, message: "上传的文件超过 20 MB" } }],
    [{ status: 502, type: "text/html", body: "<html>Bad Gateway</html>" },
     { key: "wps.server_error_plain", args: { status: 502 } }],
    [{ status: 200, type: "text/html", body: "<html>a router's login page</html>" },
     { key: "wps.bad_answer", args: { detail: "text/html" } }],
    [{ status: 200, body: { hello: "world" } }, { key: "wps.bad_answer", args: { detail: "findings" } }]
  ];
  for (const [answer, key] of cases) {
    const s = setup(() => answer);
    await refusedUnchanged(s, "check", key);
    assert.deepEqual(Object.keys(s.app.files), [], "the temporary copy is removed");
  }
});

test("a workbook that is not a nianbao report: the server's reason, nothing painted", async () => {
  const answer = { file: "其他.xlsx", errors: 1, warnings: 0, notices: 0, dismissed: [], plan: null, painting: null,
                   findings: [{ rule: "file.not_nianbao", severity: "error", message: "其他.xlsx 不是年报工作簿" }] };
  const s = setup(() => ({ body: answer }));
  const text = await refusedUnchanged(s, "check");
  assert.equal(text, T.say("addin.unreadable", { message: "其他.xlsx 不是年报工作簿" }));
});

test("steps the painter cannot carry out are refused whole", async () => {
  const bad = painting();
  bad.fills[0].sheet = "四、复议诉讼";
  const s = setup(() => ({ body: checked(bad) }));
  await refusedUnchanged(s, "check", { key: "wps.changed", args: { sheet: "四、复议诉讼" } });
});

test("a copy that cannot be made: one message", async () => {
  const s = setup();
  s.app.ActiveWorkbook.copyFails = "磁盘已满";
  await refusedUnchanged(s, "check", { key: "wps.copy_failed", args: { detail: "磁盘已满" } });
  assert.equal(s.xhr.requests.length, 0);
});

test("a second click while the first waits: told to wait, one request", async () => {
  let release;
  const s = setup(() => new Promise((r) => { release = () => r({ body: checked() }); }));
  const first = s.addin.check();
  await new Promise((r) => setImmediate(r));
  const second = await s.addin.check();
  assert.equal(second, T.say("wps.busy"));
  release();
  await first;
  assert.equal(s.xhr.requests.length, 1);
  assert.deepEqual(s.shown, [T.say("wps.busy"), "发现 1 处错误。"]);
});

// -- 生成报告 --------------------------------------------------------------------------------------
const DOCX = new Uint8Array([80, 75, 3, 4, 0, 255, 128, 7]);

test("生成报告 writes the .docx beside the workbook under a free name and opens it", async () => {
  const s = setup(() => ({ body: DOCX, type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           headers: { "X-Nianbao-Notes": encodeURIComponent("注意：本机未安装正式字体") } }));
  s.app.files["/home/clerk/年报.docx"] = new Uint8Array([1]);  // a clerk's edited report stays
  const text = await s.addin.report();
  assert.equal(s.xhr.requests[0].url, SERVER + "/api/report");
  assert.deepEqual(s.app.files["/home/clerk/年报-2.docx"], DOCX);
  assert.deepEqual(s.app.files["/home/clerk/年报.docx"], new Uint8Array([1]));
  assert.deepEqual(s.app.opened, ["/home/clerk/年报-2.docx"]);
  assert.equal(text, T.say("wps.report_written", { file: "/home/clerk/年报-2.docx" }) + "\n"
               + T.say("wps.report_notes", { notes: "注意：本机未安装正式字体" }));
  assert.deepEqual(s.app.saves(), []);
});

test("生成报告 refused (409): painted as 校验 paints, and the server's refusal text shown as it is", async () => {
  const result = checked();
  result.findings = Array.from({ length: 7 }, (_, i) => ({ severity: "error", sheet: DATA, cell: "J" + (i + 8), message: "错" + i }))
    .concat([{ severity: "warning", sheet: DATA, cell: "B3", message: "警告" }]);
  // the text is the core's (nianbao.actions.Refusal): the add-in shows it, it counts nothing
  result.refusal = { count: 7, errors: 7, blank_tables: 0, forcible: true,
                     text: "有 7 处错误，未生成年报。请先改正：\n  「三、依申请公开」J8：错0" };
  const s = setup(() => ({ status: 409, body: result }));
  const text = await s.addin.report();
  assert.equal(s.app.ActiveWorkbook.state().sheets[0].fills.D8, "FFC7CE");
  assert.equal(text, result.refusal.text);
  assert.equal(refusal(result), result.refusal.text);
  assert.ok(!Object.keys(s.app.files).some((f) => f.endsWith(".docx")));
});

test("生成报告 refused for a table left wholly blank (a warning, no error): the server's words, not 「有 0 处错误」", async () => {
  const result = checked();
  result.errors = 0;
  result.findings = [{ rule: "table.blank", severity: "warning", sheet: DATA, message: "三、依申请公开…全部未填写" }];
  result.refusal = { count: 1, errors: 0, blank_tables: 1, forcible: true,
                     text: "有 1 处错误或整张未填写的表，未生成年报。请先改正：\n  「三、依申请公开」：三、依申请公开…全部未填写" };
  const s = setup(() => ({ status: 409, body: result }));
  const text = await s.addin.report();
  assert.equal(text, result.refusal.text);
  assert.ok(!text.includes("有 0 处"));
  assert.equal(s.app.ActiveWorkbook.state().sheets[0].fills.D8, "FFC7CE");
});

function blankRefused(forcible) {
  const result = checked();
  result.errors = 0;
  result.findings = [{ rule: "table.blank", severity: "warning", sheet: DATA, message: "全部未填写" }];
  result.refusal = { count: 1, errors: 0, blank_tables: 1, forcible: forcible,
                     text: "有 1 处错误或整张未填写的表，未生成年报。请先改正：\n  全部未填写" };
  return result;
}

test("生成报告 refused where the core allows forcing: the clerk is asked, and 「确定」 publishes anyway", async () => {
  const result = blankRefused(true);
  const s = setup((request) => (request.body.get("force") === "1"
    ? { body: DOCX, type: "application/octet-stream" } : { status: 409, body: result }),
                  { confirm: true });
  const text = await s.addin.report();
  assert.equal(s.asked.length, 1);
  assert.ok(s.asked[0].startsWith(result.refusal.text) && s.asked[0].endsWith(T.say("wps.force_ask")));
  assert.equal(s.xhr.requests.length, 2);
  assert.equal(s.xhr.requests[0].body.get("force"), null);  // asked first, never forced unasked
  assert.equal(s.xhr.requests[1].body.get("force"), "1");
  assert.deepEqual(s.app.files["/home/clerk/年报.docx"], DOCX);
  assert.equal(text, T.say("wps.report_forced") + T.say("wps.report_written", { file: "/home/clerk/年报.docx" }));
  assert.equal(s.app.ActiveWorkbook.state().sheets[0].fills.D8, "FFC7CE");  // the problems stay marked
});

test("生成报告 refused, the clerk says 「取消」: the refusal shown, nothing sent again, nothing written", async () => {
  const s = setup(() => ({ status: 409, body: blankRefused(true) }), { confirm: false });
  const text = await s.addin.report();
  assert.equal(s.asked.length, 1);
  assert.equal(s.xhr.requests.length, 1);
  assert.equal(text, blankRefused(true).refusal.text);
  assert.ok(!Object.keys(s.app.files).some((f) => f.endsWith(".docx")));
});

test("生成报告 refused where the core does not allow forcing: nothing asked", async () => {
  const s = setup(() => ({ status: 409, body: blankRefused(false) }), { confirm: true });
  const text = await s.addin.report();
  assert.equal(s.asked.length, 0);
  assert.equal(s.xhr.requests.length, 1);
  assert.equal(text, blankRefused(false).refusal.text);
});

test("生成报告 refused by a server that sends no refusal text: one message, nothing painted", async () => {
  const result = checked();
  const s = setup(() => ({ status: 409, body: result }));
  await refusedUnchanged(s, "report", { key: "wps.bad_answer", args: { detail: "refusal" } });
});

test("生成报告 where the file cannot be written: one message, nothing opened", async () => {
  const s = setup(() => ({ body: DOCX, type: "application/octet-stream" }));
  s.app.readOnly = "/home/clerk";
  const text = await s.addin.report();
  assert.equal(text, T.say("wps.write_failed", { file: "/home/clerk/年报.docx", detail: "FileSystem" }));
  assert.deepEqual(s.app.opened, []);
});

// -- 导入上年 --------------------------------------------------------------------------------------
test("导入上年 uploads the picked file and opens this year's workbook beside it", async () => {
  const made = new Uint8Array([80, 75, 3, 4, 9]);
  const s = setup(() => ({ body: made, type: "application/octet-stream",
                           headers: { "Content-Disposition": "attachment; filename*=UTF-8''" + encodeURIComponent("2025年报.xlsx") } }),
                  { book: null, picked: "D:\\年报\\2024年报.pdf" });
  s.app.files["D:\\年报\\2024年报.pdf"] = new Uint8Array([37, 80, 68, 70]);
  const text = await s.addin.nextYear();
  const file = await uploaded(s.xhr.requests[0].body);
  assert.equal(s.xhr.requests[0].url, SERVER + "/api/next-year");
  assert.equal(file.name, "2024年报.pdf");
  assert.deepEqual(s.app.files["D:\\年报\\2025年报.xlsx"], made);
  assert.deepEqual(s.app.opened, ["D:\\年报\\2025年报.xlsx"]);
  assert.equal(text, T.say("wps.next_year_done", { file: "D:\\年报\\2025年报.xlsx" }));
});

test("导入上年: a name from the server that is a path is not used", async () => {
  const s = setup(() => ({ body: new Uint8Array([1]), type: "application/octet-stream",
                           headers: { "Content-Disposition": "attachment; filename=\"../../evil.xlsx\"" } }),
                  { book: null, picked: "/home/clerk/2024.xlsx" });
  s.app.files["/home/clerk/2024.xlsx"] = new Uint8Array([1]);
  await s.addin.nextYear();
  assert.ok(s.app.files["/home/clerk/" + T.say("wps.next_year_default")]);
});

test("导入上年 cancelled: nothing said, nothing sent", async () => {
  const s = setup(null, { book: null, picked: false });
  const text = await s.addin.nextYear();
  assert.equal(text, "");
  assert.deepEqual(s.shown, []);
  assert.equal(s.xhr.requests.length, 0);
});

// -- 设置 ------------------------------------------------------------------------------------------
test("设置 opens the settings page in one task pane", () => {
  const s = setup();
  const pane = s.addin.settings();
  assert.equal(pane.url, SERVER + "/wps/settings.html");
  assert.ok(pane.Visible);
  pane.Visible = false;
  assert.equal(s.addin.settings(), pane);
  assert.ok(pane.Visible);
  assert.equal(s.app.panes.length, 1);
});
