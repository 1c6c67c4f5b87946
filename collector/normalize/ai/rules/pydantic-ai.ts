import type { AiFields } from "../ai-fields.ts";
import type { AiRule, AiRuleInput } from "../ai-rule.ts";
import { messagesFromAttribute } from "../messages/message-attributes.ts";
import type { AttributeIndex } from "../values/attribute-index.ts";
import { readAmount, readJsonish, readString } from "../values/read-values.ts";

/**
 * Pydantic AI (via Logfire), which speaks the OTel GenAI conventions plus a few keys of its own:
 * the agent run span's pydantic_ai.all_messages (the whole conversation, OTel message shape) and
 * final_result, tool spans' tool_arguments / tool_response (before gen_ai.tool.call.arguments /
 * result existed), agent_name / model_name, and operation.cost, the USD cost Logfire computed.
 */
export const pydanticAiRule: AiRule = {
  id: "pydantic-ai",
  applies: ({ attributes, scope }) => scope?.name === "pydantic-ai" || MARKERS.some((key) => attributes.has(key)),
  extract: ({ attributes }: AiRuleInput) => pydanticFields(attributes),
};

const MARKERS = ["pydantic_ai.all_messages", "final_result", "tool_arguments", "tool_response", "operation.cost"];

function pydanticFields(a: AttributeIndex): AiFields {
  const agentName = readString(a.first(["gen_ai.agent.name", "agent_name"]));
  const all = messagesFromAttribute(a.get("pydantic_ai.all_messages"));
  const cost = readAmount(a.get("operation.cost"));
  return {
    // An agent run is the span that holds the run's whole conversation.
    type: all.messages !== undefined && agentName !== undefined ? "agent" : undefined,
    requestModel: readString(a.get("model_name")),
    input: all.messages,
    inputValue: all.value,
    outputValue: readJsonish(a.get("final_result")),
    tool: { arguments: readJsonish(a.get("tool_arguments")), result: readJsonish(a.get("tool_response")) },
    agent: { name: agentName },
    ...(cost === undefined ? {} : { costUsd: cost, costSource: "span" as const }),
  };
}
