/**
 * The in-memory form of an OTLP AnyValue, decoded once at the receiver.
 * JS types carry the OTLP type so no wrapper objects are needed on the hot path:
 * string, boolean, number (double), bigint (int64), Uint8Array (bytes), AnyValue[] (array),
 * KvList (kvlist), null (an "empty" value with no field set).
 */
export type AnyValue = string | boolean | number | bigint | Uint8Array | AnyValue[] | KvList | null;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** A kvlist value; a class so it is told apart from an array value by `instanceof`. */
export class KvList {
  constructor(readonly values: KeyValue[]) {}
}

/** Attribute maps are OTLP key-value lists; keys are unique by the spec. */
export type Attributes = KeyValue[];

export function attributeValue(attributes: Attributes, key: string): AnyValue | undefined {
  for (const kv of attributes) if (kv.key === key) return kv.value;
  return undefined;
}

export function stringAttribute(attributes: Attributes, key: string): string | undefined {
  const value = attributeValue(attributes, key);
  return typeof value === "string" ? value : undefined;
}
