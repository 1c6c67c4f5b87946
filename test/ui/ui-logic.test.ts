import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSimpleFilters } from "../../apps/base/simple-filters.ts";
import { parseSmoothing, smooth } from "../../apps/experiments/explorer/smoothing.ts";
import { compareValues, hparamPaths, makeFilter } from "../../apps/experiments/run-fields.ts";
import type { Run, SpanTreeColumns } from "../../ui/src/lib/api/types.ts";
import { SpanTree } from "../../ui/src/lib/components/waterfall/span-tree.ts";

/** The UI's pure parts, without a browser. */

function columns(spans: Array<{ id: string; parent: number; start: number; duration: number; name?: string; error?: boolean }>): SpanTreeColumns {
  const names = [...new Set(spans.map((s) => s.name ?? s.id))];
  const nameId = new Map(names.map((n, i) => [n, i]));
  return {
    traceId: "t",
    startTimeUnixNano: "0",
    spanCount: spans.length,
    spanId: spans.map((s) => s.id),
    parent: spans.map((s) => s.parent),
    name: spans.map((s) => nameId.get(s.name ?? s.id)!),
    names,
    service: spans.map(() => 0),
    services: ["svc"],
    kind: spans.map(() => 1),
    kindNames: ["unspecified", "internal"],
    start: spans.map((s) => s.start),
    duration: spans.map((s) => s.duration),
    status: spans.map((s) => (s.error ? 2 : 0)),
    statusNames: ["unset", "ok", "error"],
    aiType: spans.map(() => null),
    aiModel: spans.map(() => null),
    aiTokens: spans.map(() => null),
    aiCostUsd: spans.map(() => null),
  };
}

describe("SpanTree", () => {
  // root(0..100) ─ a(0..30) ─ a1(5..10)   ← entirely in c's shadow: not critical
  //              ├ c(0..35)             ← finishes after a, before b starts: critical
  //              └ b(40..90)            ← the last to finish: critical
  const tree = new SpanTree(
    columns([
      { id: "root", parent: -1, start: 0, duration: 100 },
      { id: "a", parent: 0, start: 0, duration: 30 },
      { id: "a1", parent: 1, start: 5, duration: 5 },
      { id: "c", parent: 0, start: 0, duration: 35, name: "charge card", error: true },
      { id: "b", parent: 0, start: 40, duration: 50 },
    ]),
  );
  const ids = (rows: ArrayLike<number>): string[] => Array.from(rows, (i) => tree.cols.spanId[i]!);

  it("orders spans depth-first, children by start, with depths and subtree sizes", () => {
    assert.deepEqual(ids(tree.order), ["root", "a", "a1", "c", "b"]);
    assert.deepEqual(Array.from(tree.depth), [0, 1, 2, 1, 1]);
    assert.deepEqual(Array.from(tree.size), [5, 2, 1, 1, 1]);
    assert.equal(tree.span, 100);
  });

  it("skips collapsed subtrees", () => {
    assert.deepEqual(ids(tree.visibleRows(new Set([1]))), ["root", "a", "c", "b"]);
    assert.deepEqual(ids(tree.visibleRows(new Set([0]))), ["root"]);
  });

  it("marks the critical path", () => {
    assert.deepEqual(ids(tree.order.filter((i) => tree.critical[i] === 1)), ["root", "c", "b"]);
  });

  it("searches names and ids, and finds ancestors", () => {
    assert.deepEqual(ids(tree.search("charge")), ["c"]);
    assert.deepEqual(tree.ancestors(2).map((i) => tree.cols.spanId[i]), ["a", "root"]);
  });

  it("survives parent cycles and missing parents", () => {
    const odd = new SpanTree(
      columns([
        { id: "x", parent: 1, start: 0, duration: 10 },
        { id: "y", parent: 0, start: 1, duration: 5 },
        { id: "self", parent: 2, start: 2, duration: 1 },
        { id: "orphan", parent: -1, start: 3, duration: 1 },
      ]),
    );
    assert.equal(new Set(odd.order).size, 4, "every span shown once");
    assert.equal(odd.visibleRows(new Set()).length, 4);
  });

  it("builds a 100,000-span tree quickly", () => {
    const n = 100_000;
    const spans = Array.from({ length: n }, (_, i) => ({ id: i.toString(16), parent: i === 0 ? -1 : Math.floor((i - 1) / 4), start: i, duration: 10 }));
    const cols = columns(spans);
    const t0 = performance.now();
    const big = new SpanTree(cols);
    const ms = performance.now() - t0;
    assert.equal(big.visibleRows(new Set()).length, n);
    assert.ok(ms < 1000, `built in ${ms.toFixed(0)} ms`);
  });
});

describe("the simple trace filters", () => {
  it("reads filters into the API's parameters", () => {
    assert.deepEqual(parseSimpleFilters('service=web name="GET /users" status=error duration>250ms duration<2s attr.http.route=/users attr.http.route=/x run=abc'), {
      params: { service: "web", name: "GET /users", status: "error", minDuration: "250ms", maxDuration: "2s", "attr.http.route": ["/users", "/x"], run: "abc" },
    });
    assert.deepEqual(parseSimpleFilters("checkout"), { params: { name: "checkout" } });
    assert.deepEqual(parseSimpleFilters(""), { params: {} });
  });

  it("says where an error is", () => {
    assert.deepEqual(parseSimpleFilters("service=web colour=blue"), {
      error: { message: 'unknown filter "colour"; filters are service, name, status, duration, run, attr.<key>', position: 12, length: 6 },
    });
    const bad = parseSimpleFilters("status=maybe");
    assert.ok("error" in bad && bad.error.position === 0);
    const quote = parseSimpleFilters('name="open');
    assert.ok("error" in quote && /unterminated/.test(quote.error.message));
    const dur = parseSimpleFilters("duration=5s");
    assert.ok("error" in dur && /> or </.test(dur.error.message));
  });
});

describe("smoothing", () => {
  it("EMA with debiasing starts at the first value, and keeps gaps", () => {
    const out = smooth([10, 10, null, 10], { kind: "ema", weight: 0.9 });
    assert.equal(out[0], 10);
    assert.equal(out[2], null);
    assert.ok(Math.abs(out[3]! - 10) < 1e-9);
  });

  it("centered moving average over a window", () => {
    assert.deepEqual(smooth([1, 2, 3, 4, 5], { kind: "cma", window: 3 }), [1.5, 2, 3, 4, 4.5]);
  });

  it("reads its URL form", () => {
    assert.deepEqual(parseSmoothing("ema:0.6"), { kind: "ema", weight: 0.6 });
    assert.deepEqual(parseSmoothing("cma:5"), { kind: "cma", window: 5 });
    assert.deepEqual(parseSmoothing("ema:7"), { kind: "none" });
    assert.deepEqual(parseSmoothing(""), { kind: "none" });
  });
});

describe("run columns", () => {
  it("filters by comparison or text", () => {
    assert.equal(makeFilter(">0.01")!(0.1), true);
    assert.equal(makeFilter(">0.01")!(0.001), false);
    assert.equal(makeFilter(">0.01")!(undefined), false);
    assert.equal(makeFilter("=adam")!("adam"), true);
    assert.equal(makeFilter("!=adam")!("sgd"), true);
    assert.equal(makeFilter("ada")!("adam"), true);
    assert.equal(makeFilter("  "), null);
  });

  it("sorts numbers as numbers and missing values last", () => {
    assert.deepEqual([10, 9, undefined, 100].sort(compareValues), [9, 10, 100, undefined]);
    assert.deepEqual(["b10", "b9"].sort(compareValues), ["b9", "b10"]);
  });

  it("lists every hparam leaf path", () => {
    const run = (hparams: Record<string, unknown>) => ({ hparams }) as unknown as Run;
    assert.deepEqual(hparamPaths([run({ lr: 1, opt: { name: "adam", betas: [0.9, 0.99] } }), run({ seed: 3 })]), ["lr", "opt.name", "opt.betas", "seed"]);
  });
});
