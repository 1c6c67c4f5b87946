import type { AnyValue } from "../../../collector/model/any-value.ts";
import type { InstrumentationScope } from "../../../collector/model/trace.ts";
import { emptyResource, makeSpan, type FixtureSpan } from "./fixture-spans.ts";
import { plainToAttributes } from "./plain-json-values.ts";

/**
 * reference/other/*.json: Langfuse trace exports ({ trace, observations }) of real framework
 * traces, turned back into spans. Each observation is a span: its id, parent, name, times and
 * level (ERROR → status error) as exported; its original attributes, resource attributes and
 * scope from `metadata` (a JSON string or object).
 *
 * Two things Langfuse did on ingestion are undone, as documented here:
 * 1. Values: Langfuse stringified non-string attributes in older exports ("77", "[\"stop\"]") and
 *    parsed JSON strings into objects in newer ones. Strings stay strings (the rules must cope
 *    with stringified numbers anyway); whole numbers become int64 and other numbers doubles; arrays
 *    of primitives stay arrays; objects and arrays of objects become JSON text, as a Python or JS
 *    SDK must send them (attribute values cannot be maps).
 * 2. Carriers: newer Langfuse versions move the attribute that holds the input/output into the
 *    observation's `input`/`output` and drop it from metadata.attributes. When none of those
 *    carriers is left, the value is put back under the attribute Langfuse's own extraction order
 *    (OtelIngestionProcessor.extractInputAndOutput) implies for that span: the Vercel AI SDK's
 *    ai.prompt(.messages) / ai.response.* / ai.toolCall.*; gen_ai.tool.call.arguments / result
 *    for tool spans; gen_ai.input.messages / output.messages otherwise.
 */
export function spansFromLangfuseTrace(json: unknown): FixtureSpan[] {
  const { observations } = json as { observations: Observation[] };
  return observations.map((o) => {
    const metadata = (typeof o.metadata === "string" ? JSON.parse(o.metadata) : (o.metadata ?? {})) as Metadata;
    const attributes = restoreCarriers({ ...(metadata.attributes ?? {}) }, metadata.scope?.name, o.input, o.output);
    const scope: InstrumentationScope | undefined = metadata.scope
      ? { name: metadata.scope.name ?? "", version: metadata.scope.version ?? "", attributes: plainToAttributes(metadata.scope.attributes, langfuseValue), droppedAttributesCount: 0 }
      : undefined;
    return {
      label: o.id,
      span: makeSpan({
        traceId: o.traceId,
        spanId: o.id,
        parentSpanId: o.parentObservationId ?? "",
        name: o.name,
        startTimeUnixNano: isoToNanos(o.startTime),
        endTimeUnixNano: isoToNanos(o.endTime ?? o.startTime),
        attributes: plainToAttributes(attributes, langfuseValue),
        status: o.level === "ERROR" ? { code: 2, message: o.statusMessage ?? "" } : { code: 0, message: "" },
      }),
      resource: { ...emptyResource(), attributes: plainToAttributes(metadata.resourceAttributes, langfuseValue) },
      ...(scope ? { scope } : {}),
    };
  });
}

interface Observation {
  id: string;
  traceId: string;
  parentObservationId: string | null;
  name: string;
  startTime: string;
  endTime: string | null;
  level?: string;
  statusMessage?: string | null;
  input: unknown;
  output: unknown;
  metadata: string | Metadata | null;
}

interface Metadata {
  attributes?: Record<string, unknown>;
  resourceAttributes?: Record<string, unknown>;
  scope?: { name?: string; version?: string; attributes?: Record<string, unknown> };
}

function langfuseValue(value: unknown): AnyValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) return value.map(langfuseValue);
  return JSON.stringify(value);
}

const CARRIER_KEYS = [
  "ai.prompt.messages", "ai.prompt", "ai.toolCall.args", "ai.response.text", "ai.response.toolCalls", "ai.toolCall.result", "ai.response.object",
  "input.value", "output.value", "traceloop.entity.input", "traceloop.entity.output", "pydantic_ai.all_messages", "final_result",
  "tool_arguments", "tool_response", "input", "output", "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
];
const CARRIER_PREFIXES = ["gen_ai.prompt.", "gen_ai.completion.", "llm.input_messages.", "llm.output_messages."];

function restoreCarriers(attributes: Record<string, unknown>, scopeName: string | undefined, input: unknown, output: unknown): Record<string, unknown> {
  if (input == null && output == null) return attributes;
  const keys = Object.keys(attributes);
  if (keys.some((k) => CARRIER_KEYS.includes(k) || CARRIER_PREFIXES.some((p) => k.startsWith(p)))) return attributes;
  const put = (key: string, value: unknown): void => {
    if (value != null) attributes[key] = typeof value === "string" ? value : JSON.stringify(value);
  };
  if (scopeName === "ai") {
    const op = String(attributes["ai.operationId"] ?? "");
    if (op === "ai.toolCall") {
      put("ai.toolCall.args", input);
      put("ai.toolCall.result", output);
    } else {
      put(/\.do(Generate|Stream)$/.test(op) ? "ai.prompt.messages" : "ai.prompt", input);
      put(isToolCallList(output) ? "ai.response.toolCalls" : op.includes("Object") ? "ai.response.object" : "ai.response.text", output);
    }
  } else if (attributes["gen_ai.operation.name"] === "execute_tool" || "gen_ai.tool.name" in attributes) {
    put("gen_ai.tool.call.arguments", input);
    put("gen_ai.tool.call.result", output);
  } else if (keys.some((k) => k.startsWith("gen_ai."))) {
    put("gen_ai.input.messages", input);
    put("gen_ai.output.messages", output);
  }
  return attributes;
}

function isToolCallList(value: unknown): boolean {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return false;
    }
  }
  return Array.isArray(v) && v.length > 0 && v.every((c) => c !== null && typeof c === "object" && "toolCallId" in c);
}

function isoToNanos(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n;
}
