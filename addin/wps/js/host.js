/* What the add-in asks of WPS besides painting: the open workbook, a copy of it to upload (the
 * workbook itself is never saved), reading and writing files, a free name beside a file, opening
 * what was written.  Each failure is one Chinese Problem.  ``app`` is WPS's Application (the et
 * object model with WPS's FileSystem, Env and OAAssist). */
(function (root, factory) {
  var text = typeof module === "object" && module.exports ? require("./text.js") : root.NianbaoText;
  var made = factory(text);
  if (typeof module === "object" && module.exports) { module.exports = made; }
  else { root.NianbaoHost = made; }
})(typeof self !== "undefined" ? self : this, function (T) {
  "use strict";

  function detail(e) { return String(e && e.message || e); }

  function separator(folder) { return folder.indexOf("\\") >= 0 ? "\\" : "/"; }

  function join(folder, name) {
    var sep = separator(folder);
    return folder.slice(-1) === sep ? folder + name : folder + sep + name;
  }

  function folderOf(path) {
    var at = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
    return at > 0 ? path.slice(0, at) : "";
  }

  function baseName(path) {
    return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  }

  function stem(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(0, dot) : name;
  }

  /* The workbook a button works on, saved as .xlsx; a Problem otherwise. */
  function savedWorkbook(app, button) {
    var book = app.ActiveWorkbook;
    if (!book) { throw new T.Problem("wps.no_workbook", { button: button }); }
    var name = String(book.Name || "");
    if (!book.Path) { throw new T.Problem("wps.unsaved", { file: name, button: button }); }
    if (!/\.xlsx$/i.test(name)) { throw new T.Problem("wps.not_xlsx", { file: name, button: button }); }
    return book;
  }

  /* The bytes of ``book`` as it is now (unsaved edits included): SaveCopyAs into the temporary
   * folder, read back, removed.  The workbook itself and its file are left alone. */
  function copyOf(app, book) {
    var tmp = join(String(app.Env.GetTempPath()), "nianbao-" + Date.now() + "-"
                   + Math.floor(Math.random() * 1e9) + ".xlsx");
    try {
      book.SaveCopyAs(tmp);
      var bytes = app.FileSystem.ReadFileAsArrayBuffer(tmp);
      if (!bytes || !bytes.byteLength) { throw new Error("0 bytes"); }
      return bytes;
    } catch (e) {
      throw new T.Problem("wps.copy_failed", { detail: detail(e) });
    } finally {
      try { if (app.FileSystem.Exists(tmp)) { app.FileSystem.Remove(tmp); } } catch (e) { /* best effort */ }
    }
  }

  function readFile(app, path) {
    try {
      var bytes = app.FileSystem.ReadFileAsArrayBuffer(path);
      if (!bytes || !bytes.byteLength) { throw new Error("0 bytes"); }
      return bytes;
    } catch (e) {
      throw new T.Problem("wps.read_failed", { file: path, detail: detail(e) });
    }
  }

  /* ``folder/stem.ext``, or ``stem-2.ext``, ``stem-3.ext`` … — the first name not taken (an
   * existing file, a clerk's edited report, is never replaced). */
  function freePath(app, folder, name) {
    var base = stem(name), ext = name.slice(base.length);
    var path = join(folder, name);
    for (var n = 2; app.FileSystem.Exists(path); n++) { path = join(folder, base + "-" + n + ext); }
    return path;
  }

  function binaryString(buffer) {
    var bytes = new Uint8Array(buffer), parts = [];
    for (var i = 0; i < bytes.length; i += 8192) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 8192)));
    }
    return parts.join("");
  }

  function writeFile(app, path, buffer) {
    var ok;
    try { ok = app.FileSystem.writeAsBinaryString(path, binaryString(buffer)); } catch (e) {
      throw new T.Problem("wps.write_failed", { file: path, detail: detail(e) });
    }
    if (ok === false || !app.FileSystem.Exists(path)) {
      throw new T.Problem("wps.write_failed", { file: path, detail: "FileSystem" });
    }
    return path;
  }

  /* A file the clerk picks (last year's workbook or published report), or null when cancelled. */
  function pick(app) {
    var picked = app.GetOpenFilename(T.say("wps.pick_filter"), 1, T.say("wps.pick_title"));
    return typeof picked === "string" && picked ? picked : null;
  }

  return { savedWorkbook: savedWorkbook, copyOf: copyOf, readFile: readFile, writeFile: writeFile,
           freePath: freePath, pick: pick, join: join, folderOf: folderOf, baseName: baseName,
           stem: stem, binaryString: binaryString };
});
