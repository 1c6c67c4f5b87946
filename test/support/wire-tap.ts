import { once } from "node:events";
import { createServer, connect, type AddressInfo, type Socket } from "node:net";

/**
 * A loopback TCP pass-through in front of the collector that keeps a copy of what clients send,
 * so a test can see what actually went over the wire (was the body really gzip?) without
 * touching the client or the server. Bytes are forwarded unchanged in both directions.
 */
export interface WireTap {
  port: number;
  /** Client → server bytes, one Buffer per connection, in connection order. */
  connections(): Buffer[];
  close(): Promise<void>;
}

export async function startWireTap(targetHost: string, targetPort: number): Promise<WireTap> {
  const recorded: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const chunks: Buffer[] = [];
    recorded.push(chunks);
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => recorded.map((chunks) => Buffer.concat(chunks)),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** The header blocks (lowercased names) of every HTTP/1.1 request `method path` in raw client bytes. */
export function httpRequestHeads(raw: Buffer, method: string, path: string): Array<Record<string, string>> {
  const text = raw.toString("latin1");
  const heads: Array<Record<string, string>> = [];
  const start = `${method} ${path} HTTP/1.1\r\n`;
  for (let at = text.indexOf(start); at >= 0; at = text.indexOf(start, at + 1)) {
    const end = text.indexOf("\r\n\r\n", at);
    if (end < 0) break;
    const headers: Record<string, string> = {};
    for (const line of text.slice(at + start.length, end).split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    heads.push(headers);
  }
  return heads;
}

export interface GrpcMessage {
  streamId: number;
  /** The gRPC Compressed-Flag of the length-prefixed message. */
  compressed: boolean;
  body: Buffer;
}

const HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const DATA_FRAME = 0x0;
const PADDED = 0x8;

/**
 * The gRPC messages a client sent on an HTTP/2 (h2c) connection: DATA frames are joined per
 * stream, then split into length-prefixed messages (1 byte compressed flag, 4 bytes length).
 */
export function grpcClientMessages(raw: Buffer): GrpcMessage[] {
  if (raw.subarray(0, HTTP2_PREFACE.length).toString("latin1") !== HTTP2_PREFACE) return [];
  const data = new Map<number, Buffer[]>();
  let pos = HTTP2_PREFACE.length;
  while (pos + 9 <= raw.length) {
    const length = raw.readUIntBE(pos, 3);
    const type = raw[pos + 3]!;
    const flags = raw[pos + 4]!;
    const streamId = raw.readUInt32BE(pos + 5) & 0x7fffffff;
    let payload = raw.subarray(pos + 9, pos + 9 + length);
    pos += 9 + length;
    if (type !== DATA_FRAME) continue;
    if (flags & PADDED) payload = payload.subarray(1, payload.length - payload[0]!);
    if (!data.has(streamId)) data.set(streamId, []);
    data.get(streamId)!.push(payload);
  }
  const messages: GrpcMessage[] = [];
  for (const [streamId, parts] of data) {
    const bytes = Buffer.concat(parts);
    for (let at = 0; at + 5 <= bytes.length; ) {
      const length = bytes.readUInt32BE(at + 1);
      messages.push({ streamId, compressed: bytes[at] === 1, body: bytes.subarray(at + 5, at + 5 + length) });
      at += 5 + length;
    }
  }
  return messages;
}

/** True when bytes start with the gzip magic number. */
export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
