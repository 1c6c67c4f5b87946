/**
 * Conversation (session) and user ids from LangChain run metadata. LangChain hands a run's
 * metadata down to every run below it, so setting them once on the outermost call
 * (`agent.invoke(input, { metadata: { session_id, user_id } })`) marks the whole tree.
 * LangGraph copies `thread_id` from its configurable into the metadata.
 */

/** Read in this order; the first present wins. → gen_ai.conversation.id */
export const CONVERSATION_ID_KEYS = ["gen_ai.conversation.id", "conversation_id", "conversationId", "session_id", "sessionId", "thread_id", "threadId"] as const;

/** Read in this order; the first present wins. → user.id */
export const USER_ID_KEYS = ["user.id", "user_id", "userId"] as const;

export function conversationIdOf(metadata: Readonly<Record<string, unknown>> | undefined): string | undefined {
  return firstId(metadata, CONVERSATION_ID_KEYS);
}

export function userIdOf(metadata: Readonly<Record<string, unknown>> | undefined): string | undefined {
  return firstId(metadata, USER_ID_KEYS);
}

function firstId(metadata: Readonly<Record<string, unknown>> | undefined, keys: readonly string[]): string | undefined {
  if (!metadata) return undefined;
  for (const key of keys) {
    const value = metadata[key];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return undefined;
}
