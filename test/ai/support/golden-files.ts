import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";

/** Goldens are rewritten only when asked: SIGHTLINE_UPDATE_GOLDEN=1 npm test -- test/ai. */
export const UPDATE_GOLDEN = process.env.SIGHTLINE_UPDATE_GOLDEN === "1";

/**
 * Compares `actual` (plain JSON) with the golden file, or — with SIGHTLINE_UPDATE_GOLDEN=1 —
 * writes it. A missing golden fails: a golden is a reviewed spec, never created by accident.
 */
export function assertGolden(goldenPath: string, actual: unknown): void {
  const text = JSON.stringify(actual, null, 2) + "\n";
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(goldenPath), { recursive: true });
    writeFileSync(goldenPath, text);
    return;
  }
  const name = relative(process.cwd(), goldenPath);
  if (!existsSync(goldenPath)) assert.fail(`missing golden ${name}: review the output, then create it with SIGHTLINE_UPDATE_GOLDEN=1 npm test -- test/ai`);
  assert.deepStrictEqual(JSON.parse(text), JSON.parse(readFileSync(goldenPath, "utf8")), `${name} differs (SIGHTLINE_UPDATE_GOLDEN=1 rewrites it; review the diff)`);
}

/** Top-level `ai` fields in reading order, so goldens read alike whichever rule set a field first. */
const FIELD_ORDER = [
  "type", "operation", "model", "requestModel", "responseModel", "provider", "usage", "costUsd", "costSource",
  "systemInstructions", "input", "output", "inputValue", "outputValue", "tool", "agent", "documents",
  "sessionId", "userId", "finishReasons", "parameters", "error", "tags", "metadata", "timeToFirstTokenNanos", "dialects",
];

export function inReadingOrder(fields: object): Record<string, unknown> {
  const source = fields as Record<string, unknown>;
  const keys = Object.keys(source).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(keys.map((k) => [k, source[k]]));
}

function rank(key: string): number {
  const i = FIELD_ORDER.indexOf(key);
  return i < 0 ? FIELD_ORDER.length : i;
}
