import http from "node:http";

/**
 * Latency of GET /api/metrics as a chart sees it: time from sending the request to the last byte
 * of the answer, over one keep-alive connection, `repeat` calls after `warmup` unmeasured ones.
 * The first answer is parsed and checked (series count, points per series).
 */
export interface QueryLatency {
  label: string;
  path: string;
  calls: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  /** Bytes of the answer (uncompressed; the API does not compress). */
  bytes: number;
  series: number;
  /** Points in the answer, all series together. */
  points: number;
  check: string;
  /** CPU milliseconds per call (warm-up calls included) of the collector, the database's backends, and the rest of the machine. */
  cpuPerCallMs?: { collector: number; postgres: number; other: number };
}

export interface QueryCase {
  label: string;
  path: string;
  repeat: number;
  warmup: number;
  expectSeries: number;
  /** Each series must have exactly this many points (full resolution), or at most this many (downsampled). */
  expectPoints: { exactly?: number; atMost?: number };
}

export async function measureQuery(baseUrl: string, c: QueryCase): Promise<QueryLatency> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(c.path, baseUrl);
  const times: number[] = [];
  let first: Buffer | undefined;
  try {
    for (let i = 0; i < c.warmup + c.repeat; i++) {
      const t0 = performance.now();
      const body = await get(url, agent);
      const ms = performance.now() - t0;
      first ??= body;
      if (i >= c.warmup) times.push(ms);
    }
  } finally {
    agent.destroy();
  }
  const parsed = JSON.parse(first!.toString("utf8")) as { series: Array<{ points: { step: number[] }; downsampled: boolean }> };
  const counts = parsed.series.map((s) => s.points.step.length);
  const problems: string[] = [];
  if (parsed.series.length !== c.expectSeries) problems.push(`${parsed.series.length} series, expected ${c.expectSeries}`);
  if (c.expectPoints.exactly !== undefined && counts.some((n) => n !== c.expectPoints.exactly)) problems.push(`a series has ${counts.find((n) => n !== c.expectPoints.exactly)} points, expected ${c.expectPoints.exactly}`);
  if (c.expectPoints.atMost !== undefined && counts.some((n) => n > c.expectPoints.atMost!)) problems.push(`a series has ${Math.max(...counts)} points, expected ≤ ${c.expectPoints.atMost}`);
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return {
    label: c.label,
    path: c.path,
    calls: times.length,
    p50: at(0.5),
    p95: at(0.95),
    min: times[0]!,
    max: times.at(-1)!,
    bytes: first!.length,
    series: parsed.series.length,
    points: counts.reduce((a, b) => a + b, 0),
    check: problems.length === 0 ? "ok" : problems.join("; "),
  };
}

function get(url: URL, agent: http.Agent): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          if (res.statusCode !== 200) reject(new Error(`GET ${url.pathname}${url.search.slice(0, 80)}… → HTTP ${res.statusCode}: ${body.toString("utf8").slice(0, 300)}`));
          else resolve(body);
        });
        res.on("error", reject);
      })
      .on("error", reject);
  });
}
