import { normalizeTraces } from "../collector/normalize/normalize-traces.ts";
import { decodeTraceRequestJson } from "../collector/receiver/otlp/decode-json.ts";
import { decodeTraceRequestProtobuf } from "../collector/receiver/otlp/decode-protobuf.ts";
import { encodeSpans } from "../collector/storage/span-rows.ts";
import { rollUpTraces } from "../collector/storage/trace-summaries.ts";
import { encodeRequest } from "./otlp-payloads.ts";
import { SpanGenerator } from "./span-generator.ts";

/**
 * The collector's per-span CPU cost of each stage, measured in this process on the same requests
 * (no HTTP, no Postgres, no other process competing): what the collector's one JS thread spends
 * before a span reaches the database. Best of several rounds, so a busy machine inflates it less.
 */
export interface StageCost {
  stage: string;
  microsPerSpan: number;
}

export function measureStageCosts(batchSize: number, spans = 50_000, rounds = 5): StageCost[] {
  const generator = new SpanGenerator(4242);
  const batches = Array.from({ length: Math.ceil(spans / batchSize) }, () => generator.nextBatch(batchSize));
  const protobuf = batches.map((b) => encodeRequest(b, "protobuf"));
  const json = batches.map((b) => encodeRequest(b, "json"));
  const decoded = protobuf.map((b) => decodeTraceRequestProtobuf(b).batch);
  const normalized = decoded.map((b) => normalizeTraces(b));
  const total = batches.length * batchSize;
  const best = (fn: () => void): number => {
    let min = Infinity;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      fn();
      min = Math.min(min, performance.now() - t0);
    }
    return (min * 1000) / total;
  };
  return [
    { stage: "decode OTLP/protobuf (wire reader → model)", microsPerSpan: best(() => protobuf.forEach((b) => decodeTraceRequestProtobuf(b))) },
    { stage: "decode OTLP/JSON (JSON.parse → model)", microsPerSpan: best(() => json.forEach((b) => decodeTraceRequestJson(b))) },
    { stage: "normalize (project, service, run)", microsPerSpan: best(() => decoded.forEach((b) => normalizeTraces(b))) },
    { stage: "encode rows (model → COPY text)", microsPerSpan: best(() => normalized.forEach((b) => encodeSpans(b))) },
    { stage: "trace summaries (rollups in JS)", microsPerSpan: best(() => normalized.forEach((b) => rollUpTraces(b))) },
  ];
}
