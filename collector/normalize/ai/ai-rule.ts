import type { InstrumentationScope, Resource, Span } from "../../model/trace.ts";
import type { AiFields } from "./ai-fields.ts";
import type { AttributeIndex } from "./values/attribute-index.ts";

/** What a rule sees of one span. Everything is read-only: rules never mutate the span. */
export interface AiRuleInput {
  readonly span: Span;
  readonly resource: Resource;
  /** The instrumentation scope, when the caller knows it (the Vercel AI SDK's is "ai", Pydantic AI's "pydantic-ai"). */
  readonly scope?: InstrumentationScope;
  /** The span's attributes, indexed once for all rules. */
  readonly attributes: AttributeIndex;
}

/**
 * One AI-span dialect (rules/*.ts). `applies` is a cheap test for the dialect's marker
 * attributes; `extract` states what the dialect says, leaving out what it does not know. Both
 * are pure and must not throw on any input (normalize-ai.ts still guards them).
 */
export interface AiRule {
  readonly id: string;
  applies(input: AiRuleInput): boolean;
  extract(input: AiRuleInput): AiFields;
}
