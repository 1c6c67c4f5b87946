/**
 * The OTLP sender under the Run API (instrumentation/sender.ts) on node:http / node:https, against
 * local stand-ins for the collector: what goes on the wire, what an answer means (partial success,
 * errors, redirects), what is retried (timeouts, refused and lost connections) and when it gives
 * up, and that a process using it over http or https exits by itself once its runs are closed.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ExportMetricsServiceRequest } from "../../collector/receiver/otlp/schema.ts";
import { otlpTimeoutMs } from "../../instrumentation/otlp-env.ts";
import { Run } from "../../instrumentation/run.ts";
import { sendOtlp } from "../../instrumentation/sender.ts";

interface Received {
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** Client port of the connection it came on. */
  remotePort: number;
}

interface StandIn {
  url: string;
  received: Received[];
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** A server (https with `tls`) that reads each request whole, records it, then lets `answer` respond (or not). */
async function standIn(answer: (res: ServerResponse, n: number) => void, o: { port?: number; tls?: { key: Buffer; cert: Buffer } } = {}): Promise<StandIn> {
  const server = o.tls ? createHttpsServer(o.tls) : createServer();
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks), remotePort: req.socket.remotePort ?? 0 });
      answer(res, received.length);
    });
  });
  // Long enough that a client socket left idling would hold its process open for the whole test.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(o.port ?? 0, "127.0.0.1", r));
  return {
    url: `${o.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** sendOtlp with its drop reasons collected. */
async function send(url: string, body: unknown, o: { maxRetryMs: number; timeoutMs?: number }): Promise<{ ok: boolean; drops: string[]; ms: number }> {
  const drops: string[] = [];
  const started = performance.now();
  const ok = await sendOtlp(url, body, { ...o, onDrop: (r) => drops.push(r) });
  return { ok, drops, ms: performance.now() - started };
}

const PROTOBUF = { "content-type": "application/x-protobuf" };
const BODY = Buffer.from([0x0a, 0x03, 0x01, 0x02, 0x03]);

describe("the OTLP sender", () => {
  test("posts the bytes as they are, with content type and length, over one kept-alive connection", async () => {
    const sink = await standIn((res) => res.writeHead(200, PROTOBUF).end());
    try {
      for (let i = 0; i < 3; i++) assert.deepEqual(await send(`${sink.url}/v1/metrics?x=1`, BODY, { maxRetryMs: 1000 }).then((r) => [r.ok, r.drops]), [true, []]);
      const json = await send(`${sink.url}/v1/logs`, { resourceLogs: [], big: 2n ** 64n }, { maxRetryMs: 1000 });
      assert.equal(json.ok, true);
      assert.equal(sink.received.length, 4);
      for (const r of sink.received.slice(0, 3)) {
        assert.equal(r.url, "/v1/metrics?x=1");
        assert.deepEqual(r.body, BODY);
        assert.equal(r.headers["content-type"], "application/x-protobuf");
        assert.equal(r.headers["content-length"], String(BODY.length));
        assert.equal(r.headers["transfer-encoding"], undefined);
      }
      const logs = sink.received[3]!;
      assert.equal(logs.headers["content-type"], "application/json");
      assert.equal(logs.body.toString(), '{"resourceLogs":[],"big":"18446744073709551616"}');
      assert.equal(logs.headers["content-length"], String(logs.body.length));
      assert.equal(new Set(sink.received.map((r) => r.remotePort)).size, 1, "every request on the same connection");
    } finally {
      await sink.close();
    }
  });

  test("sends OTEL_EXPORTER_OTLP_HEADERS with every request, values URL-decoded", async () => {
    const sink = await standIn((res) => res.writeHead(200, PROTOBUF).end());
    const saved = process.env.OTEL_EXPORTER_OTLP_HEADERS;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "authorization=Bearer%20s3cret, x-tenant=team-a";
    try {
      assert.equal((await send(`${sink.url}/v1/metrics`, BODY, { maxRetryMs: 1000 })).ok, true);
      assert.equal(sink.received[0]!.headers.authorization, "Bearer s3cret");
      assert.equal(sink.received[0]!.headers["x-tenant"], "team-a");
      assert.equal(sink.received[0]!.headers["content-type"], "application/x-protobuf");
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      else process.env.OTEL_EXPORTER_OTLP_HEADERS = saved;
      await sink.close();
    }
  });

  test("reports a partial success, and drops at once a request the collector refuses, with its message", async () => {
    const message = Buffer.from("bad point");
    // ExportMetricsServiceResponse { partial_success { rejected_data_points: 1, error_message } }; then google.rpc.Status { code: 3, message }.
    const partial = Buffer.concat([Buffer.from([0x0a, message.length + 4, 0x08, 0x01, 0x12, message.length]), message]);
    const status = Buffer.concat([Buffer.from([0x08, 0x03, 0x12, message.length]), message]);
    const sink = await standIn((res, n) => res.writeHead(n === 1 ? 200 : 400, PROTOBUF).end(n === 1 ? partial : status));
    try {
      const first = await send(`${sink.url}/v1/metrics`, BODY, { maxRetryMs: 1000 });
      assert.equal(first.ok, true);
      assert.deepEqual(first.drops, ["the collector rejected part of a request: bad point"]);
      const second = await send(`${sink.url}/v1/metrics`, BODY, { maxRetryMs: 1000 });
      assert.equal(second.ok, false);
      assert.deepEqual(second.drops, ["HTTP 400: bad point"]);
      assert.equal(sink.received.length, 2, "a 400 is not retried");
    } finally {
      await sink.close();
    }
  });

  test("a redirect is not followed: the request is dropped and the redirect reported", async () => {
    const elsewhere = await standIn((res) => res.writeHead(200, PROTOBUF).end());
    const redirecting = await standIn((res) => res.writeHead(307, { location: `${elsewhere.url}/v1/metrics` }).end());
    try {
      const r = await send(`${redirecting.url}/v1/metrics`, BODY, { maxRetryMs: 1000 });
      assert.equal(r.ok, false);
      assert.equal(r.drops.length, 1);
      assert.match(r.drops[0]!, /^HTTP 307 \(redirect to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics, not followed\)/);
      assert.ok(r.drops[0]!.includes(elsewhere.url));
      assert.equal(redirecting.received.length, 1, "not retried");
      assert.equal(elsewhere.received.length, 0, "not followed");
    } finally {
      await redirecting.close();
      await elsewhere.close();
    }
  });

  test("an endpoint that is not http or https is dropped at once", async () => {
    for (const url of ["ftp://127.0.0.1/v1/metrics", "localhost:4318/v1/metrics", "127.0.0.1:4318/v1/metrics"]) {
      const r = await send(url, BODY, { maxRetryMs: 60_000 });
      assert.equal(r.ok, false);
      assert.equal(r.drops.length, 1);
      assert.match(r.drops[0]!, /^(unsupported OTLP endpoint protocol|invalid OTLP endpoint URL)/);
      assert.ok(r.ms < 1000);
    }
  });

  test("an attempt that gets no complete answer times out and is retried, until maxRetryMs", { timeout: 8000 }, async () => {
    // Odd attempts get no answer at all, even ones the status line and part of the body.
    const hanging = await standIn((res, n) => {
      if (n % 2 === 0) res.writeHead(200, { ...PROTOBUF, "content-length": "100" }).write("partial");
    });
    try {
      const r = await send(`${hanging.url}/v1/metrics`, BODY, { maxRetryMs: 1500, timeoutMs: 150 });
      assert.equal(r.ok, false);
      assert.ok(hanging.received.length >= 3, `attempts: ${hanging.received.length}`);
      assert.deepEqual(r.drops, ["gave up after retrying for 2 s: no complete answer within 150 ms"]);
      // The last attempt starts before maxRetryMs has passed and lasts one timeout at most.
      assert.ok(r.ms < 1500 + 150 + 500, `${r.ms} ms`);
    } finally {
      await hanging.close();
    }
  });

  test("a Run's attempts time out after OTEL_EXPORTER_OTLP_METRICS_TIMEOUT, else OTEL_EXPORTER_OTLP_TIMEOUT, unless its timeoutMs says otherwise", { timeout: 10_000 }, async () => {
    assert.equal(otlpTimeoutMs("metrics", { OTEL_EXPORTER_OTLP_TIMEOUT: "250" }), 250);
    assert.equal(otlpTimeoutMs("metrics", { OTEL_EXPORTER_OTLP_TIMEOUT: "250", OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: "120" }), 120);
    assert.equal(otlpTimeoutMs("logs", { OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: "120" }), undefined);
    assert.equal(otlpTimeoutMs("metrics", { OTEL_EXPORTER_OTLP_TIMEOUT: "soon" }), undefined);
    const hanging = await standIn(() => undefined);
    const saved = process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = "150";
    try {
      const fromEnv = new Run({ endpoint: hanging.url, maxRetryMs: 600 });
      fromEnv.track(1, { name: "loss" });
      await fromEnv.close();
      const explicit = new Run({ endpoint: hanging.url, maxRetryMs: 600, timeoutMs: 90 });
      explicit.track(1, { name: "loss" });
      await explicit.close();
      assert.ok(warnings.some((w) => w.includes(fromEnv.runId) && w.includes("no complete answer within 150 ms")), warnings.join("\n"));
      assert.ok(warnings.some((w) => w.includes(explicit.runId) && w.includes("no complete answer within 90 ms")), warnings.join("\n"));
    } finally {
      console.warn = warn;
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
      else process.env.OTEL_EXPORTER_OTLP_TIMEOUT = saved;
      await hanging.close();
    }
  });

  test("a refused connection is retried until the collector listens", { timeout: 10_000 }, async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const sink = new Promise<StandIn>((resolve) => setTimeout(() => resolve(standIn((res) => res.writeHead(200, PROTOBUF).end(), { port })), 300));
    try {
      const r = await send(`http://127.0.0.1:${port}/v1/metrics`, BODY, { maxRetryMs: 5000 });
      assert.deepEqual([r.ok, r.drops], [true, []]);
      assert.ok(r.ms >= 250, "sent only once the server was up");
      assert.equal((await sink).received.length, 1);
    } finally {
      await (await sink).close();
    }
    const refused = await send(`http://127.0.0.1:${port}/v1/metrics`, BODY, { maxRetryMs: 300 });
    assert.equal(refused.ok, false);
    assert.match(refused.drops[0]!, /^gave up after retrying for 0 s: connect ECONNREFUSED/);
  });

  test("a connection lost mid-answer or reset while idle is retried, and never crashes the process", { timeout: 5000 }, async () => {
    const sink = await standIn((res, n) => {
      if (n === 1) {
        res.writeHead(200, { ...PROTOBUF, "content-length": "100" }).write("partial");
        setTimeout(() => res.socket?.destroy(), 20);
      } else res.writeHead(200, PROTOBUF).end();
    });
    try {
      const r = await send(`${sink.url}/v1/metrics`, BODY, { maxRetryMs: 5000 });
      assert.deepEqual([r.ok, r.drops], [true, []]);
      assert.equal(sink.received.length, 2);
      // The connection now idles in the agent: reset it (RST) under the client.
      for (const s of sink.sockets) s.resetAndDestroy();
      await new Promise((r) => setTimeout(r, 100));
      const again = await send(`${sink.url}/v1/metrics`, BODY, { maxRetryMs: 5000 });
      assert.deepEqual([again.ok, again.drops], [true, []]);
      assert.equal(sink.received.length, 3);
    } finally {
      await sink.close();
    }
  });
});

const RUN_MODULE = new URL("../../instrumentation/run.ts", import.meta.url).href;

/**
 * A training script in its own process: a Run tracks 1000 points and the script returns, after
 * awaiting close() or (closeRun false) leaving the run to be flushed as the process is about to
 * exit. Prints when its code is done; the process must exit by itself soon after.
 */
async function trainingScript(endpoint: string, closeRun: boolean, env: NodeJS.ProcessEnv = {}): Promise<{ exitCode: number | null; exitAfterMs: number; stderr: string }> {
  const code = `
    import { Run } from ${JSON.stringify(RUN_MODULE)};
    const run = new Run({ endpoint: ${JSON.stringify(endpoint)}, maxRetryMs: 3000 });
    for (let step = 0; step < 1000; step++) run.track(step, { name: "x", step });
    ${closeRun ? "await run.close();" : ""}
    console.log(Date.now());
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [exitCode] = (await once(child, "exit")) as [number | null];
  clearTimeout(kill);
  return { exitCode, exitAfterMs: Date.now() - Number(stdout.trim()), stderr };
}

function pointsIn(received: Received[]): number[] {
  const out: number[] = [];
  for (const r of received) {
    if (r.url !== "/v1/metrics") continue;
    const request = ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(r.body), { defaults: false, arrays: true }) as {
      resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ gauge?: { dataPoints: Array<{ asDouble: number }> } }> }> }>;
    };
    for (const rm of request.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) for (const p of m.gauge?.dataPoints ?? []) out.push(p.asDouble);
  }
  return out;
}

describe("a process sending through the Run API", () => {
  for (const closeRun of [true, false]) {
    test(`exits by itself once its code is done, ${closeRun ? "after awaiting run.close()" : "flushing the run on its way out"}`, async () => {
      const sink = await standIn((res) => res.writeHead(200, PROTOBUF).end());
      try {
        const r = await trainingScript(sink.url, closeRun);
        assert.equal(r.exitCode, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.deepEqual(pointsIn(sink.received), [...Array(1000).keys()]);
        // Kept alive, and the server would keep it for a minute: only the client can let the process go.
        assert.ok(sink.received.every((q) => q.headers.connection === "keep-alive"));
        assert.ok(r.exitAfterMs < 2000, `exited ${r.exitAfterMs} ms after its code was done`);
      } finally {
        await sink.close();
      }
    });
  }

  test("sends over https (a throwaway self-signed certificate, trusted by the script's process) and exits", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "sightline-tls-"));
    try {
      try {
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
      } catch {
        t.skip("no openssl to make a certificate with");
        return;
      }
      const tls = { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
      const sink = await standIn((res) => res.writeHead(200, PROTOBUF).end(), { tls });
      try {
        assert.match(sink.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const r = await trainingScript(sink.url, true, { NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") });
        assert.equal(r.exitCode, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.deepEqual(pointsIn(sink.received), [...Array(1000).keys()]);
        assert.ok(r.exitAfterMs < 2000, `exited ${r.exitAfterMs} ms after its code was done`);
      } finally {
        await sink.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
