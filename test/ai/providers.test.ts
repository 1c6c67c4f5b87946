/** collector/normalize/ai/providers.ts: every era's provider names → one name per provider. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeProvider } from "../../collector/normalize/ai/providers.ts";

test("provider aliases normalise to the OTel well-known values", () => {
  const cases: Record<string, string> = {
    openai: "openai",
    OpenAI: "openai",
    "openai.responses": "openai",
    "openai.chat": "openai",
    "openai.embedding": "openai",
    "az.ai.openai": "azure.ai.openai",
    "azure.ai.openai": "azure.ai.openai",
    "azure.chat": "azure.ai.openai",
    "az.ai.inference": "azure.ai.inference",
    anthropic: "anthropic",
    "anthropic.messages": "anthropic",
    "aws.bedrock": "aws.bedrock",
    "amazon-bedrock": "aws.bedrock",
    "gcp.vertex_ai": "gcp.vertex_ai",
    vertex_ai: "gcp.vertex_ai",
    "google.vertex.chat": "gcp.vertex_ai",
    "gcp.gemini": "gcp.gemini",
    "google.generative-ai": "gcp.gemini",
    google: "gcp.gen_ai",
    cohere: "cohere",
    "cohere.chat": "cohere",
    mistralai: "mistral_ai",
    mistral_ai: "mistral_ai",
    "mistral.chat": "mistral_ai",
    groq: "groq",
    "groq.chat": "groq",
    ollama: "ollama",
    deepseek: "deepseek",
    "deepseek.chat": "deepseek",
    xai: "x_ai",
    "xai.chat": "x_ai",
    perplexity: "perplexity",
    watsonx: "ibm.watsonx.ai",
    " Some-New.Provider ": "some-new.provider",
    __proto__: "__proto__",
    constructor: "constructor",
  };
  for (const [name, expected] of Object.entries(cases)) assert.equal(normalizeProvider(name), expected, name);
  assert.equal(normalizeProvider("  "), undefined);
});
