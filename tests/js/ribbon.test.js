/* The ribbon ↔ callbacks check: ribbon.xml's every callback names a function that exists once
 * index.html's scripts have run as a browser runs them (in order, as plain scripts, no module
 * system), every button has its icon, and every message the scripts say is in js/messages.js. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const WPS = path.join(__dirname, "..", "..", "addin", "wps");
const CALLBACK = /\s(onLoad|onAction|getImage|getLabel|getEnabled|getVisible|getScreentip|getSupertip|getKeytip|getSize|getDescription|getShowImage|getShowLabel|getPressed|onChange)="([^"]*)"/g;

function scriptsOf(page) {
  const html = fs.readFileSync(path.join(WPS, page), "utf8");
  return [...html.matchAll(/<script\s+src="([^"]+)"><\/script>/g)].map((m) => m[1]);
}

/* A page's scripts run in one global scope, as the add-in's browser runs them. */
function load(page, extra) {
  const window = Object.assign({ location: { href: "http://server/wps/" + page }, alert() {},
                                 addEventListener() {} }, extra || {});
  window.self = window;
  const context = vm.createContext(window);
  for (const src of scriptsOf(page)) {
    const file = path.join(WPS, src);
    assert.ok(fs.existsSync(file), `${page} loads ${src}, which does not exist`);
    vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: src });
  }
  return context;
}

test("every callback ribbon.xml names is a function of the add-in's page", () => {
  const ribbon = fs.readFileSync(path.join(WPS, "ribbon.xml"), "utf8");
  const named = [...ribbon.matchAll(CALLBACK)].map((m) => m[2]);
  assert.ok(named.length >= 6, "the ribbon names its callbacks");
  const page = load("index.html");
  for (const name of named) {
    const fn = name.split(".").reduce((o, k) => (o == null ? undefined : o[k]), page);
    assert.equal(typeof fn, "function", `ribbon.xml names ${name}, which index.html does not define`);
  }
  const actions = [...ribbon.matchAll(/onAction="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(actions, ["NianbaoCheck", "NianbaoReport", "NianbaoNextYear", "NianbaoSettings"]);
});

test("every button has its icon", () => {
  const ribbon = fs.readFileSync(path.join(WPS, "ribbon.xml"), "utf8");
  const page = load("index.html");
  for (const [, id] of ribbon.matchAll(/<button id="([^"]+)"/g)) {
    const image = page.NianbaoImage({ Id: id });
    assert.ok(fs.existsSync(path.join(WPS, image)), `${id}: ${image} is missing`);
    assert.match(fs.readFileSync(path.join(WPS, image), "utf8"), /^<svg /);
  }
});

test("the settings page's scripts load and define the page", () => {
  const page = load("settings.html");
  assert.equal(typeof page.NianbaoSettingsPage.start, "function");
});

test("every message the scripts say is in js/messages.js", () => {
  const messages = require(path.join(WPS, "js", "messages.js"));
  const used = new Set();
  for (const file of fs.readdirSync(path.join(WPS, "js"))) {
    const source = fs.readFileSync(path.join(WPS, "js", file), "utf8");
    for (const m of source.matchAll(/(?:say|Problem)\(\s*"([a-z_.]+)"/g)) { used.add(m[1]); }
  }
  for (const page of ["settings.html", "index.html"]) {
    const html = fs.readFileSync(path.join(WPS, page), "utf8");
    for (const m of html.matchAll(/data-msg="([^"]+)"/g)) { used.add(m[1]); }
  }
  assert.ok(used.size > 20);
  for (const key of used) { assert.equal(typeof messages[key], "string", `${key} is not in js/messages.js`); }
});

test("the pages run no inline script and no inline style (the server's CSP allows neither)", () => {
  for (const page of ["index.html", "settings.html"]) {
    const html = fs.readFileSync(path.join(WPS, page), "utf8");
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, page);
    assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=/i, page);
  }
});

test("the add-in's scripts keep to ES5 with Promise (older WPS builds ship an older Chromium)", () => {
  const newer = /=>|\blet\b|\bconst\b|`|\.\.\.|\bclass\b|\basync\b|\bawait\b|\?\.|\?\?/;
  for (const file of fs.readdirSync(path.join(WPS, "js"))) {
    const code = fs.readFileSync(path.join(WPS, "js", file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "")
      .replace(/"(?:[^"\\\n]|\\.)*"/g, '""').replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
    assert.doesNotMatch(code, newer, file);
  }
});
