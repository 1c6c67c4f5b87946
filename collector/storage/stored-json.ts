import { KvList, type AnyValue, type Attributes } from "../model/any-value.ts";

/**
 * The stored JSON form of OTLP values (see schema.sql): plain JSON where JSON can say it,
 * with the OTLP type kept. Integers have no decimal point, doubles always have one (jsonb keeps
 * numeric text as written); bytes, non-finite doubles and -0 are one-key tagged objects.
 * Strings are made storable: Postgres text and jsonb cannot hold U+0000 or unpaired
 * surrogates, so those become U+FFFD (the only lossy step; documented in docs/storage.md).
 */

const TAGS = new Set(["$bytes", "$double", "$kvlist"]);
const UNSTORABLE = /[\u0000\ud800-\udfff]/;

export function storableString(s: string): string {
  if (!UNSTORABLE.test(s)) return s;
  return s.replace(/\u0000/g, "\ufffd").toWellFormed();
}

/** Strings needing nothing but quotes (the common case) skip JSON.stringify. */
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function jsonString(s: string): string {
  if (!NEEDS_JSON_ESCAPE.test(s)) return '"' + s + '"';
  return JSON.stringify(storableString(s));
}

/** An attribute list as a stored JSON object. Keys are unique by the OTLP spec; a repeated key keeps its last value. */
export function attributesJson(attributes: Attributes): string {
  if (attributes.length === 0) return "{}";
  let out = "{";
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i]!;
    if (i > 0) out += ",";
    out += jsonString(kv.key) + ":" + valueJson(kv.value);
  }
  return out + "}";
}

export function valueJson(v: AnyValue): string {
  switch (typeof v) {
    case "string":
      return jsonString(v);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return doubleJson(v);
  }
  if (v === null) return "null";
  if (v instanceof Uint8Array) return `{"$bytes":"${Buffer.from(v.buffer, v.byteOffset, v.length).toString("base64")}"}`;
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i > 0 ? "," : "") + valueJson(v[i]!);
    return out + "]";
  }
  const obj = attributesJson(v.values);
  return v.values.length === 1 && TAGS.has(v.values[0]!.key) ? `{"$kvlist":${obj}}` : obj;
}

/** A double as JSON text that always has a decimal point and never an exponent (jsonb would drop it). */
export function doubleJson(x: number): string {
  if (!Number.isFinite(x)) return `{"$double":"${x}"}`;
  if (x === 0 && 1 / x < 0) return `{"$double":"-0"}`;
  const s = String(x);
  if (s.includes("e")) return expandExponent(s);
  return s.includes(".") ? s : s + ".0";
}

function expandExponent(s: string): string {
  const negative = s.startsWith("-");
  const [mantissa = "", exponent = "0"] = (negative ? s.slice(1) : s).split("e");
  const [whole = "", fraction = ""] = mantissa.split(".");
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  let out: string;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length) + ".0";
  else out = digits.slice(0, point) + "." + digits.slice(point);
  return (negative ? "-" : "") + out;
}

// ---- reading back: a JSON parser that keeps number lexemes (JSON.parse would turn 1.0 into 1
// and round 64-bit integers), used where the exact OTLP type matters (the OTLP export).

/** A JSON tree whose numbers keep their text. */
export type JsonTree = string | boolean | null | JsonNumber | JsonTree[] | { [key: string]: JsonTree };

export class JsonNumber {
  constructor(readonly text: string) {}
  get isInteger(): boolean {
    return !/[.eE]/.test(this.text);
  }
}

export function parseJsonTree(text: string): JsonTree {
  const parser = new TreeParser(text);
  const value = parser.value();
  parser.end();
  return value;
}

/** A stored attribute object → the OTLP attribute list. */
export function treeToAttributes(tree: JsonTree): Attributes {
  if (!isObject(tree)) throw new Error("stored attributes are not an object");
  return Object.entries(tree).map(([key, value]) => ({ key, value: treeToValue(value) }));
}

export function treeToValue(tree: JsonTree): AnyValue {
  if (tree === null || typeof tree === "string" || typeof tree === "boolean") return tree;
  if (tree instanceof JsonNumber) return tree.isInteger ? BigInt(tree.text) : Number(tree.text);
  if (Array.isArray(tree)) return tree.map(treeToValue);
  const keys = Object.keys(tree);
  if (keys.length === 1) {
    const tag = tree[keys[0]!]!;
    if (keys[0] === "$bytes" && typeof tag === "string") return new Uint8Array(Buffer.from(tag, "base64"));
    if (keys[0] === "$double" && typeof tag === "string") return tag === "-0" ? -0 : Number(tag);
    if (keys[0] === "$kvlist") return new KvList(treeToAttributes(tag));
  }
  return new KvList(treeToAttributes(tree));
}

function isObject(t: JsonTree): t is { [key: string]: JsonTree } {
  return typeof t === "object" && t !== null && !(t instanceof JsonNumber) && !Array.isArray(t);
}

class TreeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  value(): JsonTree {
    this.ws();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b /* { */) return this.object();
    if (c === 0x5b /* [ */) return this.array();
    if (c === 0x22 /* " */) return this.string();
    if (this.text.startsWith("true", this.pos)) return (this.pos += 4), true;
    if (this.text.startsWith("false", this.pos)) return (this.pos += 5), false;
    if (this.text.startsWith("null", this.pos)) return (this.pos += 4), null;
    const m = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    if (!found) throw new SyntaxError(`unexpected character at ${this.pos} in stored JSON`);
    this.pos = m.lastIndex;
    return new JsonNumber(found[0]);
  }

  end(): void {
    this.ws();
    if (this.pos !== this.text.length) throw new SyntaxError(`trailing text at ${this.pos} in stored JSON`);
  }

  private object(): { [key: string]: JsonTree } {
    const out: { [key: string]: JsonTree } = Object.create(null);
    this.pos++;
    this.ws();
    if (this.text[this.pos] === "}") return this.pos++, out;
    for (;;) {
      this.ws();
      const key = this.string();
      this.ws();
      this.expect(":");
      out[key] = this.value();
      this.ws();
      if (this.text[this.pos] === ",") this.pos++;
      else return this.expect("}"), out;
    }
  }

  private array(): JsonTree[] {
    const out: JsonTree[] = [];
    this.pos++;
    this.ws();
    if (this.text[this.pos] === "]") return this.pos++, out;
    for (;;) {
      out.push(this.value());
      this.ws();
      if (this.text[this.pos] === ",") this.pos++;
      else return this.expect("]"), out;
    }
  }

  private string(): string {
    const start = this.pos;
    if (this.text[start] !== '"') throw new SyntaxError(`expected string at ${start} in stored JSON`);
    let i = start + 1;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (Number.isNaN(c)) throw new SyntaxError("unterminated string in stored JSON");
      if (c === 0x5c /* \ */) i += 2;
      else if (c === 0x22) break;
      else i++;
    }
    this.pos = i + 1;
    return JSON.parse(this.text.slice(start, i + 1)) as string;
  }

  private ws(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) throw new SyntaxError(`expected "${ch}" at ${this.pos} in stored JSON`);
    this.pos++;
  }
}
