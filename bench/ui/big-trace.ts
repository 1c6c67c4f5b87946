import { otlpAttributes } from "../../test/support/ui-fixtures.ts";

export const BIG_TRACE_ID = "b16b16b16b16b16b16b16b16b16b16b1";

/** A deterministic tree: fan-out 2–6, depth up to ~12, names and services from small sets, 1% errors. */
export function* bigTraceRequests(SPANS: number, batch: number): Generator<object> {
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const t0 = BigInt(Date.now() - 60_000) * 1_000_000n;
  const starts: number[] = [0];
  const ends: number[] = [SPANS * 1000];
  const id = (i: number): string => (i + 1).toString(16).padStart(16, "0");
  let spans: object[] = [];
  const services = ["gateway", "orders", "payments", "inventory", "search", "llm-router", "cache", "db"];
  for (let i = 0; i < SPANS; i++) {
    const parent = i === 0 ? -1 : Math.max(0, Math.floor((i - 1) / (2 + Math.floor(rand() * 5))));
    const pStart = parent < 0 ? 0 : starts[parent]!;
    const pEnd = parent < 0 ? SPANS * 1000 : ends[parent]!;
    const start = pStart + Math.floor(rand() * Math.max(1, (pEnd - pStart) * 0.5));
    const end = Math.min(pEnd, start + 1 + Math.floor(rand() * Math.max(1, (pEnd - start) * 0.8)));
    starts.push(start);
    ends.push(end);
    starts[i] = start;
    ends[i] = end;
    spans.push({
      traceId: BIG_TRACE_ID,
      spanId: id(i),
      parentSpanId: parent < 0 ? "" : id(parent),
      name: `op-${Math.floor(rand() * 300)}`,
      kind: 1 + Math.floor(rand() * 3),
      startTimeUnixNano: String(t0 + BigInt(start) * 1000n),
      endTimeUnixNano: String(t0 + BigInt(end) * 1000n),
      attributes: otlpAttributes({ "bench.index": i, "bench.label": `span ${i}` }),
      status: rand() < 0.01 ? { code: 2, message: "boom" } : { code: 0 },
      _service: services[i % services.length],
    });
    if (spans.length === batch || i === SPANS - 1) {
      const byService = new Map<string, object[]>();
      for (const s of spans as Array<{ _service: string }>) {
        const { _service, ...span } = s;
        byService.set(_service, [...(byService.get(_service) ?? []), span]);
      }
      yield {
        resourceSpans: [...byService].map(([service, list]) => ({
          resource: { attributes: otlpAttributes({ "service.name": service }) },
          scopeSpans: [{ scope: { name: "bench" }, spans: list }],
        })),
      };
      spans = [];
    }
  }
}

