/** The API's JSON shapes, as docs/api.md documents them; fields added by later features are optional. */

export interface TraceAiRollup {
  llmCalls?: number;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  costUsd?: number;
}

export interface TraceSummary {
  traceId: string;
  rootSpanId: string;
  rootIsParentless: boolean;
  rootName: string;
  serviceName: string;
  serviceNames: string[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNanos: string;
  spanCount: number;
  errorCount: number;
  ai?: TraceAiRollup;
}

export interface TracePage {
  traces: TraceSummary[];
  nextCursor: string | null;
}

export type { SpanTreeColumns } from "../../../../collector/api/span-tree-columns.ts";

export type Attributes = Record<string, unknown>;

export interface SpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  flags: number;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface MessagePart {
  type: string;
  content?: string;
  id?: string;
  name?: string;
  arguments?: unknown;
  response?: unknown;
  [key: string]: unknown;
}

export interface Message {
  role: string;
  parts: MessagePart[];
  finish_reason?: string;
  name?: string;
}

export interface SpanAi {
  type?: string;
  model?: string;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
  operation?: string;
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number; cacheReadTokens?: number; cacheWriteTokens?: number; reasoningTokens?: number };
  costUsd?: number;
  input?: Message[];
  output?: Message[];
  inputValue?: unknown;
  outputValue?: unknown;
  systemInstructions?: MessagePart[];
  tool?: { name?: string; callId?: string; description?: string; arguments?: unknown; result?: unknown };
  agent?: { name?: string; id?: string };
  documents?: Array<{ id?: string; content?: string; score?: number; metadata?: unknown }>;
  sessionId?: string;
  userId?: string;
  finishReasons?: string[];
  parameters?: Record<string, unknown>;
  error?: { type?: string; message?: string };
  timeToFirstTokenNanos?: number;
}

/** One span as GET /api/traces/{id}/spans/{spanId} answers; attribute maps parsed losslessly. */
export interface SpanDetail {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNanos: string;
  status: { code: string; message: string };
  serviceName: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  resource: { attributes: Attributes; droppedAttributesCount: number; schemaUrl: string };
  scope: { name: string; version: string; attributes: Attributes; droppedAttributesCount: number; schemaUrl: string };
  ai?: SpanAi;
}

export interface Run {
  runId: string;
  name: string | null;
  experiment: string | null;
  tags: string[];
  status: "running" | "finished" | "failed";
  hparams: Record<string, unknown>;
  description: string;
  archived: boolean;
  implicit: boolean;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  resourceAttributes?: Attributes;
  traceCount?: number;
  logCount?: number;
  ai?: TraceAiRollup;
}

export interface RunPage {
  runs: Run[];
  total: number;
  nextCursor: string | null;
}

export type MetricValue = number | "NaN" | "Infinity" | "-Infinity";

export interface SeriesSummary {
  seriesId: string;
  runId: string;
  name: string;
  kind: string;
  context: Record<string, unknown>;
  unit: string;
  pointCount: number;
  last?: { step: number; timeUnixNano: string; value: MetricValue } | null;
  min?: MetricValue | null;
  max?: MetricValue | null;
}

export interface SeriesPoints {
  series: SeriesSummary;
  x: "step" | "epoch" | "time";
  downsampled: boolean;
  totalPoints: number;
  points: { step: number[]; epoch: Array<number | null>; time: string[]; value: MetricValue[] };
}

export interface MetricsAnswer {
  x: string;
  series: SeriesPoints[];
}

export interface Distribution {
  step: number;
  epoch: number | null;
  timeUnixNano: string;
  count: string;
  sum?: number;
  min?: number;
  max?: number;
  explicitBounds?: MetricValue[];
  bucketCounts?: string[];
  scale?: number;
  zeroCount?: string;
  zeroThreshold?: number;
  positive?: { offset: number; bucketCounts: string[] };
  negative?: { offset: number; bucketCounts: string[] };
  quantileValues?: Array<{ quantile: number; value: number }>;
}

export interface LogRecord {
  logId: string;
  runId: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  eventName: string;
}
