/**
 * collector/normalize/run-identity.ts, pure: what a resource says about its run (docs/mapping.md,
 * "Runs"): explicit and implicit ids, the implicit name and experiment, tags, status and hparams.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KvList, type AnyValue, type Attributes } from "../../collector/model/any-value.ts";
import { hparamsOf, ownRunId, runOf } from "../../collector/normalize/run-identity.ts";
import { documentedImplicitRunId } from "../support/otlp-signals.ts";

function attrs(o: Record<string, AnyValue>): Attributes {
  return Object.entries(o).map(([key, value]) => ({ key, value }));
}

const kv = (o: Record<string, AnyValue>): KvList => new KvList(attrs(o));
const resource = (o: Record<string, AnyValue>) => ({ attributes: attrs(o), droppedAttributesCount: 0 });

describe("run identity", () => {
  test("sightline.run.id names the run (trimmed); the run is explicit", () => {
    const run = runOf(resource({ "sightline.run.id": "  run-7 ", "service.name": "trainer" }));
    assert.equal(run.runId, "run-7");
    assert.equal(run.implicit, false);
    assert.equal(run.name, undefined, "an explicit run gets no made-up name");
    assert.equal(run.experiment, undefined);
  });

  test("without sightline.run.id the id is derived as documented, pid as an int", () => {
    const run = runOf(resource({ "service.name": "trainer", "host.name": "gpu-3", "process.pid": 4242n, "service.instance.id": "abc" }));
    assert.equal(run.implicit, true);
    assert.equal(run.runId, documentedImplicitRunId({ "service.name": "trainer", "host.name": "gpu-3", "process.pid": 4242, "service.instance.id": "abc" }));
    assert.match(run.runId, /^auto-[0-9a-f]{20}$/);
  });

  test("an empty or blank sightline.run.id counts as absent", () => {
    for (const id of ["", "   "]) assert.equal(runOf(resource({ "sightline.run.id": id, "service.name": "s" })).implicit, true);
  });

  test("each identity attribute changes the implicit id; other attributes do not", () => {
    const base = { "service.name": "trainer", "host.name": "h", "process.pid": 1n, "service.instance.id": "i" };
    const id = runOf(resource(base)).runId;
    for (const key of Object.keys(base)) {
      const changed = { ...base, [key]: key === "process.pid" ? 2n : "other" };
      assert.notEqual(runOf(resource(changed)).runId, id, `${key} is part of the identity`);
    }
    assert.equal(runOf(resource({ ...base, "deployment.environment": "prod", "telemetry.sdk.name": "x" })).runId, id);
    assert.equal(runOf(resource({ "process.pid": 1n, "service.instance.id": "i", "host.name": "h", "service.name": "trainer" })).runId, id, "attribute order does not matter");
  });

  const names: Array<{ attrs: Record<string, AnyValue>; name: string; experiment: string | undefined }> = [
    { attrs: { "service.name": "trainer", "host.name": "gpu-3", "process.pid": 4242n }, name: "trainer (gpu-3 pid 4242)", experiment: "trainer" },
    { attrs: { "service.name": "trainer" }, name: "trainer", experiment: "trainer" },
    { attrs: { "service.name": "trainer", "sightline.run.name": "mine", "sightline.experiment": "exp" }, name: "mine", experiment: "exp" },
    { attrs: { "host.name": "h" }, name: "unknown service (h)", experiment: undefined },
  ];
  for (const c of names) {
    test(`implicit name and experiment of ${JSON.stringify(Object.keys(c.attrs))}`, () => {
      const run = runOf(resource(c.attrs));
      assert.equal(run.name, c.name);
      assert.equal(run.experiment, c.experiment);
    });
  }

  test("a span's or log record's own sightline.run.id wins over the resource's run", () => {
    assert.equal(ownRunId(attrs({ "sightline.run.id": "other" }), "mine"), "other");
    assert.equal(ownRunId(attrs({ "sightline.run.id": " " }), "mine"), "mine");
    assert.equal(ownRunId([], "mine"), "mine");
  });
});

describe("run fields", () => {
  const tags: Array<{ value: AnyValue; want: string[] | undefined }> = [
    { value: ["b", "a", "b"], want: ["a", "b"] },
    { value: "b, a ,,c", want: ["a", "b", "c"] },
    { value: ["x", 3n, true], want: ["x"] },
    { value: 5n, want: undefined },
  ];
  for (const { value, want } of tags) {
    test(`tags from ${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`, () => {
      assert.deepEqual(runOf(resource({ "sightline.run.id": "r", "sightline.run.tags": value })).tags, want);
    });
  }

  const statuses: Array<[string, string | undefined]> = [
    ["running", "running"],
    ["FINISHED", "finished"],
    [" Failed ", "failed"],
    ["done", undefined],
    ["", undefined],
  ];
  for (const [sent, want] of statuses) {
    test(`status ${JSON.stringify(sent)} → ${want}`, () => {
      assert.equal(runOf(resource({ "sightline.run.id": "r", "sightline.run.status": sent })).status, want);
    });
  }
});

describe("hparams", () => {
  test("a kvlist becomes nested JSON with the value types kept", () => {
    const h = hparamsOf(attrs({ "sightline.hparams": kv({ lr: 0.001, layers: 4n, optimizer: kv({ name: "adam", betas: [0.9, 0.999] }), amp: true }) }));
    assert.deepEqual(h, { lr: 0.001, layers: 4, optimizer: { name: "adam", betas: [0.9, 0.999] }, amp: true });
  });

  test("a JSON object in a string is parsed; other strings give no hparams", () => {
    assert.deepEqual(hparamsOf(attrs({ "sightline.hparams": '{"lr": 0.1, "opt": {"m": 0.9}}' })), { lr: 0.1, opt: { m: 0.9 } });
    for (const s of ["not json", "[1, 2]", "3", "null"]) assert.equal(hparamsOf(attrs({ "sightline.hparams": s })), undefined, s);
  });

  test("flattened keys nest by dots and win over the same path of the tree", () => {
    const h = hparamsOf(
      attrs({
        "sightline.hparams": '{"lr": 0.1, "opt": {"name": "sgd", "m": 0.9}}',
        "sightline.hparams.opt.name": "adam",
        "sightline.hparams.data.batch": 32n,
      }),
    );
    assert.deepEqual(h, { lr: 0.1, opt: { name: "adam", m: 0.9 }, data: { batch: 32 } });
  });

  test("flattened keys alone make the tree; a bare prefix is ignored", () => {
    assert.deepEqual(hparamsOf(attrs({ "sightline.hparams.a.b.c": 1n, "sightline.hparams.": "x" })), { a: { b: { c: 1 } } });
    assert.equal(hparamsOf(attrs({ "service.name": "s" })), undefined);
  });

  test("a flattened key through __proto__ is an ordinary key, never Object.prototype", () => {
    const h = hparamsOf(attrs({ "sightline.hparams.__proto__.polluted": "yes", "sightline.hparams.a.__proto__": 1n }));
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype untouched");
    assert.deepEqual(JSON.parse(JSON.stringify(h)), JSON.parse('{"__proto__": {"polluted": "yes"}, "a": {"__proto__": 1}}'));
  });

  test("values JSON cannot hold are written as documented", () => {
    const h = hparamsOf(attrs({ "sightline.hparams": kv({ nan: NaN, inf: Infinity, ninf: -Infinity, big: 9007199254740993n, raw: new Uint8Array([1, 2, 255]), none: null }) }));
    assert.deepEqual(h, { nan: "NaN", inf: "Infinity", ninf: "-Infinity", big: 9007199254740992, raw: "AQL/", none: null });
  });
});
