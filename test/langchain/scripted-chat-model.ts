import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BaseChatModelParams, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";

/**
 * A fake chat model that answers from a script, one AIMessage per call, and reports what a real
 * provider integration reports: ls_* params (provider, model, temperature, max tokens),
 * invocation params, usage_metadata with cache and reasoning details, response_metadata with the
 * response model, finish reason and id. Streaming yields the answer's text in chunks after
 * `firstChunkDelayMs`, the usage on the last chunk, as provider integrations do.
 */
export interface ScriptedChatModelFields extends BaseChatModelParams {
  script: AIMessage[];
  provider?: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  firstChunkDelayMs?: number;
  /** Streaming: throw after this many chunks, as a dropped connection would. */
  failAfterChunks?: number;
}

export class ScriptedChatModel extends BaseChatModel {
  readonly script: AIMessage[];
  readonly provider: string;
  readonly model: string;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly topP: number;
  readonly firstChunkDelayMs: number;
  readonly failAfterChunks: number | undefined;
  private readonly state: { next: number };
  private boundTools: ReturnType<typeof convertToOpenAITool>[] = [];

  constructor(fields: ScriptedChatModelFields, state = { next: 0 }) {
    super(fields);
    this.script = fields.script;
    this.provider = fields.provider ?? "openai";
    this.model = fields.model ?? "gpt-4o-mini";
    this.temperature = fields.temperature ?? 0.2;
    this.maxTokens = fields.maxTokens ?? 256;
    this.topP = fields.topP ?? 0.9;
    this.firstChunkDelayMs = fields.firstChunkDelayMs ?? 0;
    this.failAfterChunks = fields.failAfterChunks;
    this.state = state;
  }

  static override lc_name(): string {
    return "ChatScripted";
  }

  _llmType(): string {
    return "scripted";
  }

  override getLsParams(options: this["ParsedCallOptions"]) {
    return {
      ls_provider: this.provider,
      ls_model_name: this.model,
      ls_model_type: "chat" as const,
      ls_temperature: this.temperature,
      ls_max_tokens: this.maxTokens,
      ls_stop: options.stop,
    };
  }

  override invocationParams(): Record<string, unknown> {
    return {
      model: this.model,
      temperature: this.temperature,
      max_tokens: this.maxTokens,
      top_p: this.topP,
      ...(this.boundTools.length > 0 ? { tools: this.boundTools } : {}),
    };
  }

  override bindTools(tools: BindToolsInput[]): Runnable<BaseLanguageModelInput, AIMessageChunk> {
    const bound = new ScriptedChatModel(
      { script: this.script, provider: this.provider, model: this.model, temperature: this.temperature, maxTokens: this.maxTokens, topP: this.topP, firstChunkDelayMs: this.firstChunkDelayMs },
      this.state,
    );
    bound.boundTools = tools.map((t) => convertToOpenAITool(t));
    return bound as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk>;
  }

  private nextAnswer(): AIMessage {
    const answer = this.script[this.state.next];
    if (!answer) throw new Error(`ScriptedChatModel: the script has no answer #${this.state.next + 1}`);
    this.state.next++;
    return answer;
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    await pause();
    const message = this.nextAnswer();
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }

  override async *_streamResponseChunks(_messages: BaseMessage[], _options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    await pause();
    const message = this.nextAnswer();
    const text = typeof message.content === "string" ? message.content : "";
    const pieces = text.match(/\S+\s*/g) ?? [text];
    await new Promise((r) => setTimeout(r, this.firstChunkDelayMs));
    for (const [i, piece] of pieces.entries()) {
      if (i === this.failAfterChunks) throw new StreamInterruptedError("the stream broke off");
      const last = i === pieces.length - 1;
      const chunk = new ChatGenerationChunk({
        text: piece,
        message: new AIMessageChunk({
          content: piece,
          id: message.id,
          ...(last ? { usage_metadata: message.usage_metadata, response_metadata: message.response_metadata } : {}),
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(piece, { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk });
    }
  }
}

export class StreamInterruptedError extends Error {
  override name = "StreamInterruptedError";
}

/**
 * A few milliseconds of "latency": the OTel JS SDK stamps span starts with Date.now(), so runs
 * closer than a millisecond apart could not be ordered by start time in the assertions.
 */
export function pause(ms = 3): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
