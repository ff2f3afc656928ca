// xlwings Lite runs the functions in Pyodide inside Excel. Here: Pyodide from the npm registry, in Node,
// offline. It loads the wheels it can find in WHEELS_DIR (micropip, no index), imports `udfs` and calls
// SAVINGS; what cannot be loaded is reported, so the test can say exactly what is missing.
//
// Usage: node pyodide_lite.mjs WHEELS_DIR  -> prints JSON {"python": ..., "loaded": [...], "missing": {...}, "savings": ...}
import { readdirSync } from "node:fs";
import path from "node:path";
import { loadPyodide } from "pyodide";

const wheels = process.argv[2];
const out = { loaded: [], missing: {} };
const pyodide = await loadPyodide();
out.python = pyodide.runPython("import sys; sys.version.split()[0]");
// Packages of the Pyodide distribution itself (numpy, pandas, scipy, ...) come from its CDN, unreachable here.
for (const name of ["numpy", "pandas", "scipy", "micropip"]) {
  try {
    await pyodide.loadPackage(name, { messageCallback: () => {}, errorCallback: () => {} });
    pyodide.runPython(`import ${name}`);
    out.loaded.push(name);
  } catch (error) {
    out.missing[name] = String(error.message || error).split("\n")[0].slice(0, 200);
  }
}
if (out.loaded.includes("micropip")) {
  const files = readdirSync(wheels).filter((f) => f.endsWith(".whl"));
  for (const file of files) {
    pyodide.FS.writeFile(`/tmp/${file}`, new Uint8Array(await (await import("node:fs/promises")).readFile(path.join(wheels, file))));
  }
  try {
    await pyodide.runPythonAsync(`import micropip\nawait micropip.install([${files.map((f) => `"emfs:/tmp/${f}"`).join(", ")}], deps=False)`);
  } catch (error) {
    out.missing.wheels = String(error.message || error).split("\n").slice(-2).join(" ").slice(0, 300);
  }
}
try {
  out.savings = pyodide.runPython("import udfs\nudfs.savings([[4]], [[146000]], [[44287]], [[2021]], None, None, None, [[1]])").toJs();
} catch (error) {
  out.missing.udfs = String(error.message || error).split("\n").filter((l) => l.includes("Error")).slice(-1)[0] || String(error).slice(0, 200);
}
process.stdout.write(JSON.stringify(out));
