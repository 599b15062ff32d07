import { tsImport } from "tsx/esm/api";
const { runRenderTask } = await tsImport("./app/lib/render-task.server.ts", import.meta.url);
const headers = Array.from({ length: 30 }, (_, i) => "Column " + i);
const rows = Array.from({ length: Number(process.env.ROWS ?? 10000) }, (_, r) => headers.map((_, c) => "値 " + r + " каз " + c + " delegate name text"));
let peak = 0; const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 5);
const t = performance.now();
const out = await runRenderTask({ kind: "xlsx", input: { sheetName: "Roster", headers, rows } });
clearInterval(iv);
console.log("xlsx bytes", out.length, "ms", (performance.now() - t).toFixed(0), "peak heap", (peak / 1048576).toFixed(0));
