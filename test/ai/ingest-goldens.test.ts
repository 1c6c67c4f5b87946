/**
 * The AI goldens end to end: every fixture's spans, wrapped into an OTLP request and sent to a
 * running collector, come back from GET /api/traces/{id} with exactly the golden `ai` object
 * (as stored: strings Postgres cannot hold become U+FFFD, docs/storage.md). Spans the receiver
 * refuses (attribute values nested deeper than 64 levels) must be refused and counted, not lost
 * silently.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TraceBatch } from "../../collector/model/trace.ts";
import { traceBatchToOtlpJson } from "../../collector/receiver/otlp/encode-json.ts";
import { aiJson } from "../../collector/storage/ai-columns.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, post, spanId, traceId } from "../support/otlp.ts";
import { GOLDEN_DIR, spanFixtures } from "./support/fixture-files.ts";

let c: TestCollector;
before(async () => (c = await startTestCollector()));
after(() => c.close());

describe("AI goldens through OTLP and the API", () => {
  for (const fixture of spanFixtures()) {
    test(fixture.path, async () => {
      const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, fixture.path), "utf8")) as { spans: Array<{ ai: unknown }> };
      const trace = traceId();
      // One request: each span with a fresh id in one trace, under its own resource and scope.
      const ids = fixture.spans.map(() => spanId());
      const batch: TraceBatch = {
        resourceSpans: fixture.spans.map(({ span, resource, scope }, i) => ({
          resource,
          schemaUrl: "",
          scopeSpans: [
            {
              scope: scope ?? { name: "", version: "", attributes: [], droppedAttributesCount: 0 },
              schemaUrl: "",
              spans: [{ ...span, traceId: trace, spanId: ids[i]!, parentSpanId: "", startTimeUnixNano: BigInt(i + 1), endTimeUnixNano: BigInt(i + 2) }],
            },
          ],
        })),
      };
      const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(traceBatchToOtlpJson(batch)));
      assert.equal(res.status, 200, res.body.toString().slice(0, 500));
      const rejected = Number(res.json().partialSuccess?.rejectedSpans ?? 0);
      if (rejected > 0) assert.match(res.json().partialSuccess.errorMessage, /nested deeper than 64 levels/);

      const stored = rejected === fixture.spans.length ? [] : (await get(c.httpUrl, `/api/traces/${trace}`)).json().spans as Array<{ spanId: string; ai?: unknown }>;
      assert.equal(stored.length, fixture.spans.length - rejected, "every span is stored or refused and counted");
      for (const [i, id] of ids.entries()) {
        const span = stored.find((s) => s.spanId === id);
        if (!span) continue;
        const expected = golden.spans[i]!.ai;
        assert.deepStrictEqual(span.ai ?? null, expected === null ? null : JSON.parse(aiJson(expected as object)), `span ${i} (${fixture.spans[i]!.label})`);
      }
    });
  }
});
