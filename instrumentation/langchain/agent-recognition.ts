/**
 * Which LangChain chain runs are agents (→ `invoke_agent {name}` spans). In order:
 *
 *  1. `recognizeAgent` from the options, when it answers (a name or true: agent; false: not).
 *  2. A marker the user puts on the run: metadata `agent_name` (also `gen_ai.agent.name`,
 *     `lc_agent_name`), which also names the agent, or the tag `agent`. LangChain passes config
 *     metadata and tags down to every run below, so only the outermost run carrying a marker is the
 *     agent; an agent nested in another needs its own `agent_name`.
 *  3. The frameworks' agent runs: LangChain's `AgentExecutor`, and LangGraph compiled graphs
 *     (serialized id starting with "langgraph", class Compiled… or Pregel) such as
 *     createReactAgent / createAgent build.
 *
 * The agent's name: the metadata name, else the run name (runName / withConfig({ runName })),
 * else the class name.
 */

export interface ChainRunInfo {
  /** The run name LangChain reports (runName, withConfig({ runName }), else the class's name). */
  runName: string | undefined;
  /** The runnable's class: the last element of its serialized id (RunnableLambda, AgentExecutor, CompiledStateGraph, …). */
  className: string;
  serializedId: readonly string[];
  tags: readonly string[];
  metadata: Readonly<Record<string, unknown>>;
}

/** A name (or true) makes the run an agent, false makes it a chain, undefined leaves it to the built-in rules. */
export type AgentRecognizer = (run: ChainRunInfo) => string | boolean | undefined;

export const AGENT_NAME_KEYS = ["agent_name", "gen_ai.agent.name", "lc_agent_name"] as const;
export const AGENT_TAG = "agent";

export interface AgentDecision {
  /** Set when the run is an agent. */
  agentName?: string;
  /** The run's agent marker, compared with its parent's to find the outermost marked run. */
  marker?: string;
}

export function decideAgent(run: ChainRunInfo, parentMarker: string | undefined, recognizer?: AgentRecognizer): AgentDecision {
  const marker = markerOf(run);
  const custom = recognizer?.(run);
  if (typeof custom === "string" && custom !== "") return { agentName: custom, marker };
  if (custom === true) return { agentName: nameOf(run), marker };
  if (custom === false) return { marker };
  if (marker !== undefined && marker !== parentMarker) return { agentName: nameOf(run), marker };
  if (isFrameworkAgent(run)) return { agentName: nameOf(run), marker };
  return { marker };
}

function markerOf(run: ChainRunInfo): string | undefined {
  const name = metadataName(run);
  if (name !== undefined) return `name:${name}`;
  return run.tags.includes(AGENT_TAG) ? "tag" : undefined;
}

function metadataName(run: ChainRunInfo): string | undefined {
  for (const key of AGENT_NAME_KEYS) {
    const value = run.metadata[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

function nameOf(run: ChainRunInfo): string {
  return metadataName(run) ?? run.runName ?? run.className;
}

function isFrameworkAgent(run: ChainRunInfo): boolean {
  if (run.className === "AgentExecutor") return true;
  return run.serializedId[0] === "langgraph" && /^(Compiled|Pregel|ReactAgent)/.test(run.className);
}
