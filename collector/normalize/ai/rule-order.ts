import type { AiRule } from "./ai-rule.ts";
import { openInferenceRule } from "./rules/openinference.ts";
import { openLlmetryRule } from "./rules/openllmetry.ts";
import { otelGenAiEventsRule } from "./rules/otel-genai-events.ts";
import { otelGenAiRule } from "./rules/otel-genai.ts";
import { pydanticAiRule } from "./rules/pydantic-ai.ts";
import { sightlineLangChainRule } from "./rules/sightline-langchain.ts";
import { vercelAiRule } from "./rules/vercel-ai.ts";

/**
 * The AI dialect rules, in order; for each canonical field the first rule that states it wins.
 *
 * 1. otel-genai — the standard, as span attributes. Instrumentations that write several dialects
 *    at once (the Vercel AI SDK writes gen_ai.* and ai.*; OpenLLMetry gen_ai.* and traceloop.*;
 *    Pydantic AI gen_ai.* and its own keys) are read through the standard first, so a span means
 *    the same whichever extras its sender adds.
 * 2. otel-genai-events — the same conventions' span events (older eras, or content moved out of
 *    attributes); after the attributes, which are the newer and more complete carrier.
 * 3. openinference — a complete, well-specified dialect of its own with explicit span kinds; its
 *    keys do not overlap the standard's, so its place only matters for fields both can state
 *    (session/user id, plain input/output).
 * 4. vercel-ai — the SDK's own ai.* telemetry: what the SDK's gen_ai.* does not carry (span type,
 *    messages, response text, tool calls, settings, metadata) comes from here.
 * 5. openllmetry — traceloop.* and the legacy llm.* / indexed gen_ai.prompt.N keys; the indexed
 *    messages are a fallback for spans without gen_ai.input.messages.
 * 6. pydantic-ai — framework extras (the agent run's conversation, final_result, Logfire's cost);
 *    last, as it only fills what the standard keys leave open.
 * 7. sightline-langchain — the chain spans of Sightline's own LangChain instrumentation (the
 *    conventions have no chain operation); its agent, chat, tool and retrieval spans are standard.
 */
export const AI_RULES: readonly AiRule[] = [
  otelGenAiRule,
  otelGenAiEventsRule,
  openInferenceRule,
  vercelAiRule,
  openLlmetryRule,
  pydanticAiRule,
  sightlineLangChainRule,
];
