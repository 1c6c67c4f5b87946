import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

let c: TestCollector;
let baseline: Baseline;
before(async () => {
  c = await startTestCollector();
  baseline = await plantBaseline(c);
});
after(() => c.close());

test("values Postgres once refused are stored exactly: a uint32 dropped count above 2^31, kilobytes of incompressible name", async () => {
  const name = randomBytes(6000).toString("base64");
  const service = randomBytes(3000).toString("base64");
  const id = traceId();
  const body = jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId(), name, droppedAttributesCount: 4_000_000_000 })], { "service.name": service });
  const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(body));
  assert.equal(res.status, 200, res.body.toString());
  const [span] = (await get(c.httpUrl, `/api/traces/${id}`)).json().spans;
  assert.equal(span.droppedAttributesCount, 4_000_000_000);
  assert.equal(span.name, name);
  assert.equal(span.resource.attributes["service.name"], service, "the resource keeps the full service name");
  const byName = (await get(c.httpUrl, `/api/traces?name=${encodeURIComponent(name)}`)).json().traces;
  assert.deepEqual(byName.map((t: { traceId: string }) => t.traceId), [id], "the long name is found by exact match");
  const byService = (await get(c.httpUrl, `/api/traces?service=${encodeURIComponent(service)}`)).json().traces;
  assert.deepEqual(byService.map((t: { traceId: string }) => t.traceId), [id], "the long service name is found by exact match");
  await assertStillServing(c, baseline, "huge values");
});

test("run ids, projects, experiments and tags of any length make runs that can be found", async () => {
  const runId = "r".repeat(5000);
  const project = "p".repeat(3000);
  const body = {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: "sightline.run.id", value: { stringValue: runId } },
            { key: "sightline.project", value: { stringValue: project } },
            { key: "sightline.experiment", value: { stringValue: "e".repeat(4000) } },
            { key: "sightline.run.tags", value: { arrayValue: { values: [{ stringValue: "t".repeat(3000) }] } } },
          ],
        },
        scopeMetrics: [{ metrics: [{ name: "m".repeat(4000), gauge: { dataPoints: [{ asDouble: 1.5, timeUnixNano: "1" }] } }] }],
      },
    ],
  };
  const res = await post(c.httpUrl, "/v1/metrics", JSON.stringify(body));
  assert.equal(res.status, 200, res.body.toString());
  const q = `project=${encodeURIComponent(project)}`;
  const run = (await get(c.httpUrl, `/api/runs/${encodeURIComponent(runId)}?${q}`)).json().run;
  assert.ok(run, "the run is found by its full id");
  const listed = (await get(c.httpUrl, `/api/runs?${q}&experiment=${"e".repeat(4000)}&tag=${"t".repeat(3000)}`)).json();
  assert.equal(listed.total, 1, "found by its full experiment and tag");
  const metrics = (await get(c.httpUrl, `/api/metrics?${q}&runs=${encodeURIComponent(runId)}&names=${"m".repeat(4000)}`)).json();
  assert.deepEqual(metrics.series[0].points.value, [1.5]);
});
