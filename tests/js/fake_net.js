/* A fake XMLHttpRequest for node tests: ``server(request)`` answers each request —
 * {status, type, body (object → JSON, string, or bytes), headers} — or "down" (the connection
 * fails), "silent" (no answer: the request times out).  Every request is recorded. */
"use strict";

function fakeXHR(server) {
  var requests = [];
  function XHR() {
    this.headers = {};
    this.status = 0;
    this.response = null;
    this.timeout = 0;
  }
  XHR.prototype.open = function (method, url) { this.method = method; this.url = url; };
  XHR.prototype.getResponseHeader = function (name) {
    var key = Object.keys(this.headers).filter(function (k) { return k.toLowerCase() === name.toLowerCase(); })[0];
    return key === undefined ? null : this.headers[key];
  };
  XHR.prototype.send = function (body) {
    var xhr = this;
    var request = { method: this.method, url: this.url, body: body, timeout: this.timeout };
    requests.push(request);
    Promise.resolve().then(function () { return server(request); }).then(function (answer) {
      if (answer === "down") { xhr.onerror(); return; }
      if (answer === "silent") { xhr.ontimeout(); return; }
      var body = answer.body, type = answer.type;
      if (body !== null && typeof body === "object" && !(body instanceof Uint8Array)) {
        body = JSON.stringify(body);
        type = type || "application/json";
      }
      if (typeof body === "string") { body = new TextEncoder().encode(body); }
      xhr.status = answer.status || 200;
      xhr.headers = Object.assign({ "Content-Type": type || "application/octet-stream" }, answer.headers || {});
      xhr.response = body ? body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) : null;
      xhr.onload();
    });
  };
  var make = function () { return new XHR(); };
  make.requests = requests;
  return make;
}

/* The file a FormData holds under "file", as {name, bytes}. */
async function uploaded(form) {
  var file = form.get("file");
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

module.exports = { fakeXHR: fakeXHR, uploaded: uploaded };
