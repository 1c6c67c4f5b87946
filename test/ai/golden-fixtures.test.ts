/**
 * Golden tests of the AI dialect rules (collector/normalize/ai): every fixture under fixtures/ in,
 * the `ai` object of each of its spans out, compared with golden/<same path>. The goldens are the
 * spec: each was reviewed by eye. Regenerate only on purpose (SIGHTLINE_UPDATE_GOLDEN=1) and review
 * the diff.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { normalizeAi } from "../../collector/normalize/ai/normalize-ai.ts";
import { FIXTURES_DIR, GOLDEN_DIR, spanFixtures } from "./support/fixture-files.ts";
import { assertGolden, inReadingOrder } from "./support/golden-files.ts";

describe("AI dialect goldens", () => {
  const fixtures = spanFixtures();

  test("there are fixtures to test", () => {
    assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures under ${FIXTURES_DIR}`);
  });

  for (const fixture of fixtures) {
    test(fixture.path, () => {
      const spans = fixture.spans.map(({ label, span, resource, scope }) => {
        const before = JSON.stringify(span, bigintReplacer);
        const ai = normalizeAi(span, resource, { scope });
        assert.equal(JSON.stringify(span, bigintReplacer), before, "normalizeAi must not mutate the span");
        // The ai object is stored as JSON: it must survive JSON unchanged (no bigint, no undefined, no cycles).
        if (ai !== undefined) assert.deepStrictEqual(JSON.parse(JSON.stringify(ai)), ai);
        return { label, name: span.name, ai: ai === undefined ? null : inReadingOrder(ai) };
      });
      assertGolden(join(GOLDEN_DIR, fixture.path), { fixture: fixture.path, spans });
    });
  }
});

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `${value}n` : value;
}
