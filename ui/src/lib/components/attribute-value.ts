import { JsonNumber } from "../api/lossless-json.ts";

/**
 * An attribute value in the API's JSON form (docs/api.md: plain JSON, with {"$bytes"}, {"$double"}
 * and {"$kvlist"} for what JSON cannot hold), read into its OTLP type for display.
 */
export type TypedValue =
  | { type: "string"; text: string }
  | { type: "int" | "double"; text: string }
  | { type: "bool"; text: string }
  | { type: "bytes"; text: string }
  | { type: "empty"; text: string }
  | { type: "array"; items: TypedValue[] }
  | { type: "kvlist"; entries: Array<[string, TypedValue]> };

export function typed(v: unknown): TypedValue {
  if (v === null || v === undefined) return { type: "empty", text: "(empty)" };
  if (typeof v === "string") return { type: "string", text: v };
  if (typeof v === "boolean") return { type: "bool", text: String(v) };
  if (v instanceof JsonNumber) return { type: v.isInteger ? "int" : "double", text: v.source };
  if (typeof v === "number") return { type: Number.isInteger(v) ? "int" : "double", text: String(v) };
  if (Array.isArray(v)) return { type: "array", items: v.map(typed) };
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "$bytes" && typeof o.$bytes === "string") return { type: "bytes", text: o.$bytes };
    if (keys.length === 1 && keys[0] === "$double" && typeof o.$double === "string") return { type: "double", text: o.$double };
    const map = keys.length === 1 && keys[0] === "$kvlist" && typeof o.$kvlist === "object" && o.$kvlist !== null ? (o.$kvlist as Record<string, unknown>) : o;
    return { type: "kvlist", entries: Object.entries(map).map(([k, x]) => [k, typed(x)]) };
  }
  return { type: "string", text: String(v) };
}

/** The text a copy button copies: strings raw, numbers exact, structures as JSON. */
export function copyText(v: TypedValue): string {
  if ("text" in v) return v.text;
  return JSON.stringify(plain(v), null, 2);
}

function plain(v: TypedValue): unknown {
  switch (v.type) {
    case "array":
      return v.items.map(plain);
    case "kvlist":
      return Object.fromEntries(v.entries.map(([k, x]) => [k, plain(x)]));
    case "int":
    case "double":
      return Number(v.text);
    case "bool":
      return v.text === "true";
    case "empty":
      return null;
    default:
      return v.text;
  }
}

/** A string that holds JSON (LLM messages often do) is shown as a tree on request. */
export function jsonInString(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("[")) || t.length > 2_000_000) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}
