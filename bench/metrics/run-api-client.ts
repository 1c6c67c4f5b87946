/**
 * The Run API client's own CPU cost: the run-api phase of bench:metrics (runApiLoad) against a
 * sink that reads each request and answers an empty ExportMetricsServiceResponse, no collector
 * and no database. The sink runs in a child process, so the CPU figure is the client's alone.
 *
 *   npm run bench:run-api-client -- [--runs 100] [--steps 10000] [--parallel N] [--batch N] [--warmup-steps 2000]
 *   node --cpu-prof --import tsx bench/metrics/run-api-client.ts   # where the time goes (encoding vs node:http and the socket)
 *
 * CPU is process.cpuUsage() (user + system, all threads: GC included) over the timed load only,
 * so it holds up when other processes share the cores; wall time does not.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { runApiLoad } from "./run-api-load.ts";

// Plain JS for `node -e`: counts bytes and requests, answers 200 with an empty protobuf body.
const SINK = `
const { createServer } = require("node:http");
let bytes = 0, requests = 0;
const server = createServer((req, res) => {
  req.on("data", (d) => { bytes += d.length; });
  req.on("end", () => { requests++; res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": "0" }).end(); });
});
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
process.on("message", (m) => {
  if (m === "reset") { bytes = 0; requests = 0; process.send({ reset: true }); }
  else if (m === "report") { const cpu = process.cpuUsage(); process.send({ bytes, requests, cpuSeconds: (cpu.user + cpu.system) / 1e6 }); }
  else if (m === "exit") process.exit(0);
});
`;

interface SinkReport {
  port?: number;
  reset?: boolean;
  bytes?: number;
  requests?: number;
  cpuSeconds?: number;
}

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "100" },
    steps: { type: "string", default: "10000" },
    parallel: { type: "string" },
    batch: { type: "string" },
    "warmup-steps": { type: "string", default: "2000" },
  },
});
const runs = Number(values.runs);
const steps = Number(values.steps);
const parallel = values.parallel ? Number(values.parallel) : runs;
const maxBatchPoints = values.batch ? Number(values.batch) : undefined;
const warmupSteps = Number(values["warmup-steps"]);

const sink = spawn(process.execPath, ["-e", SINK], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
const ask = async (message: string): Promise<SinkReport> => {
  const answer = once(sink, "message") as Promise<[SinkReport]>;
  sink.send(message);
  return (await answer)[0];
};
try {
  const [{ port }] = (await once(sink, "message")) as [SinkReport];
  const endpoint = `http://127.0.0.1:${port}`;
  // JIT warm-up on a smaller load, as bench:metrics warms its collector.
  if (warmupSteps > 0) await runApiLoad({ runs: Math.min(runs, 10), steps: warmupSteps }, { endpoint, parallel: Math.min(parallel, 10), maxBatchPoints, stepsPerYield: 100 });
  await ask("reset");
  const sinkBefore = (await ask("report")).cpuSeconds ?? 0;

  const cpu = process.cpuUsage();
  const r = await runApiLoad({ runs, steps }, { endpoint, parallel, maxBatchPoints, stepsPerYield: 100 });
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;

  const report = await ask("report");
  const sinkCpu = (report.cpuSeconds ?? 0) - sinkBefore;
  console.log(`${r.points.toLocaleString("en")} points, ${runs} runs (${parallel} at once) × ${steps} steps, maxBatchPoints ${maxBatchPoints ?? "default"}`);
  console.log(`wall          ${r.seconds.toFixed(2)} s`);
  console.log(`client CPU    ${cpuSeconds.toFixed(2)} s (user ${(used.user / 1e6).toFixed(2)}, system ${(used.system / 1e6).toFixed(2)})  = ${((cpuSeconds * 1e6) / r.points).toFixed(3)} µs/point`);
  console.log(`sink CPU      ${sinkCpu.toFixed(2)} s (child process, not counted above)`);
  const bytes = report.bytes ?? 0;
  console.log(`sink received ${bytes.toLocaleString("en")} bytes in ${report.requests ?? 0} requests (${(bytes / r.points).toFixed(1)} bytes/point)`);
  console.log(`requests      ${r.requests} sent, ${r.retried} retried, ${r.failedRequests} failed, ${r.droppedPoints} points dropped`);
  if (r.warnings.length > 0) console.log(`warnings      ${r.warnings.slice(0, 3).join(" | ")}`);
} finally {
  sink.send("exit");
}
