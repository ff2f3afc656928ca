// Runs the Office.js client code xlwings Server serves to Excel -- its task pane page, the glue
// (config.js, utils.js with the XHR helper) and custom-functions-code.js -- in headless Chromium against
// a live `xlmodel serve`. Only Microsoft's office.js is replaced, by a minimal stand-in that registers
// custom functions and invokes them as Excel would (2-D ranges, null for an omitted optional, an
// invocation with an address, errors as CustomFunctions.Error).
//
// Usage: node officejs_client.mjs BASE_URL CALLS.json
// CALLS.json: [{"name": "SAVINGS", "args": [[[4]], ...]}, ...]; prints a JSON list of
// {"result": ...} or {"error": {"code": ..., "message": ...}} on stdout.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [base, callsFile] = process.argv.slice(2);
const calls = JSON.parse(readFileSync(callsFile, "utf8"));

// The stand-in for office.js: just enough of the Office, Excel and CustomFunctions runtime.
const STANDIN = `
(() => {
  const registry = {};
  globalThis.__registry = registry;
  class CFError extends Error {
    constructor(code, message) { super(message); this.code = code; this.name = "CustomFunctions.Error"; }
  }
  globalThis.CustomFunctions = {
    associate: (name, fn) => { registry[name] = fn; },
    Error: CFError,
    ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A", divisionByZero: "#DIV/0!", invalidNumber: "#NUM!", nullReference: "#NULL!", invalidName: "#NAME?", invalidReference: "#REF!" },
  };
  const ready = { host: "Excel", platform: "OfficeOnline" };
  globalThis.Office = {
    onReady: (callback) => { if (callback) { setTimeout(() => callback(ready), 0); } return Promise.resolve(ready); },
    context: {
      requirements: { isSetSupported: (name, version) => name === "CustomFunctionsRuntime" ? Number(version) <= 1.4 : false },
      diagnostics: null,
    },
    actions: { associate: () => {} },
    addin: { setStartupBehavior: async () => {}, showAsTaskpane: async () => {} },
    StartupBehavior: { load: "Load", none: "None" },
  };
  const workbook = { name: "Ishøj.xlsx", load: () => {} };
  class RequestContext { constructor() { this.workbook = workbook; this.application = {}; } async sync() {} }
  globalThis.Excel = { RequestContext, run: async (fn) => fn(new RequestContext()) };
})();
`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (message) => logs.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => logs.push(`pageerror: ${error.message}`));
  // Microsoft's office.js (vendored by xlwings Server) needs a real Office host: serve the stand-in instead.
  await page.route("**/office.js", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: STANDIN }));
  // Nothing leaves the machine: only the server under test is reachable.
  await page.route((url) => !url.href.startsWith(base), (route) => route.abort());
  await page.goto(`${base}/taskpane.html`, { waitUntil: "load" });
  await page.waitForFunction(() => globalThis.__registry && globalThis.__registry.SAVINGS && globalThis.xwRequest && globalThis.config, null, { timeout: 30000 });
  for (const call of calls) {
    const outcome = await page.evaluate(async ({ name, args }) => {
      const fn = globalThis.__registry[name];
      if (!fn) { return { error: { code: "not registered", message: name } }; }
      const invocation = { address: "Ark1!B2", setResult: () => {} };
      try {
        return { result: await fn(...args, invocation) };
      } catch (error) {
        return { error: { code: error.code || error.name, message: error.message } };
      }
    }, call);
    results.push(outcome);
  }
  results.push({ registered: await page.evaluate(() => Object.keys(globalThis.__registry).sort()), logs: logs.filter((l) => l.startsWith("pageerror")) });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
