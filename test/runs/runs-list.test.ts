/**
 * GET /api/runs: filters (experiment, tag, status, creation time, archived, search), sorting by run
 * fields and by hparams.<path> (numbers numerically), both directions, and cursor pagination with a
 * total. The runs are stated over plain OTLP; one is archived through PATCH.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";
import { apiJson, exportVia, metricsRequest, type Plain } from "../support/otlp-signals.ts";

let c: TestCollector;

interface Spec {
  id: string;
  name: string;
  experiment: string;
  tags: string[];
  status: "running" | "finished" | "failed";
  hparams?: Record<string, Plain>;
}

/** Created in this order, in two waves with a pause between (for the start/end filters). */
const FIRST_WAVE: Spec[] = [
  { id: "run-a", name: "alpha baseline", experiment: "mnist", tags: ["baseline", "gpu"], status: "finished", hparams: { lr: 10n, optimizer: { lr: 0.5 } } },
  { id: "run-b", name: "beta sweep", experiment: "mnist", tags: ["sweep"], status: "running", hparams: { lr: 9n } },
];
const SECOND_WAVE: Spec[] = [
  { id: "run-c", name: "gamma 100%", experiment: "cifar", tags: ["gpu", "sweep"], status: "failed", hparams: { lr: 100n, optimizer: { lr: 0.05 } } },
  { id: "run-d", name: "delta_run", experiment: "cifar", tags: [], status: "running" },
  { id: "run-e", name: "epsilon", experiment: "imagenet", tags: ["gpu"], status: "finished", hparams: { lr: 9.5, optimizer: { lr: 5 } } },
];
const ALL = [...FIRST_WAVE, ...SECOND_WAVE];
let between: Date;

async function state(spec: Spec): Promise<void> {
  const resource: Record<string, Plain> = {
    "sightline.run.id": spec.id,
    "sightline.run.name": spec.name,
    "sightline.experiment": spec.experiment,
    "sightline.run.tags": spec.tags,
    "sightline.run.status": spec.status,
  };
  if (spec.hparams) resource["sightline.hparams"] = spec.hparams;
  const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(metricsRequest(resource, [])));
  assert.equal(outcome.accepted, true, outcome.message);
}

before(async () => {
  c = await startTestCollector();
  for (const spec of FIRST_WAVE) {
    await state(spec);
    await sleep(5);
  }
  await sleep(50);
  between = new Date();
  await sleep(50);
  for (const spec of SECOND_WAVE) {
    await state(spec);
    await sleep(5);
  }
  const res = await fetch(`${c.httpUrl}/api/runs/run-d`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ archived: true }) });
  assert.equal(res.status, 200);
});

after(() => c.close());

async function ids(query: string): Promise<string[]> {
  const body = await apiJson(c, `/api/runs${query}`);
  return body.runs.map((r: { runId: string }) => r.runId);
}

const visible = ALL.filter((s) => s.id !== "run-d");
const newestFirst = [...visible].reverse().map((s) => s.id);

describe("GET /api/runs filters", () => {
  test("lists unarchived runs newest first with their fields and a total", async () => {
    const body = await apiJson(c, "/api/runs");
    assert.deepEqual(body.runs.map((r: { runId: string }) => r.runId), newestFirst);
    assert.equal(body.total, visible.length);
    assert.equal(body.nextCursor, null);
    const a = body.runs.find((r: { runId: string }) => r.runId === "run-a");
    assert.deepEqual(
      { name: a.name, experiment: a.experiment, tags: a.tags, status: a.status, hparams: a.hparams, archived: a.archived, implicit: a.implicit },
      { name: "alpha baseline", experiment: "mnist", tags: ["baseline", "gpu"], status: "finished", hparams: { lr: 10, optimizer: { lr: 0.5 } }, archived: false, implicit: false },
    );
  });

  const cases: Array<{ query: string; want: (s: Spec) => boolean }> = [
    { query: "?experiment=mnist", want: (s) => s.experiment === "mnist" },
    { query: "?experiment=nope", want: () => false },
    { query: "?tag=gpu", want: (s) => s.tags.includes("gpu") },
    { query: "?tag=gpu&tag=sweep", want: (s) => s.tags.includes("gpu") && s.tags.includes("sweep") },
    { query: "?tags=gpu,baseline", want: (s) => s.tags.includes("gpu") && s.tags.includes("baseline") },
    { query: "?status=running", want: (s) => s.status === "running" },
    { query: "?status=finished", want: (s) => s.status === "finished" },
    { query: "?status=failed&tag=gpu", want: (s) => s.status === "failed" && s.tags.includes("gpu") },
    { query: "?search=ALPHA", want: (s) => s.name.toLowerCase().includes("alpha") },
    { query: "?search=run-", want: () => true },
    { query: "?search=%25", want: (s) => s.name.includes("%") },
    { query: "?search=_", want: (s) => s.name.includes("_") || s.id.includes("_") },
  ];
  for (const { query, want } of cases) {
    test(query, async () => {
      assert.deepEqual(await ids(query), newestFirst.filter((id) => want(ALL.find((s) => s.id === id)!)));
    });
  }

  test("archived runs are hidden by default, alone with archived=true, included with archived=all", async () => {
    assert.ok(!(await ids("")).includes("run-d"));
    assert.deepEqual(await ids("?archived=true"), ["run-d"]);
    assert.deepEqual(await ids("?archived=all"), [...ALL].reverse().map((s) => s.id));
    assert.deepEqual(await ids("?archived=false&search=delta"), []);
    assert.deepEqual(await ids("?archived=all&search=delta"), ["run-d"], "search sees it when asked for archived runs");
  });

  test("start and end bound the creation time, [start, end), as ISO time or Unix nanoseconds", async () => {
    const iso = encodeURIComponent(between.toISOString());
    const nanos = String(BigInt(between.getTime()) * 1_000_000n);
    const second = [...SECOND_WAVE].reverse().map((s) => s.id).filter((id) => id !== "run-d");
    const first = [...FIRST_WAVE].reverse().map((s) => s.id);
    assert.deepEqual(await ids(`?start=${iso}`), second);
    assert.deepEqual(await ids(`?start=${nanos}`), second);
    assert.deepEqual(await ids(`?end=${iso}`), first);
    assert.deepEqual(await ids(`?end=${nanos}&start=0`), first);
    assert.deepEqual(await ids(`?start=${iso}&end=${iso}`), []);
  });
});

describe("GET /api/runs sorting", () => {
  const byField = (key: (s: Spec) => string): string[] => [...visible].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1)).map((s) => s.id);

  test("by creation time, both ways", async () => {
    assert.deepEqual(await ids("?sort=created"), visible.map((s) => s.id));
    assert.deepEqual(await ids("?sort=-created"), newestFirst);
  });

  test("by name, experiment, status and id (text order), both ways", async () => {
    for (const [field, key] of [
      ["name", (s: Spec) => s.name],
      ["experiment", (s: Spec) => s.experiment],
      ["status", (s: Spec) => s.status],
      ["runId", (s: Spec) => s.id],
    ] as const) {
      // The names start with distinct lowercase letters, so every collation orders them alike.
      const asc = await ids(`?sort=${field}`);
      const want = byField(key);
      assert.deepEqual(asc, want, `sort=${field}`);
      if (field !== "experiment" && field !== "status") assert.deepEqual(await ids(`?sort=-${field}`), [...want].reverse(), `sort=-${field}`);
    }
  });

  test("by a numeric hparam compares numbers, not text; runs without it come last either way", async () => {
    const withLr = visible.filter((s) => s.hparams?.lr !== undefined);
    const lr = (s: Spec): number => Number(s.hparams!.lr);
    const asc = [...withLr].sort((a, b) => lr(a) - lr(b)).map((s) => s.id);
    const without = visible.filter((s) => s.hparams?.lr === undefined).map((s) => s.id);
    assert.deepEqual(asc, ["run-b", "run-e", "run-a", "run-c"], "9 < 9.5 < 10 < 100 (text order would differ)");
    assert.deepEqual(await ids("?sort=hparams.lr"), [...asc, ...without]);
    assert.deepEqual(await ids("?sort=-hparams.lr"), [...[...asc].reverse(), ...without]);
  });

  test("by a nested hparam path", async () => {
    assert.deepEqual(await ids("?sort=hparams.optimizer.lr"), ["run-c", "run-a", "run-e", "run-b"]);
    assert.deepEqual(await ids("?sort=-hparams.optimizer.lr"), ["run-e", "run-a", "run-c", "run-b"]);
  });

  test("by end time: finished and failed runs first, still-running ones last", async () => {
    const ended = await ids("?sort=ended");
    const endedRuns = visible.filter((s) => s.status !== "running").map((s) => s.id);
    assert.deepEqual(ended.slice(0, endedRuns.length), endedRuns, "in the order they ended");
    assert.deepEqual(new Set(ended.slice(endedRuns.length)), new Set(visible.filter((s) => s.status === "running").map((s) => s.id)));
  });
});

describe("GET /api/runs pagination", () => {
  for (const query of ["", "&sort=hparams.lr", "&tag=gpu&sort=name"]) {
    test(`pages of 2${query} cover every run once, with a constant total`, async () => {
      const all = await ids(`?limit=1000${query}`);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const body: { runs: Array<{ runId: string }>; total: number; nextCursor: string | null } = await apiJson(c, `/api/runs?limit=2${query}${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(body.total, all.length);
        assert.ok(body.runs.length <= 2);
        seen.push(...body.runs.map((r) => r.runId));
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      assert.deepEqual(seen, all);
      assert.equal(pages, Math.max(1, Math.ceil(all.length / 2)));
    });
  }

  test("a cursor past the end gives an empty page with the right total", async () => {
    const body = await apiJson(c, `/api/runs?cursor=${Buffer.from("100").toString("base64url")}`);
    assert.deepEqual([body.runs, body.total, body.nextCursor], [[], visible.length, null]);
  });

  test("bad parameters are 400 with a JSON message", async () => {
    for (const q of ["?sort=bogus", "?sort=-", "?sort=hparams.", "?status=done", "?limit=0", "?limit=1001", "?archived=maybe", "?start=yesterday", "?cursor=%%%", "?experiment=a&experiment=b"]) {
      const res = await get(c.httpUrl, `/api/runs${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.json().error.status, 400, q);
      assert.equal(typeof res.json().error.message, "string", q);
    }
  });
});
