/**
 * The reference files that are not span fixtures of their own (fixtures/README.md):
 * - the OTel GenAI message schemas: every message list in every golden must conform;
 * - vercel-ai-v6/all-spans.json and spans-by-operation.json: the same spans as the per-operation
 *   files, so they must normalize to exactly those files' goldens;
 * - vercel-ai-v6/capture-results.json: the capture's list of attributes, each of which the Vercel
 *   rules must either read or deliberately leave in the raw attributes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { normalizeAi } from "../../collector/normalize/ai/normalize-ai.ts";
import { GOLDEN_DIR, readFixtureJson, spanFixtures, spansOf } from "./support/fixture-files.ts";
import { inReadingOrder } from "./support/golden-files.ts";
import { messageSchemaErrors } from "./support/message-schema.ts";

interface GoldenFile {
  spans: Array<{ label: string; ai: Record<string, unknown> | null }>;
}

function golden(path: string): GoldenFile {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, path), "utf8")) as GoldenFile;
}

describe("reference files beside the span fixtures", () => {
  test("every message list in every golden conforms to the OTel GenAI message schemas", () => {
    const problems: string[] = [];
    for (const fixture of spanFixtures()) {
      for (const span of golden(fixture.path).spans) {
        const ai = span.ai;
        if (ai === null) continue;
        const where = `${fixture.path} ${span.label}`;
        if (ai.input !== undefined) problems.push(...messageSchemaErrors("input", ai.input).map((e) => `${where} input ${e}`));
        // A source that states no finish reason cannot be made to: finish_reason is required by the schema but optional here.
        if (ai.output !== undefined) problems.push(...messageSchemaErrors("output", ai.output, ["finish_reason"]).map((e) => `${where} output ${e}`));
        if (ai.systemInstructions !== undefined) problems.push(...messageSchemaErrors("system", ai.systemInstructions).map((e) => `${where} system ${e}`));
      }
    }
    assert.deepEqual(problems, []);
  });

  for (const aggregate of ["reference/vercel-ai-v6/all-spans.json", "reference/vercel-ai-v6/spans-by-operation.json"]) {
    test(`${aggregate} normalizes exactly as the per-operation goldens say`, () => {
      const expected = new Map<string, unknown>();
      for (const fixture of spanFixtures().filter((f) => f.path.startsWith("reference/vercel-ai-v6/"))) {
        for (const span of golden(fixture.path).spans) expected.set(span.label, span.ai);
      }
      const spans = spansOf(aggregate, readFixtureJson(aggregate));
      assert.equal(spans.length, 10);
      for (const { label, span, resource } of spans) {
        assert.ok(expected.has(label), `${label} is in no per-operation file`);
        const ai = normalizeAi(span, resource);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(ai === undefined ? null : inReadingOrder(ai))), expected.get(label), label);
      }
    });
  }

  test("every attribute of the Vercel AI SDK v6 capture is read, or left raw on purpose", () => {
    const READ = new Set([
      "gen_ai.request.model", "gen_ai.response.finish_reasons", "gen_ai.response.model", "gen_ai.system", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
      "ai.model.id", "ai.model.provider", "ai.operationId", "ai.prompt", "ai.prompt.messages", "ai.response.finishReason", "ai.response.model",
      "ai.response.msToFirstChunk", "ai.response.object", "ai.response.text", "ai.settings.maxRetries", "ai.settings.output", "ai.telemetry.functionId",
      "ai.telemetry.metadata.customField", "ai.telemetry.metadata.testCategory", "ai.usage.cachedInputTokens", "ai.usage.completionTokens",
      "ai.usage.inputTokens", "ai.usage.outputTokens", "ai.usage.promptTokens", "ai.usage.reasoningTokens", "ai.usage.tokens", "ai.usage.totalTokens",
      "ai.value", "ai.values",
    ]);
    // Kept only in the raw attributes: ids and timestamps of the response, transport details, the
    // embedding vectors (large, and no use in the ai object), derived speeds, the output schema.
    const RAW_ONLY = new Set([
      "gen_ai.response.id", "ai.response.id", "ai.response.timestamp", "ai.response.providerMetadata", "ai.request.headers.user-agent",
      "ai.embedding", "ai.embeddings", "ai.response.msToFinish", "ai.response.avgOutputTokensPerSecond", "ai.schema", "operation.name", "resource.name",
    ]);
    const summary = readFixtureJson("reference/vercel-ai-v6/capture-results.json") as { attributeSummary: Record<string, string[]> };
    const unaccounted = Object.values(summary.attributeSummary).flat().filter((name) => !READ.has(name) && !RAW_ONLY.has(name));
    assert.deepEqual(unaccounted, []);
  });
});
