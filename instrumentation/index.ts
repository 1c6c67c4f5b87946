/**
 * sightline/instrumentation: what applications import.
 *
 *   import { register, Run } from "sightline/instrumentation";
 *   register({ serviceName: "trainer" });                       // OTel SDK → Sightline (traces, metrics, logs)
 *   const run = new Run({ experiment: "mnist", hparams: { lr: 3e-4 } });
 *   run.track(loss, { name: "loss", step, context: { subset: "train" } });
 *   await run.close();
 */
export { register, type RegisterOptions, type Registration } from "./register.ts";
export { Run, type RunOptions, type TrackOptions, type DistributionOptions, type ContextValue, type Hparams } from "./run.ts";
export { RunSpanProcessor, RunLogRecordProcessor } from "./run-processors.ts";
export { currentRunId } from "./run-context.ts";
export type { AttributeValue } from "./otlp-json.ts";
export { LangChainInstrumentation } from "./langchain/instrumentation.ts";
export type { LangChainInstrumentationConfig } from "./langchain/config.ts";
export type { AgentRecognizer, ChainRunInfo } from "./langchain/agent-recognition.ts";
export type { CallbackManagerModule } from "./langchain/callback-manager-patch.ts";
export {
  traceAgent,
  traceTool,
  traceLlmCall,
  type AgentOptions,
  type ToolOptions,
  type LlmCallOptions,
  type LlmResult,
  type TokenUsage,
  type MessageInput,
  type AgentRecorder,
  type ToolRecorder,
  type LlmCallRecorder,
} from "./agent-helpers.ts";
export type { ChatMessage, OutputMessage, MessagePart } from "./genai/messages.ts";
