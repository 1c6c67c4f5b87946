import { PermanentError } from "../../../errors.ts";
import type { Metric } from "../../../model/metrics.ts";
import type { Rejections } from "../rejections.ts";
import { histogramPointProblem, numberPointProblem, pointProblem } from "./point-validation.ts";

/** Drops the invalid data points of a metric (in place), counting them; false if the metric itself is unusable. */
export function keepValidPoints(metric: Metric, rejected: Rejections): boolean {
  const data = metric.data;
  if (metric.name.trim() === "") {
    rejected.add("metric without a name", data.points.length);
    return false;
  }
  switch (data.kind) {
    case "gauge":
    case "sum":
      data.points = data.points.filter((p) => accept(pointProblem(p) ?? numberPointProblem(p), rejected));
      break;
    case "histogram":
      data.points = data.points.filter((p) => accept(pointProblem(p) ?? histogramPointProblem(p), rejected));
      break;
    case "exponentialHistogram":
      data.points = data.points.filter((p) => accept(pointProblem(p), rejected));
      break;
    case "summary":
      data.points = data.points.filter((p) => accept(pointProblem(p), rejected));
      break;
  }
  return true;
}

function accept(problem: string | null, rejected: Rejections): boolean {
  if (problem === null) return true;
  rejected.add(problem);
  return false;
}

/** Converts each wire data point; one that cannot be read (a PermanentError) is dropped and counted, the others kept. */
export function convertPoints<W, P>(wire: readonly W[], convert: (w: W) => P, rejected: Rejections): P[] {
  const out: P[] = [];
  for (const w of wire) {
    try {
      out.push(convert(w));
    } catch (err) {
      if (!(err instanceof PermanentError)) throw err;
      rejected.add(err.message);
    }
  }
  return out;
}
