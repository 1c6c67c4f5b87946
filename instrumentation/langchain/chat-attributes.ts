/**
 * What a LangChain model run tells about the request (model, parameters, tools) at its start and
 * about the response (model, id, finish reasons, usage, messages) at its end, as GenAI attributes.
 *
 * Request facts come from the run metadata LangChain adds for every model call (ls_provider,
 * ls_model_name, ls_temperature, ls_max_tokens, ls_stop) and from the integration's
 * invocation params (extraParams.invocation_params; names differ per provider, all common
 * spellings are read). Response facts come from the generations' messages (usage_metadata,
 * response_metadata) and, for older integrations, llmOutput.
 */
import type { Attributes } from "@opentelemetry/api";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import * as A from "../genai/attributes.ts";
import { normalizeFinishReason, type OutputMessage } from "../genai/messages.ts";
import { toOutputMessage } from "./messages.ts";
import { providerOf } from "./providers.ts";

type Params = Readonly<Record<string, unknown>>;

export interface ChatRequest {
  provider: string | undefined;
  model: string | undefined;
  attributes: Attributes;
  tools: ToolDefinition[];
}

export interface ToolDefinition {
  type: "function";
  name: string;
  description?: string;
  parameters?: unknown;
}

const NUMBER_PARAMS: Array<[string, readonly string[], "int" | "double"]> = [
  [A.GEN_AI_REQUEST_TEMPERATURE, ["temperature"], "double"],
  [A.GEN_AI_REQUEST_MAX_TOKENS, ["max_tokens", "max_completion_tokens", "maxTokens", "max_output_tokens", "maxOutputTokens", "num_predict", "max_new_tokens", "maxTokensToSample"], "int"],
  [A.GEN_AI_REQUEST_TOP_P, ["top_p", "topP"], "double"],
  [A.GEN_AI_REQUEST_TOP_K, ["top_k", "topK"], "double"],
  [A.GEN_AI_REQUEST_FREQUENCY_PENALTY, ["frequency_penalty", "frequencyPenalty"], "double"],
  [A.GEN_AI_REQUEST_PRESENCE_PENALTY, ["presence_penalty", "presencePenalty"], "double"],
  [A.GEN_AI_REQUEST_SEED, ["seed", "random_seed"], "int"],
];

export function chatRequest(className: string | undefined, extraParams: Params | undefined, metadata: Params | undefined): ChatRequest {
  const invocation = record(extraParams?.invocation_params) ?? {};
  const options = record(extraParams?.options) ?? {};
  const md = metadata ?? {};
  const provider = providerOf(md.ls_provider, className);
  const model = firstString(md.ls_model_name, invocation.model, invocation.model_name, invocation.modelName, invocation.model_id, invocation.modelId, invocation.deployment_name, invocation.azureOpenAIApiDeploymentName);
  const attributes: Attributes = {};
  if (provider) attributes[A.GEN_AI_PROVIDER_NAME] = provider;
  if (model) attributes[A.GEN_AI_REQUEST_MODEL] = model;
  for (const [attribute, keys, kind] of NUMBER_PARAMS) {
    const value = firstNumber(...keys.map((k) => invocation[k]));
    if (value !== undefined) attributes[attribute] = kind === "int" ? Math.trunc(value) : value;
  }
  if (attributes[A.GEN_AI_REQUEST_TEMPERATURE] === undefined) {
    const t = firstNumber(md.ls_temperature);
    if (t !== undefined) attributes[A.GEN_AI_REQUEST_TEMPERATURE] = t;
  }
  if (attributes[A.GEN_AI_REQUEST_MAX_TOKENS] === undefined) {
    const m = firstNumber(md.ls_max_tokens);
    if (m !== undefined) attributes[A.GEN_AI_REQUEST_MAX_TOKENS] = Math.trunc(m);
  }
  const stop = stringList(invocation.stop ?? invocation.stop_sequences ?? invocation.stopSequences ?? options.stop ?? md.ls_stop);
  if (stop.length > 0) attributes[A.GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  const n = firstNumber(invocation.n, invocation.candidateCount, invocation.candidate_count);
  if (n !== undefined && n !== 1) attributes[A.GEN_AI_REQUEST_CHOICE_COUNT] = Math.trunc(n);
  return { provider, model, attributes, tools: toolDefinitions(invocation.tools ?? options.tools) };
}

/** Tool definitions in OpenAI ({ type: "function", function: {…} }), Anthropic ({ name, input_schema }) or plain form. */
export function toolDefinitions(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolDefinition[] = [];
  for (const t of tools as unknown[]) {
    const tool = record(t);
    if (!tool) continue;
    const fn = record(tool.function) ?? record(tool.toolSpec) ?? tool;
    const name = fn.name;
    if (typeof name !== "string") continue;
    const def: ToolDefinition = { type: "function", name };
    if (typeof fn.description === "string") def.description = fn.description;
    const parameters = fn.parameters ?? fn.input_schema ?? fn.inputSchema ?? fn.schema;
    if (parameters !== undefined) def.parameters = parameters;
    out.push(def);
  }
  return out;
}

export interface ChatResponse {
  model: string | undefined;
  id: string | undefined;
  /** As the provider said them (tool_calls, end_turn, STOP, …), one per generation that has one. */
  finishReasons: string[];
  usage: Usage | undefined;
  outputMessages: OutputMessage[];
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
}

interface GenerationLike {
  text?: unknown;
  message?: BaseMessage;
  generationInfo?: unknown;
}

export function chatResponse(output: LLMResult): ChatResponse {
  const generations = (output.generations ?? []).flat() as GenerationLike[];
  const llmOutput = record(output.llmOutput) ?? {};
  const finishReasons: string[] = [];
  const outputMessages: OutputMessage[] = [];
  let model: string | undefined;
  let id: string | undefined;
  let usage: Usage | undefined;
  for (const gen of generations) {
    const meta = record((gen.message as { response_metadata?: unknown } | undefined)?.response_metadata) ?? {};
    const info = record(gen.generationInfo) ?? {};
    const reason = firstString(info.finish_reason, info.stop_reason, info.done_reason, info.finishReason, meta.finish_reason, meta.stop_reason, meta.done_reason, meta.stopReason, meta.finishReason);
    if (reason) finishReasons.push(reason);
    model ??= firstString(meta.model_name, meta.model, meta.model_id, meta.modelId);
    id ??= firstString(meta.id, messageId(gen.message));
    usage ??= usageOf((gen.message as { usage_metadata?: unknown } | undefined)?.usage_metadata);
    if (gen.message) outputMessages.push(toOutputMessage(gen.message, reason));
    else if (typeof gen.text === "string") outputMessages.push({ role: "assistant", parts: [{ type: "text", content: gen.text }], finish_reason: reason ? normalizeFinishReason(reason) : "stop" });
  }
  model ??= firstString(llmOutput.model_name, llmOutput.model, llmOutput.model_id);
  id ??= firstString(llmOutput.id, llmOutput.response_id);
  usage ??= legacyUsage(llmOutput);
  return { model, id, finishReasons, usage, outputMessages };
}

export function responseAttributes(response: ChatResponse): Attributes {
  const attributes: Attributes = {};
  if (response.model) attributes[A.GEN_AI_RESPONSE_MODEL] = response.model;
  if (response.id) attributes[A.GEN_AI_RESPONSE_ID] = response.id;
  if (response.finishReasons.length > 0) attributes[A.GEN_AI_RESPONSE_FINISH_REASONS] = response.finishReasons;
  const u = response.usage;
  if (u) {
    if (u.inputTokens !== undefined) attributes[A.GEN_AI_USAGE_INPUT_TOKENS] = u.inputTokens;
    if (u.outputTokens !== undefined) attributes[A.GEN_AI_USAGE_OUTPUT_TOKENS] = u.outputTokens;
    if (u.cacheReadTokens !== undefined) attributes[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = u.cacheReadTokens;
    if (u.cacheCreationTokens !== undefined) attributes[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = u.cacheCreationTokens;
    if (u.reasoningTokens !== undefined) attributes[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = u.reasoningTokens;
  }
  return attributes;
}

/**
 * LangChain's usage_metadata: input_tokens already include cached tokens (integrations normalise
 * Anthropic's separate counts), as gen_ai.usage.input_tokens wants.
 */
function usageOf(value: unknown): Usage | undefined {
  const u = record(value);
  if (!u) return undefined;
  const input = record(u.input_token_details) ?? {};
  const output = record(u.output_token_details) ?? {};
  const usage: Usage = {};
  setIfNumber(usage, "inputTokens", u.input_tokens);
  setIfNumber(usage, "outputTokens", u.output_tokens);
  setIfNumber(usage, "cacheReadTokens", input.cache_read);
  setIfNumber(usage, "cacheCreationTokens", input.cache_creation);
  setIfNumber(usage, "reasoningTokens", output.reasoning);
  return Object.keys(usage).length > 0 ? usage : undefined;
}

function legacyUsage(llmOutput: Params): Usage | undefined {
  const u = record(llmOutput.tokenUsage) ?? record(llmOutput.usage) ?? record(llmOutput.estimatedTokenUsage);
  if (!u) return undefined;
  const usage: Usage = {};
  setIfNumber(usage, "inputTokens", firstNumber(u.promptTokens, u.input_tokens, u.prompt_tokens));
  setIfNumber(usage, "outputTokens", firstNumber(u.completionTokens, u.output_tokens, u.completion_tokens));
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** A message id that the provider gave, not one LangChain made up for the run ("run-…", "lc_run--…"). */
function messageId(message: BaseMessage | undefined): string | undefined {
  const id = (message as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string" || id === "" || id.startsWith("run-") || id.startsWith("lc_")) return undefined;
  return id;
}

function setIfNumber(target: Usage, key: keyof Usage, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value)) target[key] = Math.trunc(value);
}

function stringList(value: unknown): string[] {
  if (typeof value === "string" && value !== "") return [value];
  return Array.isArray(value) ? (value as unknown[]).filter((v): v is string => typeof v === "string") : [];
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === "string" && v !== "") return v;
  return undefined;
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === "number" && Number.isFinite(v)) return v;
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
