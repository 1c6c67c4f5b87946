import { createGzip } from "node:zlib";
import { rawRequest, type RawAnswer } from "./raw-http.ts";

export interface BombOutcome {
  /** The server's answer, or the error that ended the request before one came. */
  answer: RawAnswer | undefined;
  error: Error | undefined;
  /** Zero bytes the client had fed to gzip when the answer came: an upper bound on what the server could have inflated. */
  inflatedBytesSent: number;
  /** Compressed bytes the client had produced by then. */
  compressedBytesSent: number;
  /** Largest growth of this process's RSS (the collector runs in it) while the bomb was in flight. */
  peakRssGrowthBytes: number;
  /** The client gave up because RSS grew past the abort threshold (the server was inflating it all). */
  abortedForMemory: boolean;
  /** The client gave up waiting for an answer (the server was reading it all). */
  abortedForTime: boolean;
  elapsedMs: number;
}

const ZEROS = Buffer.alloc(1 << 20);

/**
 * POSTs a gzip bomb: `inflatedBytes` of zeros, compressed as they are sent (gzip level 9, about
 * 1000:1), so the client never holds more than one MiB of it. Sending stops as soon as the server
 * answers or closes the connection, so a server that refuses early keeps the test cheap; and the
 * client aborts if this process's RSS grows by `abortAtRssGrowth` or no answer came within
 * `abortAfterMs`, so a server that does not refuse fails the test instead of exhausting the machine.
 */
export async function sendGzipBomb(
  url: string,
  contentType: string,
  inflatedBytes: number,
  limits: { abortAtRssGrowth: number; abortAfterMs: number },
): Promise<BombOutcome> {
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  let abortedForMemory = false;
  let abortedForTime = false;
  let abort: ((why: string) => void) | undefined;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (peakRss - rssBefore > limits.abortAtRssGrowth && !abortedForMemory) {
      abortedForMemory = true;
      abort?.("the server's memory grew past the threshold");
    }
  }, 2);
  const timer = setTimeout(() => {
    abortedForTime = true;
    abort?.("no answer in time");
  }, limits.abortAfterMs);
  const started = performance.now();
  let fed = 0;
  let compressed = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let done = false;
  let answer: RawAnswer | undefined;
  let error: Error | undefined;
  try {
    answer = await rawRequest(url, {
      headers: { "content-type": contentType, "content-encoding": "gzip" },
      body: (req) => {
        abort = (why) => req.destroy(new Error(`aborted: ${why}`));
        const gzip = createGzip({ level: 9 });
        gzip.on("data", (chunk: Buffer) => (compressed += chunk.length));
        gzip.on("error", () => undefined);
        gzip.pipe(req);
        req.on("response", () => ((done = true), stop()));
        req.on("close", () => ((done = true), stop()));
        void (async () => {
          while (!done && fed < inflatedBytes) {
            const room = gzip.write(ZEROS);
            fed += ZEROS.length;
            if (!room) await Promise.race([new Promise((resolve) => gzip.once("drain", resolve)), stopped]);
          }
          if (done) gzip.destroy();
          else gzip.end();
        })();
      },
    });
  } catch (err) {
    error = err as Error;
  } finally {
    done = true;
    stop();
    clearInterval(sampler);
    clearTimeout(timer);
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return {
    answer,
    error,
    inflatedBytesSent: fed,
    compressedBytesSent: compressed,
    peakRssGrowthBytes: peakRss - rssBefore,
    abortedForMemory,
    abortedForTime,
    elapsedMs: performance.now() - started,
  };
}
