/**
 * Metric points through storage: GroupCommitMetricWriter's fast path (COPY straight into
 * metric_points, series aggregates computed from the points) and its staged path (taken when a
 * point is already stored) must store and count every point exactly once and leave identical
 * aggregates; PostgresMetricReader must give every point back exactly (steps and epochs that are
 * missing, NaN and infinite values, times beyond 2^53), in (step, time) order, step-less last.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { NormalizedMetricsBatch, PointRecord, SeriesRecord } from "../../collector/normalize/normalize-metrics.ts";
import { GroupCommitMetricWriter } from "../../collector/storage/metric-writer.ts";
import { PostgresMetricReader } from "../../collector/storage/metric-reader.ts";
import { migratedDatabase } from "../support/storage.ts";

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let writer: GroupCommitMetricWriter;
let reader: PostgresMetricReader;

before(async () => {
  db = await migratedDatabase();
  writer = new GroupCommitMetricWriter(db.pool);
  reader = new PostgresMetricReader(db.pool);
});
after(async () => {
  await writer.close();
  await db.close();
});

const T0 = 1_795_680_000_000_000_000n; // beyond 2^53: must come back exact

function series(id: string): SeriesRecord {
  return {
    project: "default", seriesId: id, runId: "run-" + id.slice(0, 4), name: "loss", kind: "gauge", context: "{}", unit: "", description: "",
    temporality: 0, monotonic: false, valueType: "double", scopeName: "test",
  };
}

function point(seriesId: string, step: number | null, value: number, epoch: number | null = null, dt = 0n): PointRecord {
  return {
    project: "default", seriesId, step: step === null ? null : BigInt(step), epoch: epoch === null ? null : BigInt(epoch),
    timeUnixNano: T0 + BigInt(step ?? 0) * 1000n + dt, startTimeUnixNano: 0n, value, flags: 0, exemplars: [],
  };
}

function batch(s: SeriesRecord[], points: PointRecord[]): NormalizedMetricsBatch {
  return { runs: [...new Set(s.map((x) => x.runId))].map((runId) => ({ project: "default", runId, implicit: false })), series: s, points, distributions: [] };
}

async function aggregates(id: string): Promise<Record<string, unknown>> {
  const { rows } = await db.pool.query(
    `SELECT point_count::int AS n, min_value, max_value, last_step::text, last_time_unix_nano::text AS last_time, last_value,
            (SELECT count(*)::int FROM metric_points p WHERE p.series_id = s.series_id) AS stored
       FROM metric_series s WHERE series_id = decode($1, 'hex')`,
    [id],
  );
  return rows[0];
}

const id = (n: number): string => n.toString(16).padStart(32, "0");

describe("metric points", () => {
  test("a fresh group (fast path) stores every point and exact aggregates", async () => {
    const s = series(id(1));
    const points = [point(s.seriesId, 0, 2.5, 0), point(s.seriesId, 1, NaN, 0), point(s.seriesId, 2, -Infinity, 1), point(s.seriesId, 3, 0.125), point(s.seriesId, 4, Infinity, 1)];
    await writer.writeMetrics(batch([s], points));
    assert.deepEqual(await aggregates(s.seriesId), {
      n: 5, stored: 5, min_value: -Infinity, max_value: Infinity, last_step: "4", last_time: String(T0 + 4000n), last_value: Infinity,
    });
  });

  test("a group with a stored point (staged path) stores only the new ones, with the same aggregates as the fast path", async () => {
    const values = [3, 1, NaN, 7, 5, 2];
    const fast = series(id(2));
    const staged = series(id(3));
    await writer.writeMetrics(batch([fast], values.map((v, i) => point(fast.seriesId, i, v))));
    // Two points first, then the whole sequence again: the COPY meets a stored key and falls back.
    await writer.writeMetrics(batch([staged], values.slice(0, 2).map((v, i) => point(staged.seriesId, i, v))));
    await writer.writeMetrics(batch([staged], values.map((v, i) => point(staged.seriesId, i, v))));
    assert.deepEqual(await aggregates(staged.seriesId), await aggregates(fast.seriesId));
    assert.equal((await aggregates(staged.seriesId)).stored, values.length);
  });

  test("later points move the last point forward only when they come later; earlier ones only count", async () => {
    const s = series(id(4));
    await writer.writeMetrics(batch([s], [point(s.seriesId, 10, 1), point(s.seriesId, null, 9)]));
    await writer.writeMetrics(batch([s], [point(s.seriesId, 5, -3), point(s.seriesId, 10, 4, null, 1n)]));
    assert.deepEqual(await aggregates(s.seriesId), {
      n: 4, stored: 4, min_value: -3, max_value: 9, last_step: "10", last_time: String(T0 + 10_000n + 1n), last_value: 4,
    });
  });

  test("points read back exactly, in (step, time) order with step-less points last, over many series", async () => {
    const all = Array.from({ length: 12 }, (_, i) => series(id(100 + i)));
    const expected = new Map<string, PointRecord[]>();
    const written: PointRecord[] = [];
    all.forEach((s, k) => {
      if (k === 5) return expected.set(s.seriesId, []); // a series without points
      const pts = [
        point(s.seriesId, null, k + 0.5, null, 7n),
        point(s.seriesId, 3, NaN, 2),
        point(s.seriesId, 1, -k - 1, null),
        point(s.seriesId, 1, Infinity, 0, 5n),
        point(s.seriesId, null, -Infinity, 4, 2n),
        point(s.seriesId, 2 ** 40, 1e-300, 2 ** 33),
      ];
      written.push(...pts);
      const order = (p: PointRecord): [number, bigint] => [p.step === null ? Infinity : Number(p.step), p.timeUnixNano];
      expected.set(s.seriesId, [...pts].sort((a, b) => order(a)[0] - order(b)[0] || (order(a)[1] < order(b)[1] ? -1 : 1)));
    });
    await writer.writeMetrics(batch(all, written));
    const columns = await reader.readPoints("default", all.map((s) => s.seriesId));
    for (const s of all) {
      const cols = columns.get(s.seriesId)!;
      const want = expected.get(s.seriesId)!;
      assert.deepEqual([...cols.step], want.map((p) => (p.step === null ? NaN : Number(p.step))), "steps");
      assert.deepEqual([...cols.epoch], want.map((p) => (p.epoch === null ? NaN : Number(p.epoch))), "epochs");
      assert.deepEqual([...cols.time], want.map((p) => p.timeUnixNano), "times");
      assert.deepEqual([...cols.value], want.map((p) => p.value), "values");
    }
  });
});
