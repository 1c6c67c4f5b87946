/**
 * GenAI spans for agents that do not use LangChain: wrap a function as an agent, a tool or an LLM
 * call and get the spans LangChainInstrumentation makes (invoke_agent, execute_tool, chat), nested
 * by the active OpenTelemetry context, errors recorded.
 *
 *   await traceAgent({ name: "planner", conversationId }, async () => {
 *     const reply = await traceLlmCall({ provider: "openai", model: "gpt-4o", input: messages }, async (call) => {
 *       const r = await openai.chat.completions.create({ model: "gpt-4o", messages });
 *       call.record({ output: r.choices[0].message.content ?? "", usage: { inputTokens: r.usage?.prompt_tokens, outputTokens: r.usage?.completion_tokens }, responseModel: r.model });
 *       return r;
 *     });
 *     return traceTool({ name: "search", callId: "call_1", arguments: { q: "…" } }, () => search("…"));
 *   });
 */
import { context, createContextKey, SpanKind, trace, type Attributes, type Span, type Tracer } from "@opentelemetry/api";
import * as A from "./genai/attributes.ts";
import { captureContentByDefault } from "./genai/content-capture.ts";
import { toJson } from "./genai/json.ts";
import { normalizeFinishReason, textMessage, type ChatMessage, type MessagePart, type OutputMessage, type Role } from "./genai/messages.ts";
import { recordSpanError } from "./genai/span-errors.ts";

/** A message: the GenAI shape ({ role, parts }) or, for short, { role, content: "text" }. */
export type MessageInput = ChatMessage | { role: Role; content: string };

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
}

interface CommonOptions {
  /** gen_ai.conversation.id; inherited by the spans nested inside. */
  conversationId?: string;
  /** user.id; inherited by the spans nested inside. */
  userId?: string;
  /** Record messages, arguments and results. Default: true unless OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false. */
  captureContent?: boolean;
  /** More attributes for the span. */
  attributes?: Attributes;
  /** Default: the global tracer provider's "sightline-agent-helpers" tracer. */
  tracer?: Tracer;
}

export interface AgentOptions extends CommonOptions {
  name: string;
  id?: string;
  description?: string;
  input?: MessageInput[] | string;
}

export interface ToolOptions extends CommonOptions {
  name: string;
  callId?: string;
  description?: string;
  /** function (default), extension or datastore. */
  type?: string;
  arguments?: unknown;
}

export interface LlmCallOptions extends CommonOptions {
  provider: string;
  model: string;
  /** gen_ai.operation.name; default "chat". */
  operation?: "chat" | "text_completion" | "generate_content" | (string & {});
  parameters?: { temperature?: number; maxTokens?: number; topP?: number; topK?: number; frequencyPenalty?: number; presencePenalty?: number; stopSequences?: string[]; seed?: number };
  systemInstructions?: string | MessagePart[];
  input?: MessageInput[] | string;
  /** Derive the recorded result from the function's return value (instead of, or besides, call.record()). */
  result?: (value: unknown) => LlmResult | undefined;
}

export interface LlmResult {
  output?: MessageInput[] | string;
  usage?: TokenUsage;
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
}

export interface AgentRecorder {
  readonly span: Span;
  /** The agent's answer (default: the function's return value when it is a string). */
  output(messages: MessageInput[] | string): void;
}

export interface ToolRecorder {
  readonly span: Span;
  /** The tool's result (default: the function's return value). */
  result(value: unknown): void;
}

export interface LlmCallRecorder {
  readonly span: Span;
  record(result: LlmResult): void;
  /** Call when the first streamed chunk arrives: records gen_ai.response.time_to_first_chunk. */
  firstChunk(): void;
}

const HELPERS_TRACER = "sightline-agent-helpers";
const SESSION = createContextKey("sightline.genai.session");

interface Session {
  conversationId?: string;
  userId?: string;
}

export function traceAgent<T>(options: AgentOptions | string, fn: (agent: AgentRecorder) => T | Promise<T>): Promise<T> {
  const o = typeof options === "string" ? { name: options } : options;
  const attributes: Attributes = { [A.GEN_AI_OPERATION_NAME]: A.OPERATION.invokeAgent, [A.GEN_AI_AGENT_NAME]: o.name };
  if (o.id) attributes[A.GEN_AI_AGENT_ID] = o.id;
  if (o.description) attributes[A.GEN_AI_AGENT_DESCRIPTION] = o.description;
  if (capture(o) && o.input !== undefined) attributes[A.GEN_AI_INPUT_MESSAGES] = JSON.stringify(messages(o.input, "user"));
  let output: MessageInput[] | string | undefined;
  return run(o, `${A.OPERATION.invokeAgent} ${o.name}`, SpanKind.INTERNAL, attributes, (span) => fn({ span, output: (m) => (output = m) }), (span, value) => {
    const answer = output ?? (typeof value === "string" ? value : undefined);
    if (capture(o) && answer !== undefined) span.setAttribute(A.GEN_AI_OUTPUT_MESSAGES, JSON.stringify(outputMessages(answer, undefined)));
  });
}

export function traceTool<T>(options: ToolOptions | string, fn: (tool: ToolRecorder) => T | Promise<T>): Promise<T> {
  const o = typeof options === "string" ? { name: options } : options;
  const attributes: Attributes = { [A.GEN_AI_OPERATION_NAME]: A.OPERATION.executeTool, [A.GEN_AI_TOOL_NAME]: o.name, [A.GEN_AI_TOOL_TYPE]: o.type ?? "function" };
  if (o.callId) attributes[A.GEN_AI_TOOL_CALL_ID] = o.callId;
  if (o.description) attributes[A.GEN_AI_TOOL_DESCRIPTION] = o.description;
  if (capture(o) && o.arguments !== undefined) attributes[A.GEN_AI_TOOL_CALL_ARGUMENTS] = toJson(o.arguments);
  let result: { value: unknown } | undefined;
  return run(o, `${A.OPERATION.executeTool} ${o.name}`, SpanKind.INTERNAL, attributes, (span) => fn({ span, result: (value) => (result = { value }) }), (span, value) => {
    if (capture(o)) span.setAttribute(A.GEN_AI_TOOL_CALL_RESULT, toJson(result ? result.value : (value ?? null)));
  });
}

export function traceLlmCall<T>(options: LlmCallOptions, fn: (call: LlmCallRecorder) => T | Promise<T>): Promise<T> {
  const operation = options.operation ?? A.OPERATION.chat;
  const attributes: Attributes = { [A.GEN_AI_OPERATION_NAME]: operation, [A.GEN_AI_PROVIDER_NAME]: options.provider, [A.GEN_AI_REQUEST_MODEL]: options.model, ...parameterAttributes(options.parameters) };
  if (capture(options)) {
    if (options.systemInstructions !== undefined) attributes[A.GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(typeof options.systemInstructions === "string" ? [{ type: "text", content: options.systemInstructions }] : options.systemInstructions);
    if (options.input !== undefined) attributes[A.GEN_AI_INPUT_MESSAGES] = JSON.stringify(messages(options.input, "user"));
  }
  const recorded: LlmResult[] = [];
  const startedAt = performance.now();
  let firstChunkSeen = false;
  return run(
    options,
    `${operation} ${options.model}`,
    SpanKind.CLIENT,
    attributes,
    (span) =>
      fn({
        span,
        record: (r) => recorded.push(r),
        firstChunk: () => {
          if (firstChunkSeen) return;
          firstChunkSeen = true;
          span.setAttributes({ [A.GEN_AI_REQUEST_STREAM]: true, [A.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: (performance.now() - startedAt) / 1000 });
        },
      }),
    (span, value) => {
      const derived = options.result?.(value);
      for (const r of derived ? [derived, ...recorded] : recorded) span.setAttributes(resultAttributes(r, capture(options)));
    },
  );
}

async function run<T>(options: CommonOptions, name: string, kind: SpanKind, attributes: Attributes, body: (span: Span) => T | Promise<T>, onResult: (span: Span, value: T) => void): Promise<T> {
  const parent = context.active();
  const inherited = parent.getValue(SESSION) as Session | undefined;
  const session: Session = { conversationId: options.conversationId ?? inherited?.conversationId, userId: options.userId ?? inherited?.userId };
  const all: Attributes = { ...attributes, ...options.attributes };
  if (session.conversationId) all[A.GEN_AI_CONVERSATION_ID] = session.conversationId;
  if (session.userId) all[A.USER_ID] = session.userId;
  const tracer = options.tracer ?? trace.getTracer(HELPERS_TRACER);
  return tracer.startActiveSpan(name, { kind, attributes: all }, parent.setValue(SESSION, session), async (span) => {
    try {
      const value = await body(span);
      onResult(span, value);
      return value;
    } catch (err) {
      recordSpanError(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

function resultAttributes(r: LlmResult, withContent: boolean): Attributes {
  const a: Attributes = {};
  if (r.responseModel) a[A.GEN_AI_RESPONSE_MODEL] = r.responseModel;
  if (r.responseId) a[A.GEN_AI_RESPONSE_ID] = r.responseId;
  if (r.finishReasons?.length) a[A.GEN_AI_RESPONSE_FINISH_REASONS] = r.finishReasons;
  const u = r.usage;
  if (u?.inputTokens !== undefined) a[A.GEN_AI_USAGE_INPUT_TOKENS] = u.inputTokens;
  if (u?.outputTokens !== undefined) a[A.GEN_AI_USAGE_OUTPUT_TOKENS] = u.outputTokens;
  if (u?.cacheReadTokens !== undefined) a[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = u.cacheReadTokens;
  if (u?.cacheCreationTokens !== undefined) a[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = u.cacheCreationTokens;
  if (u?.reasoningTokens !== undefined) a[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = u.reasoningTokens;
  if (withContent && r.output !== undefined) a[A.GEN_AI_OUTPUT_MESSAGES] = JSON.stringify(outputMessages(r.output, r.finishReasons?.[0]));
  return a;
}

function parameterAttributes(p: LlmCallOptions["parameters"]): Attributes {
  const a: Attributes = {};
  if (!p) return a;
  if (p.temperature !== undefined) a[A.GEN_AI_REQUEST_TEMPERATURE] = p.temperature;
  if (p.maxTokens !== undefined) a[A.GEN_AI_REQUEST_MAX_TOKENS] = p.maxTokens;
  if (p.topP !== undefined) a[A.GEN_AI_REQUEST_TOP_P] = p.topP;
  if (p.topK !== undefined) a[A.GEN_AI_REQUEST_TOP_K] = p.topK;
  if (p.frequencyPenalty !== undefined) a[A.GEN_AI_REQUEST_FREQUENCY_PENALTY] = p.frequencyPenalty;
  if (p.presencePenalty !== undefined) a[A.GEN_AI_REQUEST_PRESENCE_PENALTY] = p.presencePenalty;
  if (p.stopSequences?.length) a[A.GEN_AI_REQUEST_STOP_SEQUENCES] = p.stopSequences;
  if (p.seed !== undefined) a[A.GEN_AI_REQUEST_SEED] = p.seed;
  return a;
}

function messages(input: MessageInput[] | string, role: Role): ChatMessage[] {
  if (typeof input === "string") return [textMessage(role, input)];
  return input.map((m) => ("parts" in m ? m : textMessage(m.role, m.content)));
}

function outputMessages(output: MessageInput[] | string, finishReason: string | undefined): OutputMessage[] {
  return messages(output, "assistant").map((m) => ({
    ...m,
    finish_reason: finishReason ? normalizeFinishReason(finishReason) : m.parts.some((p) => p.type === "tool_call") ? "tool_call" : "stop",
  }));
}

function capture(options: CommonOptions): boolean {
  return options.captureContent ?? captureContentByDefault();
}
