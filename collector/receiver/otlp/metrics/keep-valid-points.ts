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
