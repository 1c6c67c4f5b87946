/**
 * `npm run bench:ui`: a 100,000-span trace in the browser (Debian chromium via playwright-core).
 * Measures, in the page: the first paint of the waterfall (navigation start → the page's
 * "sightline:waterfall-painted" mark: fetch of the span tree, building it, first rows on screen),
 * then a scroll from top to end, frame by frame, with a PerformanceObserver recording long tasks.
 * Goals (issue 6): first paint < 2 s; no long task > 100 ms while scrolling.
 *   --spans N (default 100000)   DATABASE_URL: use that server instead of an embedded one
 */
import { startCollector } from "../../collector/collector.ts";
import { DEFAULTS } from "../../collector/config.ts";
import { launchBrowser } from "../../test/support/browser.ts";
import { ensureUiBuilt } from "../../test/support/ui-build.ts";
import { openBenchDatabase } from "../bench-database.ts";
import { BIG_TRACE_ID, bigTraceRequests } from "./big-trace.ts";

// Functions given to page.evaluate run in the browser; this Node program has no DOM types, so
// the page globals they use are declared here, loosely, for this file only.
declare const window: any, document: any, requestAnimationFrame: (cb: (t: number) => void) => number, KeyboardEvent: any;

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SPANS = arg("spans", 100_000);
const TRACE_ID = BIG_TRACE_ID;
const log = (m: string): void => console.error(m);

async function main(): Promise<void> {
  ensureUiBuilt();
  const db = await openBenchDatabase(process.env.DATABASE_URL, log);
  const collector = await startCollector(
    { host: "127.0.0.1", port: 0, grpcPort: null, dataDir: "unused", databaseUrl: db.url, maxBodyBytes: DEFAULTS.maxBodyBytes, maxInflightBytes: DEFAULTS.maxInflightBytes },
    { log: () => undefined },
  );
  const browser = await launchBrowser();
  try {
    log(`ingesting a ${SPANS.toLocaleString("en-US")}-span trace …`);
    const t = Date.now();
    for (const body of bigTraceRequests(SPANS, 5000)) {
      const res = await fetch(`${collector.httpUrl}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`ingest: ${res.status} ${await res.text()}`);
    }
    log(`ingested in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    // Long tasks from the very start of the page, so the measurement windows can be cut later.
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }> };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: "longtask" as "mark", buffered: true }); // Node's types do not know the browser-only entry type
    });
    const runs: Array<{ firstPaint: number; treeFetch: number; treeBytes: number }> = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${collector.httpUrl}/traces/${TRACE_ID}`);
      await page.waitForFunction(() => performance.getEntriesByName("sightline:waterfall-painted").length > 0, undefined, { timeout: 60_000 });
      runs.push(
        await page.evaluate(() => {
          const mark = performance.getEntriesByName("sightline:waterfall-painted")[0]!;
          const tree = performance.getEntriesByType("resource").find((r) => r.name.includes("/tree")) as { startTime: number; responseEnd: number; encodedBodySize: number } | undefined;
          return { firstPaint: mark.startTime, treeFetch: tree ? tree.responseEnd - tree.startTime : NaN, treeBytes: tree?.encodedBodySize ?? NaN };
        }),
      );
    }
    const rows = await page.locator(".wf-row").count();

    // Scroll from top to end: 240 frames, each moving 1/240 of the list, as fast as frames come.
    const scroll = await page.evaluate(async () => {
      const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }> };
      const viewport = document.querySelector(".waterfall .viewport");
      const from = performance.now();
      const frames: number[] = [];
      const steps = 240;
      for (let i = 1; i <= steps; i++) {
        viewport.scrollTop = (viewport.scrollHeight - viewport.clientHeight) * (i / steps);
        const before = performance.now();
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        frames.push(performance.now() - before);
      }
      const to = performance.now();
      const lastRow = document.querySelector(".waterfall .row:last-child .wf-row")?.getAttribute("data-span-id") ?? "";
      const tasks = w.__longTasks.filter((t) => t.start >= from && t.start <= to);
      frames.sort((a, b) => a - b);
      return {
        ms: to - from,
        longTasks: tasks.length,
        maxLongTask: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
        p50Frame: frames[Math.floor(frames.length / 2)]!,
        p95Frame: frames[Math.floor(frames.length * 0.95)]!,
        maxFrame: frames[frames.length - 1]!,
        lastRow,
        atEnd: Math.abs(viewport.scrollTop + viewport.clientHeight - viewport.scrollHeight) < 2,
      };
    });
    // Keyboard: End jumps to the last span, then j/k steps.
    const keys = await page.evaluate(async () => {
      const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }> };
      document.querySelector(".waterfall").focus();
      const from = performance.now();
      for (const key of ["Home", "End", "k", "k", "j", "Home"]) {
        document.querySelector(".waterfall")!.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      }
      const tasks = w.__longTasks.filter((t) => t.start >= from);
      return { ms: performance.now() - from, maxLongTask: tasks.reduce((m, t) => Math.max(m, t.duration), 0) };
    });

    const fp = runs.map((r) => r.firstPaint).sort((a, b) => a - b);
    const f = (n: number): string => `${Math.round(n)} ms`;
    console.log(`\nWaterfall of a ${SPANS.toLocaleString("en-US")}-span trace (Debian chromium ${browser.version()}, headless)`);
    console.log(`  first paint (navigation → first rows), 3 loads: ${fp.map(f).join(", ")}  → median ${f(fp[1]!)}   goal < 2000 ms: ${fp[1]! < 2000 ? "met" : "NOT met"}`);
    console.log(`  of which the span tree fetch: ${runs.map((r) => f(r.treeFetch)).join(", ")} (${(runs[0]!.treeBytes / 1e6).toFixed(1)} MB)`);
    console.log(`  rows in the DOM: ${rows} (virtualized)`);
    console.log(`  scroll top → end in 240 frames: ${f(scroll.ms)}, frame p50 ${f(scroll.p50Frame)}, p95 ${f(scroll.p95Frame)}, max ${f(scroll.maxFrame)}; reached end: ${scroll.atEnd}`);
    console.log(`  long tasks while scrolling: ${scroll.longTasks}, longest ${f(scroll.maxLongTask)}   goal none > 100 ms: ${scroll.maxLongTask <= 100 ? "met" : "NOT met"}`);
    console.log(`  keyboard Home/End/j/k: ${f(keys.ms)}, longest task ${f(keys.maxLongTask)}`);
    await context.close();
  } finally {
    await browser.close();
    await collector.stop();
    await db.close({ keep: false });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
