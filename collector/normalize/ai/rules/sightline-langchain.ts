import type { AiFields } from "../ai-fields.ts";
import type { AiRule } from "../ai-rule.ts";
import { readJsonish } from "../values/read-values.ts";

/**
 * Chain spans of Sightline's own LangChainInstrumentation: the GenAI conventions have no chain
 * operation, so the instrumentation marks LangChain runs that are neither agents, models, tools nor
 * retrievers with sightline.langchain.run_type and their input/output as JSON text. They are
 * chains; the other run types already speak the standard and are read by the otel-genai rule.
 */
export const sightlineLangChainRule: AiRule = {
  id: "sightline-langchain",
  applies: ({ attributes }) => attributes.has("sightline.langchain.run_type"),
  extract: ({ attributes }): AiFields => ({
    type: "chain",
    inputValue: readJsonish(attributes.get("sightline.langchain.input")),
    outputValue: readJsonish(attributes.get("sightline.langchain.output")),
  }),
};
