import { readFixtureJson } from "./fixture-files.ts";

/**
 * Validation of message lists against the OTel GenAI JSON Schemas (fixtures/reference/otel-genai),
 * with the subset of JSON Schema they use: $ref into $defs, anyOf/oneOf, type, const, enum,
 * properties, required, items. One reading is stricter than the schema's letter: every part list
 * is `anyOf [TextPart, …, GenericPart]`, and GenericPart (any object with a string type) would
 * accept a malformed text part; a part whose type is the `const` of a specific part is checked
 * against that part's definition.
 */
type Schema = Record<string, unknown>;

export type MessageListKind = "input" | "output" | "system";

const SCHEMA_FILES: Record<MessageListKind, string> = {
  input: "reference/otel-genai/gen-ai-input-messages.json",
  output: "reference/otel-genai/gen-ai-output-messages.json",
  system: "reference/otel-genai/gen-ai-system-instructions.json",
};

/** Problems found (empty when valid). `ignoreRequired` lists required members a source may not state. */
export function messageSchemaErrors(kind: MessageListKind, value: unknown, ignoreRequired: readonly string[] = []): string[] {
  const root = readFixtureJson(SCHEMA_FILES[kind]) as Schema;
  const errors: string[] = [];
  validate(value, root, root, "$", errors, new Set(ignoreRequired));
  return errors;
}

function validate(value: unknown, schema: Schema, root: Schema, path: string, errors: string[], ignore: Set<string>): void {
  if (typeof schema.$ref === "string") return validate(value, resolve(schema.$ref, root), root, path, errors, ignore);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) {
    const specific = specificPart(value, alternatives, root);
    if (specific) return validate(value, specific, root, path, errors, ignore);
    if (!alternatives.some((alt) => attempt(value, alt, root, ignore))) errors.push(`${path}: matches none of ${alternatives.length} alternatives`);
    return;
  }
  if (schema.type !== undefined && !hasType(value, schema.type as string)) {
    errors.push(`${path}: expected ${String(schema.type)}, got ${JSON.stringify(value)?.slice(0, 60)}`);
    return;
  }
  if ("const" in schema && value !== schema.const) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => validate(item, schema.items as Schema, root, `${path}[${i}]`, errors, ignore));
  if (isObject(value)) {
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in value) && !ignore.has(key)) errors.push(`${path}: missing ${key}`);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, sub] of Object.entries(props)) if (key in value) validate(value[key], sub, root, `${path}.${key}`, errors, ignore);
  }
}

function attempt(value: unknown, schema: Schema, root: Schema, ignore: Set<string>): boolean {
  const errors: string[] = [];
  validate(value, schema, root, "", errors, ignore);
  return errors.length === 0;
}

/** The alternative whose `type` const names this part's type, if there is exactly such a one. */
function specificPart(value: unknown, alternatives: Schema[], root: Schema): Schema | undefined {
  if (!isObject(value) || typeof value.type !== "string") return undefined;
  for (const alt of alternatives) {
    const def = typeof alt.$ref === "string" ? resolve(alt.$ref, root) : alt;
    const typeProp = (def.properties as Record<string, Schema> | undefined)?.type;
    if (typeProp && typeProp.const === value.type) return def;
  }
  return undefined;
}

function resolve(ref: string, root: Schema): Schema {
  const name = ref.replace("#/$defs/", "");
  const def = (root.$defs as Record<string, Schema>)[name];
  if (!def) throw new Error(`unresolved ${ref}`);
  return def;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string": return typeof value === "string";
    case "array": return Array.isArray(value);
    case "object": return isObject(value);
    case "null": return value === null;
    case "number": return typeof value === "number";
    case "integer": return Number.isInteger(value);
    case "boolean": return typeof value === "boolean";
    default: return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
