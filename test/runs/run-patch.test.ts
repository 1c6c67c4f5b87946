/**
 * PATCH /api/runs/{runId}: the user's edits (name, tags, description, archived) win over what
 * telemetry says, are used by the list's filters, and `null` clears a name or tags edit so the
 * telemetry value shows again. Unknown fields and wrong types are 400; an unknown run is 404.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { apiJson, exportVia, metricsRequest, type Plain } from "../support/otlp-signals.ts";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
  await state({ "sightline.run.id": "edit-me", "sightline.run.name": "from telemetry", "sightline.run.tags": ["t1", "t2"], "sightline.experiment": "exp" });
});

after(() => c.close());

async function state(resource: Record<string, Plain>): Promise<void> {
  const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(metricsRequest(resource, [])));
  assert.equal(outcome.accepted, true, outcome.message);
}

async function patch(runId: string, body: unknown, raw?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${c.httpUrl}/api/runs/${encodeURIComponent(runId)}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function run(): Promise<Record<string, any>> {
  return (await apiJson(c, "/api/runs/edit-me")).run;
}

describe("PATCH /api/runs/{runId}", () => {
  test("edits name, tags (trimmed, de-duplicated, sorted), description and archived, and answers the run", async () => {
    const before = await run();
    const { status, json } = await patch("edit-me", { name: "  my name ", tags: ["zeta", " alpha", "zeta"], description: "notes\nwith lines", archived: true });
    assert.equal(status, 200, JSON.stringify(json));
    const want = { name: "my name", tags: ["alpha", "zeta"], description: "notes\nwith lines", archived: true };
    assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, json.run[k]])), want);
    assert.equal(json.run.experiment, "exp", "fields not edited stay");
    assert.ok(Date.parse(json.run.updatedAt) >= Date.parse(before.updatedAt));
    const after = await run();
    assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, after[k]])), want);
  });

  test("the edits win over later telemetry, and the list filters use them", async () => {
    await state({ "sightline.run.id": "edit-me", "sightline.run.name": "telemetry renamed", "sightline.run.tags": ["t3"] });
    const r = await run();
    assert.deepEqual([r.name, r.tags], ["my name", ["alpha", "zeta"]]);
    const ids = async (q: string): Promise<string[]> => (await apiJson(c, `/api/runs?${q}`)).runs.map((x: { runId: string }) => x.runId);
    assert.deepEqual(await ids("archived=all&tag=alpha"), ["edit-me"]);
    assert.deepEqual(await ids("archived=all&tag=t3"), []);
    assert.deepEqual(await ids("archived=all&search=my%20name"), ["edit-me"]);
    assert.deepEqual(await ids("archived=all&search=renamed"), [], "the telemetry name is hidden by the edit");
    assert.deepEqual(await ids("archived=true"), ["edit-me"]);
    assert.deepEqual(await ids(""), [], "archived: hidden by default");
  });

  test("null clears the name and tags edits: the latest telemetry values show again", async () => {
    const { status, json } = await patch("edit-me", { name: null, tags: null });
    assert.equal(status, 200);
    assert.deepEqual([json.run.name, json.run.tags], ["telemetry renamed", ["t3"]]);
    assert.equal(json.run.description, "notes\nwith lines", "other edits stay");
    const { json: unarchived } = await patch("edit-me", { archived: false, description: "" });
    assert.deepEqual([unarchived.run.archived, unarchived.run.description], [false, ""]);
    assert.ok((await apiJson(c, "/api/runs")).runs.some((x: { runId: string }) => x.runId === "edit-me"));
  });

  test("an empty name edit counts as clearing it; an empty object changes nothing", async () => {
    await patch("edit-me", { name: "temporary" });
    assert.equal((await patch("edit-me", { name: "   " })).json.run.name, "telemetry renamed");
    const before = await run();
    const { status, json } = await patch("edit-me", {});
    assert.equal(status, 200);
    assert.deepEqual({ ...json.run, updatedAt: null }, { ...before, updatedAt: null });
  });

  test("an unknown run is 404", async () => {
    const { status, json } = await patch("no-such-run", { name: "x" });
    assert.equal(status, 404);
    assert.equal(json.error.status, 404);
  });

  const bad: Array<[string, unknown, string?]> = [
    ["an unknown field", { status: "finished" }],
    ["hparams are not editable", { hparams: { lr: 1 } }],
    ["name as a number", { name: 5 }],
    ["name too long", { name: "x".repeat(1001) }],
    ["tags as a string", { tags: "a,b" }],
    ["an empty tag", { tags: ["ok", " "] }],
    ["a tag that is not a string", { tags: ["ok", 3] }],
    ["description null", { description: null }],
    ["archived as a string", { archived: "yes" }],
    ["a JSON array body", ["name"]],
    ["a JSON string body", "name"],
    ["malformed JSON", undefined, '{"name": '],
  ];
  for (const [what, body, raw] of bad) {
    test(`${what} → 400 and nothing changes`, async () => {
      const before = await run();
      const { status, json } = await patch("edit-me", body, raw);
      assert.equal(status, 400, JSON.stringify(json));
      assert.equal(typeof json.error.message, "string");
      assert.deepEqual(await run(), before);
    });
  }
});
