import { ExportMetricsServiceRequest } from "../../collector/receiver/otlp/schema.ts";
import { CONTEXT, METRIC, epochOf, runId, timeNanos, valueAt, type Workload } from "./workload.ts";

/**
 * The OTLP client of the benchmark: ExportMetricsServiceRequest bodies as any SDK without a
 * Sightline package would send them (docs/mapping.md) — one run's resource, a Gauge "loss" with
 * `sightline.step`, `sightline.epoch` and the context on every point. JSON follows the OTLP/JSON
 * mapping; protobuf goes through the project's own .proto types (collector/receiver/otlp/schema.ts).
 * Bodies are built before timing starts.
 */
export type Format = "protobuf" | "json";

export const CONTENT_TYPE: Record<Format, string> = { protobuf: "application/x-protobuf", json: "application/json" };

/** One request: the points [fromStep, toStep) of one run, in OTLP/JSON shape. */
export function metricsRequest(run: number, fromStep: number, toStep: number): object {
  const dataPoints = new Array<object>(toStep - fromStep);
  for (let step = fromStep; step < toStep; step++) {
    dataPoints[step - fromStep] = {
      attributes: [
        { key: "subset", value: { stringValue: CONTEXT.subset } },
        { key: "sightline.step", value: { intValue: String(step) } },
        { key: "sightline.epoch", value: { intValue: String(epochOf(step)) } },
      ],
      timeUnixNano: timeNanos(run, step).toString(),
      asDouble: valueAt(run, step),
    };
  }
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: "service.name", value: { stringValue: "bench-trainer" } },
            { key: "sightline.run.id", value: { stringValue: runId(run) } },
            { key: "sightline.experiment", value: { stringValue: "bench-metrics" } },
          ],
        },
        scopeMetrics: [{ scope: { name: "bench" }, metrics: [{ name: METRIC, gauge: { dataPoints } }] }],
      },
    ],
  };
}

export function encodeBody(request: object, format: Format): Buffer {
  if (format === "json") return Buffer.from(JSON.stringify(request));
  const bytes = ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(request as Record<string, unknown>)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Every point of the workload as request bodies of `pointsPerRequest` points (one run each), in
 * the order a fleet of trainers would send them: step ranges advance together across runs.
 */
export function workloadBodies(w: Workload, format: Format, pointsPerRequest: number): Buffer[] {
  const out: Buffer[] = [];
  for (let from = 0; from < w.steps; from += pointsPerRequest) {
    const to = Math.min(w.steps, from + pointsPerRequest);
    for (let run = 0; run < w.runs; run++) out.push(encodeBody(metricsRequest(run, from, to), format));
  }
  return out;
}
