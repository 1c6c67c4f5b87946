import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Span } from "../../collector/model/trace.ts";
import { GroupCommitSpanWriter } from "../../collector/storage/span-writer.ts";
import type { NormalizedTraceBatch } from "../../collector/storage/trace-records.ts";
import { spanId, traceId } from "../support/otlp.ts";
import { batchOf, migratedDatabase, modelSpan } from "../support/storage.ts";

/**
 * The span writer folds new spans into trace summaries on two paths: straight COPY (summaries
 * computed in JS, when every span of the group is new) and the staged INSERT … ON CONFLICT (in SQL,
 * when the group re-sends a stored span). The same spans must give the same summaries either way.
 */

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let writer: GroupCommitSpanWriter;

before(async () => {
  db = await migratedDatabase();
  writer = new GroupCommitSpanWriter(db.pool);
});
after(async () => {
  await writer.close();
  await db.close();
});

const T = 1_700_000_000_000_000_000n;

/** Several traces whose roots are decided by every rule: parentless first, then start, then span id. */
function tricky(): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < 6; i++) {
    const t = traceId();
    const same = T + BigInt(i) * 1000n;
    const ids = Array.from({ length: 5 }, () => spanId());
    // No parentless span (the earliest, by span id among equals), one that starts late, or two that tie.
    const parentless = i % 3 === 0 ? [] : i % 3 === 1 ? [ids[3]!] : [ids[0]!, ids[1]!];
    for (const [k, id] of ids.entries()) {
      spans.push(
        modelSpan({
          traceId: t,
          spanId: id,
          parentSpanId: parentless.includes(id) ? "" : spanId(),
          name: `op ${k} \u0000 ${"é".repeat(k)}`,
          // Three spans tie for the earliest start, so the span id decides among them.
          startTimeUnixNano: k < 3 ? same - 10n : same,
          endTimeUnixNano: same + BigInt(10 * k + 5),
          status: { code: k === 2 || (i === 4 && k === 0) ? 2 : 0, message: "" },
        }),
      );
    }
  }
  return spans;
}

/** The spans of one group spread over resources of services that sort differently by case (each span always in the same one). */
function asBatch(spans: Span[], project: string): NormalizedTraceBatch {
  const services = ["b-svc", "A-svc", "a-svc"];
  const serviceOf = (s: Span): number => Number.parseInt(s.spanId.slice(-4), 16) % services.length;
  const parts = services.map((service, i) => batchOf(spans.filter((s) => serviceOf(s) === i), service, project));
  return { runs: parts.flatMap((p) => p.runs), resourceSpans: parts.flatMap((p) => p.resourceSpans), ai: new Map() };
}

/** Every column of the project's summaries (any column added later is compared too), less bookkeeping. */
async function summaries(project: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.pool.query<Record<string, unknown>>("SELECT * FROM traces WHERE project = $1 ORDER BY trace_id", [project]);
  return rows.map(({ project: _project, first_seen: _first, updated_at: _updated, ...summary }) => summary);
}

describe("trace summaries", () => {
  test("are the same whether a group is COPYed straight in or staged because it re-sends a span", async () => {
    const spans = tricky();
    const [first, ...rest] = spans as [Span, ...Span[]];
    // Both projects first get one span alone; then the direct project gets the rest (all new: the
    // fast path), the staged one gets the rest plus the stored span again (a re-send: the staged path).
    await writer.writeSpans(asBatch([first], "direct"));
    await writer.writeSpans(asBatch([first], "staged"));
    await writer.writeSpans(asBatch(rest, "direct"));
    await writer.writeSpans(asBatch([...rest, first], "staged"));
    const direct = await summaries("direct");
    assert.equal(direct.length, 6);
    assert.deepEqual(direct, await summaries("staged"));
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM spans WHERE project = 'staged'");
    assert.equal(Number(rows[0]!.n), spans.length);
  });

  test("are the same when a whole trace arrives in one group, either way", async () => {
    const spans = tricky();
    const decoy = modelSpan({ traceId: traceId(), spanId: spanId() });
    await writer.writeSpans(asBatch([decoy], "staged-2"));
    await writer.writeSpans(asBatch(spans, "direct-2"));
    await writer.writeSpans(asBatch([decoy, ...spans], "staged-2"));
    const staged = (await summaries("staged-2")).filter((r) => !Buffer.from(decoy.traceId, "hex").equals(r.trace_id as Buffer));
    assert.deepEqual(await summaries("direct-2"), staged);
  });
});
