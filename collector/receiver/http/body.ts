import type { IncomingMessage } from "node:http";
import { createGunzip, createInflate, type Gunzip, type Inflate } from "node:zlib";
import { OverloadedError, PayloadTooLargeError, PermanentError, UnsupportedMediaTypeError } from "../../errors.ts";
import type { MemoryBudget } from "../memory-budget.ts";

export interface BodyLease {
  body: Buffer;
  /** Returns the body's bytes to the memory budget; call when the request is answered. */
  release(): void;
}

/**
 * Reads a request body, inflating gzip or deflate as it streams. The size cap applies to the
 * inflated bytes and is enforced chunk by chunk, so a decompression bomb is stopped after at most
 * one chunk past the cap, never after inflating it all.
 */
export function readBody(req: IncomingMessage, maxBytes: number, budget: MemoryBudget): Promise<BodyLease> {
  const encoding = String(req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  let inflater: Gunzip | Inflate | undefined;
  if (encoding === "gzip" || encoding === "x-gzip") inflater = createGunzip();
  else if (encoding === "deflate") inflater = createInflate();
  else if (encoding !== "identity" && encoding !== "") {
    return Promise.reject(new UnsupportedMediaTypeError(`unsupported Content-Encoding "${encoding}": use gzip, deflate or identity`));
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new PayloadTooLargeError(`request body of ${declared} bytes exceeds the ${maxBytes}-byte limit`));
  }

  return new Promise<BodyLease>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let held = 0;
    let raw = 0;
    let settled = false;
    const release = (): void => {
      budget.release(held);
      held = 0;
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      release();
      chunks.length = 0;
      if (inflater) {
        req.unpipe(inflater);
        inflater.destroy();
      }
      req.pause();
      reject(err);
    };
    const take = (chunk: Buffer): void => {
      if (settled) return;
      if (held + chunk.length > maxBytes) return fail(new PayloadTooLargeError(`request body exceeds the ${maxBytes}-byte limit once decompressed`));
      if (!budget.tryAcquire(chunk.length)) return fail(new OverloadedError("too many request bytes in flight; retry later"));
      held += chunk.length;
      chunks.push(chunk);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, held), release });
    };

    req.on("error", fail);
    req.on("close", () => {
      if (!req.complete) fail(new PermanentError("client closed the connection before the body was complete"));
    });
    if (inflater) {
      req.on("data", (chunk: Buffer) => {
        raw += chunk.length;
        if (raw > maxBytes) fail(new PayloadTooLargeError(`request body exceeds the ${maxBytes}-byte limit`));
      });
      inflater.on("data", take);
      inflater.on("end", finish);
      inflater.on("error", (err) => fail(new PermanentError(`invalid ${encoding} body: ${err.message}`)));
      req.pipe(inflater);
    } else {
      req.on("data", take);
      req.on("end", finish);
    }
  });
}
