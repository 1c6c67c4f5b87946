import { createHash } from "node:crypto";
import { KvList, attributeValue, stringAttribute, type AnyValue, type Attributes } from "../model/any-value.ts";
import type { Resource } from "../model/trace.ts";
import { ATTR } from "./sightline-attributes.ts";
import { boundedKey, KEY_LIMITS } from "./bounded-key.ts";

export type RunStatus = "running" | "finished" | "failed";
export const RUN_STATUSES: readonly RunStatus[] = ["running", "finished", "failed"];

/** Plain JSON (the hparams tree). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * What a resource says about its run (docs/mapping.md). Fields the resource does not state are
 * undefined, so a later request that omits them leaves the stored values alone.
 */
export interface RunInfo {
  runId: string;
  /** True when the id was derived from the resource identity rather than sent as sightline.run.id. */
  implicit: boolean;
  name?: string;
  experiment?: string;
  tags?: string[];
  status?: RunStatus;
  hparams?: JsonObject;
}

/** A run as one request states it, with its project and (optionally) the resource attributes it came with. */
export type ProjectRun = RunInfo & { project: string; resourceAttributes?: Attributes };

/**
 * The run an individual span or log record belongs to: its own `sightline.run.id` attribute if it
 * has one (so one process can work for several runs), else its resource's run.
 */
export function ownRunId(attributes: Attributes, resourceRunId: string): string {
  return boundedRunId(stringAttribute(attributes, ATTR.runId)) || resourceRunId;
}

function boundedRunId(id: string | undefined): string {
  const trimmed = id?.trim() ?? "";
  return trimmed && boundedKey(trimmed, KEY_LIMITS.runId);
}

/** The resource attributes that identify a process when no sightline.run.id is given, in this order. */
export const IMPLICIT_RUN_IDENTITY = ["service.name", "service.instance.id", "host.name", "process.pid"] as const;

export function runOf(resource: Resource): RunInfo {
  const attrs = resource.attributes;
  const explicit = boundedRunId(stringAttribute(attrs, ATTR.runId));
  const serviceName = stringAttribute(attrs, "service.name");
  const info: RunInfo = explicit ? { runId: explicit, implicit: false } : { runId: implicitRunId(attrs), implicit: true };
  const name = stringAttribute(attrs, ATTR.runName)?.trim();
  const experiment = stringAttribute(attrs, ATTR.experiment)?.trim();
  if (name) info.name = name;
  else if (info.implicit) info.name = implicitRunName(attrs);
  if (experiment) info.experiment = boundedKey(experiment, KEY_LIMITS.experiment);
  else if (info.implicit && serviceName) info.experiment = boundedKey(serviceName, KEY_LIMITS.experiment);
  const tags = tagsOf(attributeValue(attrs, ATTR.runTags));
  if (tags) info.tags = tags;
  const status = stringAttribute(attrs, ATTR.runStatus)?.trim().toLowerCase();
  if (status && (RUN_STATUSES as readonly string[]).includes(status)) info.status = status as RunStatus;
  const hparams = hparamsOf(attrs);
  if (hparams) info.hparams = hparams;
  return info;
}

/**
 * "auto-" + the first 20 hex digits of SHA-256 over the identity attributes: each written as
 * `key=value` (value as text, "" when absent), joined by newlines. The same process always maps to
 * the same run; a restarted process (new pid or instance id) is a new run.
 */
export function implicitRunId(attrs: Attributes): string {
  const text = IMPLICIT_RUN_IDENTITY.map((key) => `${key}=${scalarText(attributeValue(attrs, key))}`).join("\n");
  return "auto-" + createHash("sha256").update(text).digest("hex").slice(0, 20);
}

function implicitRunName(attrs: Attributes): string {
  const service = stringAttribute(attrs, "service.name") || "unknown service";
  const instance = scalarText(attributeValue(attrs, "service.instance.id"));
  const host = scalarText(attributeValue(attrs, "host.name"));
  const pid = scalarText(attributeValue(attrs, "process.pid"));
  const where = [host, pid ? `pid ${pid}` : "", instance && !pid ? instance.slice(0, 12) : ""].filter(Boolean).join(" ");
  return where ? `${service} (${where})` : service;
}

function scalarText(v: AnyValue | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

/** Tags: a string array, or one comma-separated string. */
function tagsOf(v: AnyValue | undefined): string[] | undefined {
  let list: string[] | undefined;
  if (Array.isArray(v)) list = v.filter((t): t is string => typeof t === "string");
  else if (typeof v === "string") list = v.split(",");
  if (!list) return undefined;
  return [...new Set(list.map((t) => boundedKey(t.trim(), KEY_LIMITS.tag)).filter(Boolean))].sort();
}

/**
 * hparams from `sightline.hparams` (a kvlist, or a JSON object as a string), then flattened
 * `sightline.hparams.a.b` keys on top (a flattened key wins over the same path in the tree).
 */
export function hparamsOf(attrs: Attributes): JsonObject | undefined {
  let tree: JsonObject | undefined;
  const whole = attributeValue(attrs, ATTR.hparams);
  if (whole instanceof KvList) tree = toJson(whole) as JsonObject;
  else if (typeof whole === "string") {
    try {
      const parsed: unknown = JSON.parse(whole);
      if (isObject(parsed)) tree = parsed as JsonObject;
    } catch {
      // Not JSON: the attribute stays on the resource as sent, but gives no hparams.
    }
  }
  for (const kv of attrs) {
    if (!kv.key.startsWith(ATTR.hparamsPrefix) || kv.key.length === ATTR.hparamsPrefix.length) continue;
    tree ??= {};
    setPath(tree, kv.key.slice(ATTR.hparamsPrefix.length).split("."), toJson(kv.value));
  }
  return tree;
}

function setPath(tree: JsonObject, path: string[], value: JsonValue): void {
  let node = tree;
  for (const part of path.slice(0, -1)) {
    // Own keys only, defined rather than assigned: a key "__proto__" from telemetry must stay a key.
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (!isObject(next)) defineKey(node, part, {});
    node = node[part] as JsonObject;
  }
  defineKey(node, path[path.length - 1]!, value);
}

function defineKey(node: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

/** An attribute value as plain JSON: int64 beyond 2^53 becomes a number (hparams are for comparing, not for ids); bytes become base64. */
export function toJson(v: AnyValue): JsonValue {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (v instanceof KvList) return Object.fromEntries(v.values.map((kv) => [kv.key, toJson(kv.value)]));
  return v.map(toJson);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
