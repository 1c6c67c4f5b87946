import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { spansFromCase } from "./case-spans.ts";
import { spansFromAttributeMap, spansFromReadableSpans, type FixtureSpan } from "./fixture-spans.ts";
import { spansFromLangfuseTrace } from "./langfuse-trace.ts";

export const AI_TEST_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(AI_TEST_DIR, "fixtures");
export const GOLDEN_DIR = join(AI_TEST_DIR, "golden");

export interface SpanFixture {
  /** Path under fixtures/, also the golden's path under golden/. */
  path: string;
  spans: FixtureSpan[];
}

/** Reference files that are not span fixtures of their own (fixtures/README.md says what they are for). */
export const NOT_SPAN_FIXTURES = new Set([
  "reference/vercel-ai-v6/all-spans.json",
  "reference/vercel-ai-v6/spans-by-operation.json",
  "reference/vercel-ai-v6/capture-results.json",
  "reference/otel-genai/gen-ai-input-messages.json",
  "reference/otel-genai/gen-ai-output-messages.json",
  "reference/otel-genai/gen-ai-system-instructions.json",
]);

export function readFixtureJson(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, path), "utf8"));
}

/** Every span fixture, each read by the loader its folder calls for. */
export function spanFixtures(): SpanFixture[] {
  return listJson(FIXTURES_DIR)
    .map((file) => relative(FIXTURES_DIR, file).split("\\").join("/"))
    .filter((path) => !NOT_SPAN_FIXTURES.has(path))
    .map((path) => ({ path, spans: spansOf(path, readFixtureJson(path)) }));
}

export function spansOf(path: string, json: unknown): FixtureSpan[] {
  if (path.startsWith("reference/openinference-genai/")) return spansFromAttributeMap(json, basename(path, ".json"));
  if (path.startsWith("reference/vercel-ai-v6/")) return spansFromReadableSpans(json);
  if (path.startsWith("reference/other/")) return spansFromLangfuseTrace(json);
  if (path.startsWith("cases/")) return spansFromCase(json);
  throw new Error(`no loader for fixture ${path}`);
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listJson(path));
    else if (entry.endsWith(".json")) out.push(path);
  }
  return out;
}
