import type pg from "pg";
import type { PointColumns } from "./metric-reader.ts";
import type { PointRecord } from "../normalize/normalize-metrics.ts";
import { BinaryCopyRows } from "./copy-binary.ts";
import { copyIn } from "./copy-stream.ts";
import { storableString } from "./stored-json.ts";

/**
 * Tiles: per series and per TILE_STEPS steps, the first, the last, the lowest and the highest
 * point — what M4 downsampling keeps of them. A downsampled chart whose buckets are whole tiles
 * reads one tile row per TILE_STEPS points instead of every point, and keeps exactly the points it
 * would have kept from all of them (collector/api/downsample.ts stepAlignedM4). Points without a
 * step have no tile; a series with such points is always read point by point.
 *
 * Order is (step, time); the lowest and highest ignore NaN, and ties go to the earliest point, as
 * in M4. The writer folds new points in here (fast path: as encoded; staged path: the rows its
 * INSERT returned), so each point counts once, whatever the order points arrive in.
 */
export const TILE_STEPS = 32;

/** A point of a tile: the point record itself where it came from one (no copy per point). */
export type TilePoint = Pick<PointRecord, "timeUnixNano" | "epoch" | "value"> & { step: bigint };

export interface TileStats {
  /** As stored (storableString). */
  project: string;
  seriesId: string;
  tile: bigint;
  count: number;
  first: TilePoint;
  last: TilePoint;
  /** Null while every point of the tile is NaN. */
  min: TilePoint | null;
  max: TilePoint | null;
}

export type TileMap = Map<string, TileStats>;

/** The fields of a point that tiles need. */
export type TiledPoint = Pick<PointRecord, "project" | "seriesId" | "step" | "timeUnixNano" | "epoch" | "value">;

const TILE = BigInt(TILE_STEPS);

/** The tiles of a request's points, folded in order: consecutive points of one tile (the usual case) skip the map. */
export function tilesOfPoints(points: TiledPoint[]): TileMap {
  const tiles: TileMap = new Map();
  let current: TileStats | undefined;
  let currentProject = "";
  let currentEnd = 0n;
  for (const p of points) {
    if (p.step === null) continue;
    const point = p as TilePoint;
    if (current && p.seriesId === current.seriesId && p.project === currentProject && p.step < currentEnd && p.step >= currentEnd - TILE) {
      foldPoint(current, point);
      continue;
    }
    const tile = p.step / TILE;
    // Keyed by the stored project: two that store alike must not become two rows of one key.
    const project = storableString(p.project);
    const key = tileKey(project, p.seriesId, tile);
    current = tiles.get(key);
    if (current) foldPoint(current, point);
    else tiles.set(key, (current = single(project, p.seriesId, tile, point)));
    currentProject = p.project;
    currentEnd = (tile + 1n) * TILE;
  }
  return tiles;
}

function foldPoint(t: TileStats, p: TilePoint): void {
  t.count++;
  if (before(p, t.first)) t.first = p;
  if (before(t.last, p)) t.last = p;
  if (!Number.isNaN(p.value)) {
    if (!t.min || p.value < t.min.value || (p.value === t.min.value && before(p, t.min))) t.min = p;
    if (!t.max || p.value > t.max.value || (p.value === t.max.value && before(p, t.max))) t.max = p;
  }
}

/** The tiles of several units together, in key order (the order every writer locks them in). */
export function mergeTiles(all: TileMap[]): TileStats[] {
  const out: TileMap = new Map();
  for (const tiles of all) {
    for (const [key, t] of tiles) {
      const prev = out.get(key);
      if (prev) mergeInto(prev, t);
      else out.set(key, { ...t });
    }
  }
  return [...out.values()].sort(
    (a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : a.seriesId < b.seriesId ? -1 : a.seriesId > b.seriesId ? 1 : a.tile < b.tile ? -1 : a.tile > b.tile ? 1 : 0),
  );
}

function tileKey(project: string, seriesId: string, tile: bigint): string {
  return project + "\0" + seriesId + "\0" + tile;
}

function single(project: string, seriesId: string, tile: bigint, p: TilePoint): TileStats {
  const finite = !Number.isNaN(p.value);
  return { project, seriesId, tile, count: 1, first: p, last: p, min: finite ? p : null, max: finite ? p : null };
}

function before(a: TilePoint, b: TilePoint): boolean {
  return a.step < b.step || (a.step === b.step && a.timeUnixNano < b.timeUnixNano);
}

function mergeInto(into: TileStats, t: TileStats): void {
  into.count += t.count;
  if (before(t.first, into.first)) into.first = t.first;
  if (before(into.last, t.last)) into.last = t.last;
  if (t.min && (!into.min || t.min.value < into.min.value || (t.min.value === into.min.value && before(t.min, into.min)))) into.min = t.min;
  if (t.max && (!into.max || t.max.value > into.max.value || (t.max.value === into.max.value && before(t.max, into.max)))) into.max = t.max;
}

const PARTS = ["first", "last", "min", "max"] as const;
const FIELDS = ["step", "time", "epoch", "value"] as const;

/** SQL of "the incoming (excluded) point replaces the stored one" for each part; the same rules as mergeInto. */
const REPLACES: Record<(typeof PARTS)[number], string> = {
  first: "(excluded.first_step, excluded.first_time) < (t.first_step, t.first_time)",
  last: "(excluded.last_step, excluded.last_time) > (t.last_step, t.last_time)",
  min: `excluded.min_value IS NOT NULL AND (t.min_value IS NULL OR excluded.min_value < t.min_value
         OR (excluded.min_value = t.min_value AND (excluded.min_step, excluded.min_time) < (t.min_step, t.min_time)))`,
  max: `excluded.max_value IS NOT NULL AND (t.max_value IS NULL OR excluded.max_value > t.max_value
         OR (excluded.max_value = t.max_value AND (excluded.max_step, excluded.max_time) < (t.max_step, t.max_time)))`,
};

const TILE_COLUMNS = ["project", "series_id", "tile", "point_count", ...PARTS.flatMap((p) => FIELDS.map((f) => `${p}_${f}`))];

/** The per-connection staging table upsertTiles needs (create it once per connection). */
export const TILE_STAGE = "tile_stage";

// The stage is emptied by the statement that reads it (a second call in one transaction must not
// fold the first's tiles again); rows go in key order, the order every writer locks them in.
const UPSERT_TILES = `
WITH staged AS (DELETE FROM ${TILE_STAGE} RETURNING *)
INSERT INTO metric_tiles AS t (${TILE_COLUMNS.join(", ")})
SELECT ${TILE_COLUMNS.join(", ")} FROM staged ORDER BY project, series_id, tile
ON CONFLICT (project, series_id, tile) DO UPDATE SET
  point_count = t.point_count + excluded.point_count,
  ${PARTS.flatMap((p) => FIELDS.map((f) => `${p}_${f} = CASE WHEN ${REPLACES[p]} THEN excluded.${p}_${f} ELSE t.${p}_${f} END`)).join(",\n  ")}`;

/**
 * Folds the tiles (from mergeTiles: one per key, in key order) into metric_tiles: binary COPY into
 * the connection's TILE_STAGE, then one upsert from it (a third cheaper for the server than
 * parsing eighteen text arrays, and nothing to print here).
 */
export async function upsertTiles(client: pg.PoolClient, tiles: TileStats[]): Promise<void> {
  if (tiles.length === 0) return;
  const rows = new BinaryCopyRows(tiles.length * 230 + 64);
  for (const t of tiles) {
    rows.row(TILE_COLUMNS.length);
    rows.text(t.project);
    rows.hexBytes(t.seriesId);
    rows.int8(t.tile);
    rows.int8(BigInt(t.count));
    for (const part of PARTS) {
      const p = t[part];
      if (p) {
        rows.int8(p.step);
        rows.int8(p.timeUnixNano);
        rows.int8(p.epoch);
        rows.float8(p.value);
      } else for (let i = 0; i < FIELDS.length; i++) rows.null();
    }
  }
  await copyIn(client, TILE_STAGE, TILE_COLUMNS, [rows.finish()]);
  await client.query(UPSERT_TILES);
}

/** A series' tile candidates: the points M4 can keep when its buckets are whole tiles. */
export interface TileCandidates {
  /** Points the tiles count (all of the series' points only if it equals the series' count). */
  count: number;
  cols: PointColumns;
}

/**
 * One row per tile, each series' rows together and in tile order (no sort of all of them: a
 * lateral index scan per series), of the series in read_series (metric-reader.ts
 * copySeries): series no (int4), point count, then per part step, time, epoch (int8) and value
 * (float8). Read as binary COPY: text would cost more to print and parse than the scan itself.
 */
export const TILE_ROWS_SQL = `
SELECT r.no, t.point_count, ${PARTS.flatMap((p) => FIELDS.map((f) => `t.${p}_${f}`)).join(", ")}
  FROM read_series r
 CROSS JOIN LATERAL (SELECT * FROM metric_tiles t WHERE t.project = r.project AND t.series_id = r.series_id ORDER BY t.tile) t`;

const FIELDS_PER_ROW = 2 + PARTS.length * FIELDS.length;

/** TILE_ROWS_SQL's binary COPY → per series its tiles' points, de-duplicated, in (step, time) order. */
export function parseTileRows(data: Buffer, seriesIds: string[]): Map<string, TileCandidates> {
  const out = new Map<string, TileCandidates>();
  let pos = 11 + 4; // signature, flags
  pos += 4 + data.readUInt32BE(pos); // header extension
  let no = -1;
  let count = 0;
  let step: number[] = [];
  let epoch: number[] = [];
  let time: bigint[] = [];
  let value: number[] = [];
  const flush = (): void => {
    const id = seriesIds[no];
    if (id !== undefined) out.set(id, { count, cols: { step: Float64Array.from(step), epoch: Float64Array.from(epoch), time: BigInt64Array.from(time), value: Float64Array.from(value) } });
  };
  // A tile's up to four points, before ordering (scratch, reused).
  const pStep = [0, 0, 0, 0];
  const pTime = [0n, 0n, 0n, 0n];
  const pEpoch = [0, 0, 0, 0];
  const pValue = [0, 0, 0, 0];
  const order = [0, 1, 2, 3];
  for (;;) {
    const fields = data.readInt16BE(pos);
    pos += 2;
    if (fields === -1) break;
    if (fields !== FIELDS_PER_ROW) throw new Error(`metric tiles: expected ${FIELDS_PER_ROW} fields per row, got ${fields}`);
    const rowNo = data.readInt32BE(pos + 4);
    pos += 8;
    if (rowNo !== no) {
      if (no !== -1) flush();
      (no = rowNo), (count = 0), (step = []), (epoch = []), (time = []), (value = []);
    }
    count += Number(data.readBigInt64BE(pos + 4));
    pos += 12;
    let n = 0;
    for (let part = 0; part < PARTS.length; part++) {
      // step, time, epoch: int8 (epoch may be NULL); value: float8. A part is absent (all four
      // NULL) when the tile's points are all NaN: no lowest or highest.
      if (data.readInt32BE(pos) === -1) {
        pos += 16;
        continue;
      }
      const s = Number(data.readBigInt64BE(pos + 4));
      const t = data.readBigInt64BE(pos + 16);
      pos += 24;
      const epochLength = data.readInt32BE(pos);
      const e = epochLength === -1 ? NaN : Number(data.readBigInt64BE(pos + 4));
      pos += 4 + Math.max(epochLength, 0);
      const v = data.readDoubleBE(pos + 4);
      pos += 12;
      let seen = false;
      for (let k = 0; k < n; k++) if (pStep[k] === s && pTime[k] === t) seen = true;
      if (seen) continue;
      (pStep[n] = s), (pTime[n] = t), (pEpoch[n] = e), (pValue[n] = v);
      // Insertion into (step, time) order.
      let k = n++;
      order[k] = k;
      while (k > 0 && (pStep[order[k - 1]!]! > s || (pStep[order[k - 1]!] === s && pTime[order[k - 1]!]! > t))) {
        [order[k - 1], order[k]] = [order[k]!, order[k - 1]!];
        k--;
      }
    }
    for (let k = 0; k < n; k++) {
      const j = order[k]!;
      step.push(pStep[j]!), time.push(pTime[j]!), epoch.push(pEpoch[j]!), value.push(pValue[j]!);
    }
  }
  if (no !== -1) flush();
  return out;
}
