import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import express from "express";
import { LiveTraces } from "../../collector/api/live-traces.ts";
import { TraceCommits } from "../../collector/pipeline/trace-commits.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { openEventStream } from "../support/sse.ts";

async function ingest(collector: TestCollector, id: string, name: string, resource: Record<string, string> = { "service.name": "live-svc" }): Promise<void> {
  const res = await post(collector.httpUrl, "/v1/traces", JSON.stringify(jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId(), name })], resource)));
  assert.equal(res.status, 200);
}

describe("GET /api/live/traces: new traces as server-sent events", () => {
  let collector: TestCollector;
  before(async () => {
    collector = await startTestCollector({ grpcPort: null });
  });
  after(() => collector.close());

  it("sends the summary of a trace once its spans are committed", async () => {
    const stream = await openEventStream(`${collector.httpUrl}/api/live/traces`);
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get("content-type") ?? "", /text\/event-stream/);
      assert.equal(stream.headers.get("cache-control"), "no-cache, no-transform");
      await new Promise((r) => setTimeout(r, 100)); // the subscription is in place
      const id = traceId();
      await ingest(collector, id, "first");
      const msg = JSON.parse((await stream.next("traces")).data);
      const t = msg.traces.find((x: { traceId: string }) => x.traceId === id);
      assert.ok(t, "the new trace is in the event");
      assert.equal(t.rootName, "first");
      assert.equal(t.serviceName, "live-svc");
      assert.equal(t.spanCount, 1);
      // A later span of the same trace: the summary is sent again, grown.
      await post(collector.httpUrl, "/v1/traces", JSON.stringify(jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId(), name: "second", startTimeUnixNano: "1700000000500000000" })], { "service.name": "live-svc" })));
      const again = JSON.parse((await stream.next("traces")).data).traces.find((x: { traceId: string }) => x.traceId === id);
      assert.equal(again.spanCount, 2);
    } finally {
      stream.close();
    }
  });

  it("serves many clients from one re-read, and only their own project", async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => openEventStream(`${collector.httpUrl}/api/live/traces`)));
    const other = await openEventStream(`${collector.httpUrl}/api/live/traces?project=team-b`);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const id = traceId();
      await ingest(collector, id, "fan-out");
      for (const s of streams) assert.ok(JSON.parse((await s.next("traces")).data).traces.some((t: { traceId: string }) => t.traceId === id));
      await assert.rejects(other.next("traces", 600), /no "traces" event/);
      const b = traceId();
      await ingest(collector, b, "team b's", { "service.name": "b", "sightline.project": "team-b" });
      assert.equal(JSON.parse((await other.next("traces")).data).traces[0].traceId, b);
    } finally {
      for (const s of [...streams, other]) s.close();
    }
  });
});

describe("LiveTraces: heartbeats, disconnects, shutdown", () => {
  it("sends heartbeats, forgets clients that leave, and ends streams on close", async () => {
    const commits = new TraceCommits();
    // No database read happens without commits, so no pool is needed here.
    const live = new LiveTraces(null as never, commits, { heartbeatMs: 40 });
    const app = express();
    app.use("/api", live.router());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/live/traces`;
    try {
      const a = await openEventStream(url);
      const b = await openEventStream(url);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(live.clientCount, 2);
      assert.ok(a.comments.filter((c) => c === "heartbeat").length >= 2, `heartbeats: ${a.comments.join(",")}`);
      a.close();
      const count = (): number => live.clientCount;
      for (let i = 0; i < 50 && count() !== 1; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(count(), 1, "a client that disconnects is dropped");
      live.close();
      assert.equal(live.clientCount, 0);
      b.close();
    } finally {
      live.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("isolates a failing listener from ingest", () => {
    const logged: string[] = [];
    const commits = new TraceCommits((m) => logged.push(m));
    let heard = 0;
    commits.subscribe(() => {
      throw new Error("boom");
    });
    commits.subscribe(() => void heard++);
    commits.announce([{ project: "default", traceIds: ["a"] }]);
    assert.equal(heard, 1);
    assert.match(logged[0] ?? "", /boom/);
  });
});
