import assert from "node:assert/strict";
import { RpcStatus } from "../../collector/receiver/otlp/schema.ts";

export interface RpcStatusBody {
  code: number;
  message: string;
}

/** An answer from fetch (support/otlp.ts `post`) or from support/raw-http.ts. */
export type AnyAnswer = { body: Buffer; headers: Headers | Record<string, string | string[] | undefined> };

export function contentType(answer: AnyAnswer): string {
  const value = answer.headers instanceof Headers ? answer.headers.get("content-type") : answer.headers["content-type"];
  return String(value ?? "");
}

export function header(answer: AnyAnswer, name: string): string | undefined {
  const value = answer.headers instanceof Headers ? answer.headers.get(name) : answer.headers[name.toLowerCase()];
  return value === null || value === undefined ? undefined : String(value);
}

/**
 * Decodes the google.rpc.Status body of a failed OTLP/HTTP request, checking it came in the
 * request's format: protobuf (application/x-protobuf) or JSON (application/json, {code, message}).
 */
export function errorStatus(answer: AnyAnswer, format: "json" | "protobuf"): RpcStatusBody {
  const mediaType = contentType(answer).split(";")[0]!.trim();
  if (format === "protobuf") {
    assert.equal(mediaType, "application/x-protobuf", "error body in the request's format (protobuf)");
    const status = RpcStatus.toObject(RpcStatus.decode(answer.body), { defaults: true }) as RpcStatusBody;
    assert.equal(typeof status.message, "string");
    assert.ok(status.message.length > 0, "the status says what was wrong");
    return status;
  }
  assert.equal(mediaType, "application/json", "error body in the request's format (JSON)");
  const status = JSON.parse(answer.body.toString("utf8")) as RpcStatusBody;
  assert.equal(typeof status.code, "number");
  assert.equal(typeof status.message, "string");
  assert.ok(status.message.length > 0, "the status says what was wrong");
  return status;
}

/** gRPC codes the receiver puts in google.rpc.Status bodies. */
export const INVALID_ARGUMENT = 3;
export const UNAVAILABLE = 14;
