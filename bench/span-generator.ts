import type { Attributes } from "../collector/model/any-value.ts";
import type { ResourceSpans, Span, TraceBatch } from "../collector/model/trace.ts";

/**
 * Realistic, deterministic spans for the ingest benchmark: traces of 10-20 spans nested as a tree
 * (a server root, children under random earlier spans), each span with 10 attributes of mixed
 * types (string, int, double, bool, string array) and one event; a request carries one resource
 * (a service instance: service.name, host.name, process.pid, telemetry.sdk.* …) and one scope.
 * Traces are cut across requests where a request fills up, as an SDK's batch processor does.
 */

const SERVICES = ["checkout", "cart", "payments", "inventory", "shipping", "recommendations", "frontend", "auth"];
const ROUTES = ["/api/orders/{id}", "/api/cart", "/api/checkout", "/api/products/{sku}", "/api/users/{id}/profile", "/healthz"];
const METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
const OPERATIONS = ["SELECT orders", "SELECT products", "INSERT order_items", "redis GET", "grpc inventory.Reserve", "http POST /charge", "render template", "validate input"];
const HOSTS = ["ip-10-0-1-17", "ip-10-0-2-41", "ip-10-0-3-9"];
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
/** 2026-11-26T00:00:00Z in nanoseconds. */
const EPOCH_NS = 1_795_651_200_000_000_000n;

export interface GeneratedStats {
  spans: number;
  /** Distinct traces among the spans handed out so far. */
  traces: number;
}

export class SpanGenerator {
  private state: number;
  private readonly pending: Span[] = [];
  private traceCounter = 1;
  private spanCounter = 1;
  private requestCounter = 0;
  private clockNs = EPOCH_NS;
  private readonly startedTraces = new Set<string>();
  readonly stats: GeneratedStats = { spans: 0, traces: 0 };

  /** Different seeds give disjoint trace ids (the seed is part of every id). */
  constructor(private readonly seed: number) {
    this.state = seed * 0x9e3779b1 || 1;
  }

  /** The next request: `count` spans from one service instance. */
  nextBatch(count: number): TraceBatch {
    while (this.pending.length < count) this.pending.push(...this.trace());
    const spans = this.pending.splice(0, count);
    for (const s of spans) {
      if (s.parentSpanId === "" && !this.startedTraces.has(s.traceId)) {
        this.startedTraces.add(s.traceId);
        this.stats.traces++;
      }
    }
    this.stats.spans += spans.length;
    const instance = this.requestCounter++ % (SERVICES.length * HOSTS.length);
    return { resourceSpans: [this.resourceSpans(instance, spans)] };
  }

  private resourceSpans(instance: number, spans: Span[]): ResourceSpans {
    const service = SERVICES[instance % SERVICES.length]!;
    const host = HOSTS[Math.floor(instance / SERVICES.length)]!;
    return {
      resource: {
        attributes: [
          { key: "service.name", value: service },
          { key: "service.version", value: "2.14.1" },
          { key: "service.namespace", value: "shop" },
          { key: "service.instance.id", value: `${service}-${host}` },
          { key: "host.name", value: host },
          { key: "process.pid", value: BigInt(1000 + instance) },
          { key: "deployment.environment.name", value: "production" },
          { key: "telemetry.sdk.name", value: "opentelemetry" },
          { key: "telemetry.sdk.language", value: "nodejs" },
          { key: "telemetry.sdk.version", value: "2.2.0" },
        ],
        droppedAttributesCount: 0,
      },
      schemaUrl: "https://opentelemetry.io/schemas/1.27.0",
      scopeSpans: [
        {
          scope: { name: "@opentelemetry/instrumentation-http", version: "0.57.0", attributes: [], droppedAttributesCount: 0 },
          schemaUrl: "",
          spans,
        },
      ],
    };
  }

  /** One trace of 10-20 spans; the root first, then children in start order. */
  private trace(): Span[] {
    const traceId = this.hex(2) + hex32(this.seed) + hex32(this.traceCounter++);
    const size = 10 + Math.floor(this.random() * 11);
    this.clockNs += BigInt(Math.floor(this.random() * 2_000_000)); // ~1 trace per ms
    const rootStart = this.clockNs;
    const rootDuration = BigInt(50_000_000 + Math.floor(this.random() * 450_000_000));
    const spans: Span[] = [];
    for (let i = 0; i < size; i++) {
      const parent = i === 0 ? undefined : spans[Math.floor(this.random() * i)]!;
      const start = parent ? parent.startTimeUnixNano + BigInt(Math.floor(this.random() * Number(parent.endTimeUnixNano - parent.startTimeUnixNano) * 0.5)) : rootStart;
      const end = parent ? start + (parent.endTimeUnixNano - start) / BigInt(2 + Math.floor(this.random() * 3)) : rootStart + rootDuration;
      spans.push(this.span(traceId, parent?.spanId ?? "", i === 0, start, end));
    }
    return spans;
  }

  private span(traceId: string, parentSpanId: string, root: boolean, start: bigint, end: bigint): Span {
    const route = this.pick(ROUTES);
    const method = this.pick(METHODS);
    const error = this.random() < 0.02;
    const status = error ? 500 : this.random() < 0.05 ? 404 : 200;
    const attributes: Attributes = [
      { key: "http.request.method", value: method },
      { key: "http.route", value: route },
      { key: "http.response.status_code", value: BigInt(status) },
      { key: "server.address", value: "shop.example.com" },
      { key: "server.port", value: 443n },
      { key: "user_agent.original", value: USER_AGENT },
      { key: "app.cache.hit", value: this.random() < 0.5 },
      { key: "app.sampling.ratio", value: 0.25 },
      { key: "app.retry.count", value: BigInt(Math.floor(this.random() * 3)) },
      { key: "app.feature.flags", value: ["new-checkout", "fast-cart"] },
    ];
    return {
      traceId,
      spanId: this.hex(1) + hex32(this.spanCounter++),
      parentSpanId,
      traceState: "",
      flags: 1,
      name: root ? `${method} ${route}` : this.pick(OPERATIONS),
      kind: root ? 2 : 1 + Math.floor(this.random() * 3),
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      attributes,
      droppedAttributesCount: 0,
      events: [
        {
          timeUnixNano: start + (end - start) / 2n,
          name: error ? "exception" : "log",
          attributes: error
            ? [
                { key: "exception.type", value: "TimeoutError" },
                { key: "exception.message", value: "upstream did not answer within 2000 ms" },
              ]
            : [
                { key: "message", value: "cache lookup finished" },
                { key: "log.severity", value: "INFO" },
              ],
          droppedAttributesCount: 0,
        },
      ],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: error ? { code: 2, message: "upstream timeout" } : { code: 0, message: "" },
    };
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  /** `words` random 32-bit words as hex. */
  private hex(words: number): string {
    let out = "";
    for (let i = 0; i < words; i++) out += hex32((this.random() * 0x1_0000_0000) >>> 0);
    return out;
  }

  /** mulberry32: small, fast, deterministic. */
  private random(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
