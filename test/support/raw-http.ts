import http from "node:http";
import type { Writable } from "node:stream";

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequestOptions {
  method?: string;
  /**
   * Exactly these headers are sent (Node adds only Host and, for a Buffer body, Content-Length),
   * plus `Connection: keep-alive` unless given, as OTLP exporters send it.
   */
  headers?: Record<string, string>;
  /**
   * A Buffer is sent with Content-Length; `{ chunks }` is sent with chunked transfer encoding and
   * no Content-Length; a function streams the body itself and must end the request.
   */
  body?: Buffer | { chunks: Buffer[] } | ((req: Writable) => void);
}

/**
 * One HTTP request on its own connection, with full control of method, headers and body framing
 * (fetch always adds a Content-Type and a Content-Length). A server may answer before it has read
 * the body (413, 415): the answer counts, a write error after it is ignored, and the rest of the
 * body is not sent.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    const headers: Record<string, string> = { connection: "keep-alive", ...options.headers };
    const body = options.body;
    if (Buffer.isBuffer(body)) headers["content-length"] = String(body.length);
    const req = http.request(url, { method: options.method ?? "POST", headers, agent: false });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        req.destroy(); // one request per connection; a body the server refused is not sent on
      });
      res.on("error", reject);
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else if (typeof body === "function") body(req);
    else {
      for (const chunk of body.chunks) req.write(chunk);
      req.end();
    }
  });
}
