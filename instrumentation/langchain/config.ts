import type { InstrumentationConfig } from "@opentelemetry/instrumentation";
import type { AgentRecognizer } from "./agent-recognition.ts";

export interface LangChainInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record content: messages and system instructions, tool arguments and results, the retrieval
   * query and document contents, chain inputs and outputs. When false, those attributes are left
   * out and everything else (names, models, usage, ids, finish reasons, errors, timing) is kept.
   * Default: true, unless OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false.
   */
  captureMessageContent?: boolean;
  /** Record gen_ai.tool.definitions (the tools offered to the model, with their JSON schemas) on chat spans. Default: false (large). */
  captureToolDefinitions?: boolean;
  /**
   * Also trace the chain runs LangChain marks hidden (tag "langsmith:hidden": LangGraph's internal
   * channel writes and routing). Default: false; the children of a hidden run attach to its nearest
   * traced ancestor, so the tree keeps its shape. Model, tool and retriever runs are always traced.
   */
  traceHiddenRuns?: boolean;
  /** Decide which chain runs are agents, before the built-in rules (see agent-recognition.ts). */
  recognizeAgent?: AgentRecognizer;
}
