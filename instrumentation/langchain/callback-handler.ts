/**
 * The LangChain callback handler behind LangChainInstrumentation: one span per LangChain run,
 * parented as LangChain's run tree (parentRunId), the outermost run joined to the caller's active
 * OpenTelemetry context.
 *
 * It is duck-typed (LangChain accepts any object with a name, awaitHandlers and copy()), so this
 * file needs no runtime import of @langchain/core and serves both its CommonJS and ESM builds.
 * awaitHandlers is true: LangChain calls it inline, in the caller's async context, so span start
 * times are exact and the caller's active span is the root's parent (LangChain's default runs
 * handlers later, from a queue, where that context is gone). Its methods never throw.
 *
 * The method signatures are those @langchain/core 1.x calls at run time (for chains:
 * chain, inputs, runId, parentRunId, tags, metadata, runType, runName, extra), which differ from
 * the order in its type declarations.
 */
import { diag, SpanKind, SpanStatusCode, type Attributes, type Tracer } from "@opentelemetry/api";
import type { DocumentInterface } from "@langchain/core/documents";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, GenerationChunk, LLMResult } from "@langchain/core/outputs";
import * as A from "../genai/attributes.ts";
import { toJson } from "../genai/json.ts";
import { textMessage, type ChatMessage, type OutputMessage } from "../genai/messages.ts";
import { recordSpanError } from "../genai/span-errors.ts";
import { decideAgent } from "./agent-recognition.ts";
import { chatRequest, chatResponse, responseAttributes } from "./chat-attributes.ts";
import type { LangChainInstrumentationConfig } from "./config.ts";
import { splitSystemInstructions, toChatMessages } from "./messages.ts";
import { conversationIdOf, userIdOf } from "./run-metadata.ts";
import { agentInputMessages, agentOutputMessages, documentOf, readable, toolResult } from "./run-values.ts";
import { TrackedRuns, type RunKind, type TrackedRun } from "./tracked-runs.ts";

/** Sightline's own attributes on LangChain spans (no GenAI convention covers them). */
export const LANGCHAIN_RUN_TYPE = "sightline.langchain.run_type";
export const LANGCHAIN_INPUT = "sightline.langchain.input";
export const LANGCHAIN_OUTPUT = "sightline.langchain.output";

const HIDDEN_TAG = "langsmith:hidden";

export interface HandlerHost {
  tracer(): Tracer;
  config(): LangChainInstrumentationConfig;
  captureContent(): boolean;
}

type Metadata = Record<string, unknown>;

export class SightlineCallbackHandler {
  readonly name = "sightline_otel_tracer";
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = true;
  readonly lc_serializable = false;
  private readonly runs = new TrackedRuns();

  constructor(private readonly host: HandlerHost) {}

  /** One handler serves every callback manager; LangChain copies handlers by reference. */
  copy(): this {
    return this;
  }

  /** Runs in flight (for tests and leak checks). */
  get openRuns(): number {
    return this.runs.size;
  }

  handleChatModelStart(llm: Serialized, messages: BaseMessage[][], runId: string, parentRunId?: string, extraParams?: Metadata, _tags?: string[], metadata?: Metadata, runName?: string): void {
    this.guard("handleChatModelStart", () => {
      const input = toChatMessages(messages.flat());
      this.startModelRun("chat", llm, runId, parentRunId, extraParams, metadata, runName, input);
    });
  }

  handleLLMStart(llm: Serialized, prompts: string[], runId: string, parentRunId?: string, extraParams?: Metadata, _tags?: string[], metadata?: Metadata, runName?: string): void {
    this.guard("handleLLMStart", () => {
      this.startModelRun("llm", llm, runId, parentRunId, extraParams, metadata, runName, prompts.map((p) => textMessage("user", p)));
    });
  }

  handleLLMNewToken(_token: string, _idx: unknown, runId: string, _parentRunId?: string, _tags?: string[], fields?: { chunk?: ChatGenerationChunk | GenerationChunk }): void {
    this.guard("handleLLMNewToken", () => {
      const run = this.runs.get(runId);
      if (!run?.span) return;
      if (run.firstChunkAt === undefined) {
        run.firstChunkAt = performance.now();
        run.span.setAttribute(A.GEN_AI_REQUEST_STREAM, true);
        run.span.setAttribute(A.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (run.firstChunkAt - run.startedAt) / 1000);
      }
      const chunk = fields?.chunk;
      if (chunk) run.streamed = run.streamed ? concatChunks(run.streamed, chunk) : chunk;
    });
  }

  handleLLMEnd(output: LLMResult, runId: string): void {
    this.guard("handleLLMEnd", () => {
      const run = this.runs.take(runId);
      if (!run?.span) return;
      this.finishModelRun(run, output);
      run.span.end();
    });
  }

  handleLLMError(err: unknown, runId: string): void {
    this.guard("handleLLMError", () => {
      const run = this.runs.take(runId);
      if (!run?.span) return;
      // A stream that broke off: what arrived so far is the output.
      if (run.streamed) this.finishModelRun(run, { generations: [[run.streamed]] }, "error");
      recordSpanError(run.span, err);
      run.span.end();
    });
  }

  handleChainStart(chain: Serialized, inputs: unknown, runId: string, parentRunId?: string, tags?: string[], metadata?: Metadata, runType?: string, runName?: string): void {
    this.guard("handleChainStart", () => {
      const className = classOf(chain);
      const parent = parentRunId !== undefined ? this.runs.get(parentRunId) : undefined;
      const decision = decideAgent(
        { runName: runName ?? nameOf(chain), className, serializedId: chain.id ?? [], tags: tags ?? [], metadata: metadata ?? {} },
        parent?.agentMarker,
        this.host.config().recognizeAgent,
      );
      if (this.isHidden(tags) && decision.agentName === undefined) {
        this.trackWithoutSpan(runId, parentRunId, decision.marker);
        return;
      }
      const capture = this.host.captureContent();
      const attributes: Attributes = { ...this.sessionAttributes(metadata) };
      let spanName: string;
      let kind: RunKind;
      if (decision.agentName !== undefined) {
        kind = "agent";
        spanName = `${A.OPERATION.invokeAgent} ${decision.agentName}`;
        attributes[A.GEN_AI_OPERATION_NAME] = A.OPERATION.invokeAgent;
        attributes[A.GEN_AI_AGENT_NAME] = decision.agentName;
        setIfString(attributes, A.GEN_AI_AGENT_ID, metadata?.agent_id);
        setIfString(attributes, A.GEN_AI_AGENT_DESCRIPTION, metadata?.agent_description);
        if (capture) {
          const messages = agentInputMessages(inputs);
          if (messages) setMessages(attributes, messages);
          else attributes[LANGCHAIN_INPUT] = toJson(readable(inputs));
        }
      } else {
        kind = "chain";
        spanName = runName ?? nameOf(chain) ?? className;
        attributes[LANGCHAIN_RUN_TYPE] = runType ?? "chain";
        if (capture) attributes[LANGCHAIN_INPUT] = toJson(readable(inputs));
      }
      this.startSpan(kind, spanName, SpanKind.INTERNAL, runId, parentRunId, attributes, { agentMarker: decision.marker });
    });
  }

  handleChainEnd(outputs: unknown, runId: string): void {
    this.guard("handleChainEnd", () => {
      const run = this.runs.take(runId);
      if (!run?.span) return;
      if (this.host.captureContent()) {
        const messages = run.kind === "agent" ? agentOutputMessages(outputs) : undefined;
        if (messages) run.span.setAttribute(A.GEN_AI_OUTPUT_MESSAGES, JSON.stringify(messages));
        else run.span.setAttribute(LANGCHAIN_OUTPUT, toJson(readable(outputs)));
      }
      this.finishAgent(run);
      run.span.end();
    });
  }

  handleChainError(err: unknown, runId: string): void {
    this.guard("handleChainError", () => this.fail(runId, err));
  }

  handleToolStart(tool: Serialized, input: string, runId: string, parentRunId?: string, _tags?: string[], metadata?: Metadata, runName?: string, toolCallId?: string): void {
    this.guard("handleToolStart", () => {
      const name = runName ?? nameOf(tool) ?? classOf(tool);
      const attributes: Attributes = {
        ...this.sessionAttributes(metadata),
        [A.GEN_AI_OPERATION_NAME]: A.OPERATION.executeTool,
        [A.GEN_AI_TOOL_NAME]: name,
        [A.GEN_AI_TOOL_TYPE]: "function",
      };
      if (toolCallId) attributes[A.GEN_AI_TOOL_CALL_ID] = toolCallId;
      const description = this.toolDescription(parentRunId, name);
      if (description) attributes[A.GEN_AI_TOOL_DESCRIPTION] = description;
      if (this.host.captureContent()) attributes[A.GEN_AI_TOOL_CALL_ARGUMENTS] = input;
      this.startSpan("tool", `${A.OPERATION.executeTool} ${name}`, SpanKind.INTERNAL, runId, parentRunId, attributes);
    });
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.guard("handleToolEnd", () => {
      const run = this.runs.take(runId);
      if (!run?.span) return;
      const { result, failed } = toolResult(output);
      if (this.host.captureContent()) run.span.setAttribute(A.GEN_AI_TOOL_CALL_RESULT, toJson(result));
      if (failed) {
        run.span.setStatus({ code: SpanStatusCode.ERROR, message: typeof result === "string" ? result : "the tool reported an error" });
        run.span.setAttribute(A.ERROR_TYPE, "tool_error");
      }
      run.span.end();
    });
  }

  handleToolError(err: unknown, runId: string): void {
    this.guard("handleToolError", () => this.fail(runId, err));
  }

  handleRetrieverStart(retriever: Serialized, query: string, runId: string, parentRunId?: string, _tags?: string[], metadata?: Metadata, name?: string): void {
    this.guard("handleRetrieverStart", () => {
      const retrieverName = name ?? nameOf(retriever) ?? classOf(retriever);
      const attributes: Attributes = { ...this.sessionAttributes(metadata), [A.GEN_AI_OPERATION_NAME]: A.OPERATION.retrieval };
      setIfString(attributes, A.GEN_AI_DATA_SOURCE_ID, metadata?.data_source_id);
      if (this.host.captureContent()) attributes[A.GEN_AI_RETRIEVAL_QUERY_TEXT] = query;
      this.startSpan("retriever", `${A.OPERATION.retrieval} ${retrieverName}`, SpanKind.CLIENT, runId, parentRunId, attributes);
    });
  }

  handleRetrieverEnd(documents: DocumentInterface[], runId: string): void {
    this.guard("handleRetrieverEnd", () => {
      const run = this.runs.take(runId);
      if (!run?.span) return;
      const capture = this.host.captureContent();
      run.span.setAttribute(A.GEN_AI_RETRIEVAL_DOCUMENTS, toJson(documents.map((d) => documentOf(d, capture))));
      run.span.end();
    });
  }

  handleRetrieverError(err: unknown, runId: string): void {
    this.guard("handleRetrieverError", () => this.fail(runId, err));
  }

  private startModelRun(kind: "chat" | "llm", llm: Serialized, runId: string, parentRunId: string | undefined, extraParams: Metadata | undefined, metadata: Metadata | undefined, runName: string | undefined, input: ChatMessage[]): void {
    const request = chatRequest(classOf(llm), extraParams, metadata);
    const operation = kind === "chat" ? A.OPERATION.chat : A.OPERATION.textCompletion;
    const attributes: Attributes = { ...this.sessionAttributes(metadata), [A.GEN_AI_OPERATION_NAME]: operation, ...request.attributes };
    if (this.host.captureContent()) setMessages(attributes, input);
    if (this.host.config().captureToolDefinitions && request.tools.length > 0) attributes[A.GEN_AI_TOOL_DEFINITIONS] = JSON.stringify(request.tools);
    const spanName = request.model ? `${operation} ${request.model}` : (runName ?? operation);
    const run = this.startSpan(kind, spanName, SpanKind.CLIENT, runId, parentRunId, attributes, { provider: request.provider, model: request.model });
    this.noteTools(run, request.tools);
    for (const agent of this.runs.ancestors(parentRunId)) {
      if (agent.kind !== "agent") continue;
      if (request.provider) (agent.providers ??= new Set()).add(request.provider);
      if (request.model) (agent.models ??= new Set()).add(request.model);
    }
  }

  private finishModelRun(run: TrackedRun, output: LLMResult, finishReason?: "error"): void {
    const span = run.span!;
    const response = chatResponse(output);
    span.setAttributes(responseAttributes(response));
    if (this.host.captureContent() && response.outputMessages.length > 0) {
      const messages: OutputMessage[] = finishReason ? response.outputMessages.map((m) => ({ ...m, finish_reason: finishReason })) : response.outputMessages;
      span.setAttribute(A.GEN_AI_OUTPUT_MESSAGES, JSON.stringify(messages));
    }
  }

  private finishAgent(run: TrackedRun): void {
    if (run.kind !== "agent" || !run.span) return;
    if (run.providers?.size === 1) run.span.setAttribute(A.GEN_AI_PROVIDER_NAME, [...run.providers][0]!);
    if (run.models?.size === 1) run.span.setAttribute(A.GEN_AI_REQUEST_MODEL, [...run.models][0]!);
  }

  private fail(runId: string, err: unknown): void {
    const run = this.runs.take(runId);
    if (!run?.span) return;
    recordSpanError(run.span, err);
    this.finishAgent(run);
    run.span.end();
  }

  private startSpan(kind: RunKind, name: string, spanKind: SpanKind, runId: string, parentRunId: string | undefined, attributes: Attributes, extra: Partial<TrackedRun> = {}): TrackedRun {
    const span = this.host.tracer().startSpan(name, { kind: spanKind, attributes }, this.runs.parentContext(parentRunId));
    const run: TrackedRun = { ...extra, runId, parentRunId, rootRunId: this.runs.rootOf(parentRunId, runId), kind, span, startedAt: performance.now() };
    this.runs.add(run);
    return run;
  }

  private trackWithoutSpan(runId: string, parentRunId: string | undefined, agentMarker: string | undefined): void {
    this.runs.add({ runId, parentRunId, rootRunId: this.runs.rootOf(parentRunId, runId), kind: "hidden", span: undefined, startedAt: performance.now(), agentMarker });
  }

  private isHidden(tags: string[] | undefined): boolean {
    return !this.host.config().traceHiddenRuns && (tags?.includes(HIDDEN_TAG) ?? false);
  }

  private sessionAttributes(metadata: Metadata | undefined): Attributes {
    const attributes: Attributes = {};
    const conversation = conversationIdOf(metadata);
    if (conversation) attributes[A.GEN_AI_CONVERSATION_ID] = conversation;
    const user = userIdOf(metadata);
    if (user) attributes[A.USER_ID] = user;
    return attributes;
  }

  /** Tool descriptions the models of this run tree were offered, kept on the root run. */
  private noteTools(run: TrackedRun, tools: ReturnType<typeof chatRequest>["tools"]): void {
    if (tools.length === 0) return;
    const root = this.runs.get(run.rootRunId) ?? run;
    root.toolDescriptions ??= new Map();
    for (const t of tools) if (t.description) root.toolDescriptions.set(t.name, t.description);
  }

  private toolDescription(parentRunId: string | undefined, toolName: string): string | undefined {
    const parent = parentRunId !== undefined ? this.runs.get(parentRunId) : undefined;
    const root = parent ? this.runs.get(parent.rootRunId) : undefined;
    return root?.toolDescriptions?.get(toolName);
  }

  private guard(method: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      diag.debug(`sightline LangChain instrumentation: ${method} failed`, err);
    }
  }
}

function setMessages(attributes: Attributes, messages: ChatMessage[]): void {
  const { systemInstructions, messages: history } = splitSystemInstructions(messages);
  if (systemInstructions.length > 0) attributes[A.GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(systemInstructions);
  attributes[A.GEN_AI_INPUT_MESSAGES] = JSON.stringify(history);
}

function setIfString(attributes: Attributes, key: string, value: unknown): void {
  if (typeof value === "string" && value !== "") attributes[key] = value;
}

function classOf(serialized: Serialized | undefined): string {
  const id = serialized?.id;
  return Array.isArray(id) && id.length > 0 ? String(id[id.length - 1]) : "Runnable";
}

function nameOf(serialized: Serialized | undefined): string | undefined {
  const name = (serialized as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name !== "" ? name : undefined;
}

function concatChunks(a: ChatGenerationChunk | GenerationChunk, b: ChatGenerationChunk | GenerationChunk): ChatGenerationChunk | GenerationChunk {
  return typeof a.concat === "function" ? (a.concat(b as ChatGenerationChunk & GenerationChunk) as ChatGenerationChunk | GenerationChunk) : b;
}
