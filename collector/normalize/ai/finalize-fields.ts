import type { Span } from "../../model/trace.ts";
import { STATUS_CODE_ERROR } from "../../model/trace.ts";
import type { AiFields } from "./ai-fields.ts";
import { inputIncludesCache, priceTableCost } from "./cost.ts";
import type { PriceTable } from "./price-table.ts";
import { AttributeIndex } from "./values/attribute-index.ts";
import { readString } from "./values/read-values.ts";

/**
 * What follows from the merged fields, whichever dialects stated them, in this order: the model,
 * a type for typeless model calls, tool arguments/results ↔ plain input/output, messages over
 * plain values, the total token count, per-choice finish reasons, the error, the derived cost,
 * and finally no empty objects or undefined members. Mutates only `fields` (the rules' fresh output).
 */
export function finalizeFields(fields: AiFields, span: Span, priceTable: PriceTable | null): AiFields {
  fields.model = fields.responseModel ?? fields.requestModel;
  // A span that names a model and counts tokens but says nothing of its kind is a model call.
  if (fields.type === undefined && fields.operation === undefined && fields.model !== undefined && (fields.usage?.inputTokens !== undefined || fields.usage?.outputTokens !== undefined)) {
    fields.type = "llm";
  }
  if (fields.type === "tool") {
    // A tool span's input is its arguments and its output its result, however the dialect said it.
    const tool = (fields.tool ??= {});
    tool.arguments ??= fields.inputValue;
    tool.result ??= fields.outputValue;
    fields.inputValue ??= tool.arguments;
    fields.outputValue ??= tool.result;
  }
  // Messages when the source has them, else the plain value (the raw attributes keep both).
  if (fields.input !== undefined) delete fields.inputValue;
  if (fields.output !== undefined) delete fields.outputValue;
  deriveTotalTokens(fields);
  finishReasonsPerChoice(fields);
  const error = errorOf(fields, span);
  if (error !== undefined) fields.error = error;
  if (fields.costUsd === undefined && priceTable !== null && (fields.type === "llm" || fields.type === "embedding")) {
    const cost = priceTableCost(fields, priceTable);
    if (cost !== undefined) {
      fields.costUsd = cost;
      fields.costSource = "price-table";
    }
  }
  return withoutEmpty(fields);
}

/**
 * gen_ai.response.finish_reasons has one reason per choice; output messages are the choices. A
 * message that states no reason of its own gets its choice's, when the counts agree.
 */
function finishReasonsPerChoice(fields: AiFields): void {
  const { output, finishReasons } = fields;
  if (output === undefined || finishReasons === undefined || output.length !== finishReasons.length) return;
  fields.output = output.map((message, i) => (message.finish_reason === undefined ? { ...message, finish_reason: finishReasons[i]! } : message));
}

/** input + output (+ cache tokens the input does not count), only when not reported. */
function deriveTotalTokens(fields: AiFields): void {
  const usage = fields.usage;
  if (usage === undefined || usage.totalTokens !== undefined || usage.inputTokens === undefined || usage.outputTokens === undefined) return;
  const cache = inputIncludesCache(usage, fields.provider, fields.model) ? 0 : (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
  usage.totalTokens = usage.inputTokens + usage.outputTokens + cache;
}

/** The span's error status (with its message) and error.type; an exception event fills what they leave out. */
function errorOf(fields: AiFields, span: Span): AiFields["error"] {
  const failed = span.status.code === STATUS_CODE_ERROR;
  const type = fields.error?.type;
  if (!failed && type === undefined) return undefined;
  const exception = span.events.find((e) => e.name === "exception");
  const exceptionAttributes = exception ? new AttributeIndex(exception.attributes) : undefined;
  const error: NonNullable<AiFields["error"]> = {};
  const errorType = type ?? readString(exceptionAttributes?.get("exception.type"));
  const message = (failed ? span.status.message : "") || fields.error?.message || readString(exceptionAttributes?.get("exception.message"));
  if (errorType !== undefined) error.type = errorType;
  if (message) error.message = message;
  return error;
}

const NESTED = ["usage", "tool", "agent", "parameters", "metadata", "error"] as const;

function withoutEmpty(fields: AiFields): AiFields {
  const out = fields as Record<string, unknown>;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  for (const key of NESTED) {
    const nested = out[key] as Record<string, unknown> | undefined;
    if (nested === undefined) continue;
    for (const sub of Object.keys(nested)) if (nested[sub] === undefined) delete nested[sub];
    if (Object.keys(nested).length === 0) delete out[key];
  }
  return fields;
}
