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
      keepIf(data.points, (p) => pointProblem(p) ?? numberPointProblem(p), rejected);
      break;
    case "histogram":
      keepIf(data.points, (p) => pointProblem(p) ?? histogramPointProblem(p), rejected);
      break;
    case "exponentialHistogram":
      keepIf(data.points, pointProblem, rejected);
      break;
    case "summary":
      keepIf(data.points, pointProblem, rejected);
      break;
  }
  return true;
}

/** Keeps the points without a problem, in order, in the same array (no copy of a 10,000-point array); counts the others. */
function keepIf<P>(points: P[], problem: (p: P) => string | null, rejected: Rejections): void {
  let kept = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const why = problem(p);
    if (why === null) points[kept++] = p;
    else rejected.add(why);
  }
  points.length = kept;
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
