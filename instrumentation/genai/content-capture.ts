/**
 * Whether instrumentations record message content (messages, tool arguments and results,
 * documents, chain inputs and outputs) when their options do not say: yes, unless the environment
 * variable OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (the one OpenTelemetry's GenAI
 * instrumentations read) is "false".
 */
export function captureContentByDefault(): boolean {
  const value = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  return value === undefined || value.trim().toLowerCase() !== "false";
}
