/**
 * JSON text inside attributes (messages, tool arguments, metadata …), parsed defensively: a
 * parse failure or a value nested deeper than MAX_JSON_DEPTH means "not JSON" and the caller keeps
 * the raw string. The depth bound keeps every value the rules emit safe to walk recursively and to
 * JSON.stringify later (JSON.parse itself is iterative in V8 and copes with any depth).
 */
export const MAX_JSON_DEPTH = 64;

export type ParsedJson = { ok: true; value: unknown } | { ok: false };

const NOT_JSON: ParsedJson = { ok: false };

export function parseJson(text: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
  return depthWithin(value, MAX_JSON_DEPTH) ? { ok: true, value } : NOT_JSON;
}

/**
 * Parses only text that looks like a JSON object, array or string literal. Numbers, booleans and
 * plain words stay strings: "42" as a tool result is as likely text as a number.
 */
export function parseStructuredJson(text: string): ParsedJson {
  const first = firstNonSpace(text);
  return first === "{" || first === "[" || first === '"' ? parseJson(text) : NOT_JSON;
}

/** The parsed value of structured JSON text, else the text itself. */
export function jsonOrText(text: string): unknown {
  const parsed = parseStructuredJson(text);
  return parsed.ok ? parsed.value : text;
}

function firstNonSpace(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t") return c;
  }
  return undefined;
}

/** Iterative (an explicit stack), so a hostile 100,000-deep value cannot overflow the call stack here. */
export function depthWithin(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= maxDepth) return false;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
