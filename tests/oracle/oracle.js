// Runs Microsoft's Kusto.Language analyser (npm @kusto/language-service-next) over KQL queries.
// Input on stdin: a JSON array of query strings. Output on stdout: a JSON array, one entry per
// query: {"diagnostics": [{"code", "severity", "message", "start", "length"}]}, with offsets in
// UTF-16 code units of the query as given.
"use strict";
global.Bridge = require("@kusto/language-service-next/bridge.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.js");
const K = global.Kusto.Language;

function analyse(text) {
  const code = K.KustoCode.ParseAndAnalyze(text);
  const list = code.GetDiagnostics();
  const out = [];
  const n = list.Count;
  for (let i = 0; i < n; i++) {
    const d = list.getItem(i);
    out.push({
      code: d.Code,
      severity: d.Severity,
      message: d.Message,
      start: d.Start,
      length: d.Length,
    });
  }
  return { diagnostics: out };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const queries = JSON.parse(input);
  process.stdout.write(JSON.stringify(queries.map(analyse)));
});
