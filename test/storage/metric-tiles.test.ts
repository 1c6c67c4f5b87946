/**
 * metric_tiles through storage: whatever order points arrive in, in however many requests, with
 * re-sends (the writer's staged path) and concurrent writers, the stored tiles must be exactly the
 * tiles of the distinct points (tilesOfPoints over all of them), and readTileCandidates must give
 * back points that M4 on whole-tile buckets picks exactly as it picks from every point.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { stepAlignedM4 } from "../../collector/api/downsample.ts";
import type { NormalizedMetricsBatch, PointRecord, SeriesRecord } from "../../collector/normalize/normalize-metrics.ts";
import { GroupCommitMetricWriter } from "../../collector/storage/metric-writer.ts";
import { PostgresMetricReader } from "../../collector/storage/metric-reader.ts";
import { mergeTiles, TILE_STEPS, tilesOfPoints } from "../../collector/storage/metric-tiles.ts";
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

const T0 = 1_795_680_000_000_000_000n;
const id = (n: number): string => n.toString(16).padStart(32, "0");

function series(seriesId: string): SeriesRecord {
  return {
    project: "default", seriesId, runId: "run-" + seriesId.slice(-4), name: "loss", kind: "gauge", context: "{}", unit: "", description: "",
    temporality: 0, monotonic: false, valueType: "double", scopeName: "test",
  };
}

function batch(s: SeriesRecord, points: PointRecord[]): NormalizedMetricsBatch {
  return { runs: [{ project: "default", runId: s.runId, implicit: false }], series: [s], points, distributions: [] };
}

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Points with repeated values (ties), NaN, ±Infinity, several points at one step (different times), gaps. */
function points(seriesId: string, n: number, rnd: () => number): PointRecord[] {
  const out: PointRecord[] = [];
  for (let i = 0; i < n; i++) {
    const step = BigInt(Math.floor(i * 1.3));
    const r = rnd();
    const value = r < 0.05 ? NaN : r < 0.07 ? Infinity : r < 0.09 ? -Infinity : Math.round(rnd() * 20) / 4;
    out.push({
      project: "default", seriesId, step, epoch: rnd() < 0.5 ? null : step / 100n, timeUnixNano: T0 + BigInt(i) * 7n - (i % 3 === 0 ? 1n : 0n),
      startTimeUnixNano: 0n, value, flags: 0, exemplars: [],
    });
  }
  return out;
}

function shuffled<T>(list: T[], rnd: () => number): T[] {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function storedTiles(seriesId: string): Promise<unknown[]> {
  const { rows } = await db.pool.query(
    `SELECT tile::text, point_count::int, first_step::text, first_time::text, first_epoch::text, first_value, last_step::text, last_time::text, last_epoch::text, last_value,
            min_step::text, min_time::text, min_epoch::text, min_value, max_step::text, max_time::text, max_epoch::text, max_value
       FROM metric_tiles t WHERE series_id = decode($1, 'hex') ORDER BY t.tile`,
    [seriesId],
  );
  return rows;
}

function expectedTiles(all: PointRecord[]): unknown[] {
  const text = (v: bigint | null | undefined): string | null => (v === null || v === undefined ? null : v.toString());
  return mergeTiles([tilesOfPoints(all)]).map((t) => ({
    tile: t.tile.toString(), point_count: t.count,
    first_step: text(t.first.step), first_time: text(t.first.timeUnixNano), first_epoch: text(t.first.epoch), first_value: t.first.value,
    last_step: text(t.last.step), last_time: text(t.last.timeUnixNano), last_epoch: text(t.last.epoch), last_value: t.last.value,
    min_step: text(t.min?.step), min_time: text(t.min?.timeUnixNano), min_epoch: text(t.min?.epoch), min_value: t.min?.value ?? null,
    max_step: text(t.max?.step), max_time: text(t.max?.timeUnixNano), max_epoch: text(t.max?.epoch), max_value: t.max?.value ?? null,
  }));
}

describe("metric tiles", () => {
  test("one request (fast path): the tiles of its points", async () => {
    const s = series(id(1));
    const all = points(s.seriesId, 1000, random(1));
    await writer.writeMetrics(batch(s, all));
    assert.deepEqual(await storedTiles(s.seriesId), expectedTiles(all));
  });

  test("shuffled requests, re-sends and overlaps (staged path), concurrently: each point counted once, same tiles", async () => {
    const s = series(id(2));
    const rnd = random(2);
    const all = points(s.seriesId, 3000, rnd);
    const order = shuffled(all, rnd);
    const chunks: PointRecord[][] = [];
    for (let i = 0; i < order.length; i += 250) chunks.push(order.slice(i, i + 400)); // overlapping: 150 points re-sent per request
    chunks.push(order.slice(0, 500)); // a whole request re-sent
    await Promise.all(chunks.map((c) => writer.writeMetrics(batch(s, c))));
    assert.deepEqual(await storedTiles(s.seriesId), expectedTiles(all));
    const { rows } = await db.pool.query("SELECT point_count::int AS n FROM metric_series WHERE series_id = decode($1, 'hex')", [s.seriesId]);
    assert.equal(rows[0].n, all.length);
  });

  test("points without a step have no tile: the tiles then count fewer points than the series", async () => {
    const s = series(id(3));
    const all = points(s.seriesId, 100, random(3));
    all[10] = { ...all[10]!, step: null };
    await writer.writeMetrics(batch(s, all));
    const t = (await reader.readTileCandidates("default", [s.seriesId])).get(s.seriesId)!;
    assert.equal(t.count, 99);
  });

  test("M4 on whole-tile buckets keeps the same points from the tile candidates as from every point", async () => {
    const s = series(id(4));
    const all = points(s.seriesId, 5000, random(4));
    await writer.writeMetrics(batch(s, shuffled(all, random(5))));
    const raw = (await reader.readPoints("default", [s.seriesId])).get(s.seriesId)!;
    const tiles = (await reader.readTileCandidates("default", [s.seriesId])).get(s.seriesId)!;
    assert.equal(tiles.count, all.length);
    assert.ok(tiles.cols.value.length < all.length / 4, "tiles hold far fewer points than the series");
    for (const width of [TILE_STEPS, 3 * TILE_STEPS, 40 * TILE_STEPS]) {
      const pick = (cols: typeof raw, idx: Uint32Array) =>
        [...idx].map((i) => [cols.step[i], cols.time[i], cols.epoch[i], cols.value[i]]);
      const fromRaw = pick(raw, stepAlignedM4(raw, width, 10_000).indices);
      const fromTiles = pick(tiles.cols, stepAlignedM4(tiles.cols, width, 10_000).indices);
      assert.deepEqual(fromTiles, fromRaw, `width ${width}`);
      assert.ok(fromRaw.length > 0);
    }
  });
});

describe("projects that store alike", () => {
  test("a project with a NUL and its stored form (U+FFFD) are one project: one series row, every point counted once", async () => {
    const seriesId = id(9);
    const raw = "lab\u0000a";
    const stored = "lab\ufffda";
    const rnd = random(9);
    const [p0, p1] = points(seriesId, 2, rnd);
    const s = (project: string): SeriesRecord => ({ ...series(seriesId), project });
    await writer.writeMetrics({
      runs: [{ project: raw, runId: "run-nul", implicit: false }],
      series: [s(raw), s(stored)],
      points: [{ ...p0!, project: raw }, { ...p1!, project: stored }],
      distributions: [],
    });
    const { rows } = await db.pool.query(
      `SELECT s.point_count::int AS n, (SELECT sum(point_count)::int FROM metric_tiles t WHERE t.project = s.project AND t.series_id = s.series_id) AS tiled,
              (SELECT count(*)::int FROM metric_points p WHERE p.project = s.project AND p.series_id = s.series_id) AS stored
         FROM metric_series s WHERE s.series_id = decode($1, 'hex')`,
      [seriesId],
    );
    assert.deepEqual(rows, [{ n: 2, tiled: 2, stored: 2 }]);
  });
});
