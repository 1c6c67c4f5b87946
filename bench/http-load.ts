import http from "node:http";

/**
 * Concurrent OTLP/HTTP clients (bench:ingest, bench:metrics): `concurrency` keep-alive connections,
 * each posting the next pre-encoded body to `path` as soon as its previous one is answered. A 200 means committed;
 * 429/503 are retried after Retry-After and counted; anything else stops the run.
 */
export interface PostResult {
  requests: number;
  /** 429/503 answers that were retried. */
  retries: number;
  seconds: number;
  /** Request latency percentiles, milliseconds (including the wait for the commit). */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** 200 answers that carried a partial_success (some points rejected): a non-empty body. */
  partialSuccess: string[];
}

const MAX_RETRIES = 30;

export async function postAll(baseUrl: string, path: string, contentType: string, bodies: Buffer[], concurrency: number): Promise<PostResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const partialSuccess: string[] = [];
  let next = 0;
  let retries = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < bodies.length; i = next++) {
      for (let attempt = 0; ; attempt++) {
        const t0 = performance.now();
        const answer = await post(url, path, agent, contentType, bodies[i]!);
        latencies.push(performance.now() - t0);
        if (answer.status === 200) {
          // An Export*ServiceResponse without partial_success is empty: "" in protobuf, {} in JSON.
          if (answer.body.length > 0 && answer.body.trim() !== "{}") partialSuccess.push(answer.body.slice(0, 300));
          break;
        }
        if ((answer.status === 429 || answer.status === 503) && attempt < MAX_RETRIES) {
          retries++;
          await new Promise((r) => setTimeout(r, 1000 * (Number(answer.retryAfter) || 1)));
          continue;
        }
        throw new Error(`POST ${path} (request ${i}) got HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
      }
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: bodies.length, retries, seconds, latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: latencies.at(-1) ?? 0 }, partialSuccess };
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

function post(url: URL, path: string, agent: http.Agent, contentType: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path, method: "POST", agent, headers: { "content-type": contentType, "content-length": body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const retryAfter = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
