import type { InstrumentationScope, Resource, Span } from "../../model/trace.ts";
import type { AiFields } from "./ai-fields.ts";
import type { AiRuleInput } from "./ai-rule.ts";
import { finalizeFields } from "./finalize-fields.ts";
import { mergeFirstWins } from "./merge-fields.ts";
import { defaultPriceTable, type PriceTable } from "./price-table.ts";
import { AI_RULES } from "./rule-order.ts";
import { AttributeIndex } from "./values/attribute-index.ts";

export interface NormalizeAiOptions {
  /** The span's instrumentation scope, if known; some dialects are recognised by it. */
  scope?: InstrumentationScope;
  /** The table for derived costs (loadPriceTable()); default the built-in one; null derives no costs. */
  priceTable?: PriceTable | null;
}

/**
 * The canonical AI fields of a span (the API's `ai` object), or undefined for a span no dialect
 * rule recognises. Rules run in AI_RULES order; for each field the first rule that states it wins
 * (objects such as usage merge per sub-field). Pure: the span is only read, and raw attributes
 * stay the caller's to store. Never throws: a rule that fails on hostile input is skipped, and a
 * failure anywhere else makes the span a plain span.
 */
export function normalizeAi(span: Span, resource: Resource, options: NormalizeAiOptions = {}): AiFields | undefined {
  try {
    const input: AiRuleInput = { span, resource, scope: options.scope, attributes: new AttributeIndex(span.attributes) };
    const fields: AiFields = {};
    const dialects: string[] = [];
    for (const rule of AI_RULES) {
      let extracted: AiFields;
      try {
        if (!rule.applies(input)) continue;
        extracted = rule.extract(input);
      } catch {
        continue;
      }
      if (mergeFirstWins(fields, extracted)) dialects.push(rule.id);
    }
    if (dialects.length === 0) return undefined;
    const result = finalizeFields(fields, span, options.priceTable === undefined ? builtInPriceTable() : options.priceTable);
    result.dialects = dialects;
    return result;
  } catch {
    return undefined;
  }
}

/** The built-in table; were it ever unloadable, spans would lose their derived costs, not their AI fields. */
function builtInPriceTable(): PriceTable | null {
  try {
    return defaultPriceTable();
  } catch {
    return null;
  }
}
