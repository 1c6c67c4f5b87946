import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openPage, screenshot, type WatchedPage } from "../support/browser.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { sendRuns, type FixtureRun } from "../support/ui-fixtures.ts";
import { ensureUiBuilt } from "../support/ui-build.ts";

// Functions given to page.evaluate run in the browser; this Node program has no DOM types, so
// the page globals they use are declared here, loosely, for this file only.
declare const window: any, document: any;

/** The experiments app in Debian's chromium: runs table, run page, metrics explorer. */
describe("experiments in the browser", () => {
  let collector: TestCollector;
  let browser: Browser;
  let w: WatchedPage;
  let page: Page;
  let runs: FixtureRun[];

  before(async () => {
    ensureUiBuilt();
    collector = await startTestCollector({ grpcPort: null });
    runs = await sendRuns(collector.httpUrl);
    browser = await launchBrowser();
    w = await openPage(browser);
    page = w.page;
  });
  after(async () => {
    await browser?.close();
    await collector?.close();
  });

  const runNames = (): Promise<string[]> => page.locator('[data-testid="runs-table"] .rrow[data-run-id] .name').allInnerTexts();
  /** Every line label of every explorer chart on the page. */
  const lineLabels = async (): Promise<string[]> => (await page.locator('[data-testid="chart-legend"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute("data-line") ?? ""))).sort();
  /** What uPlot was given: the series labels the Chart component lists. */
  const plottedSeries = async (): Promise<string[]> =>
    (await page.locator("ul.series-labels").evaluateAll((uls) => uls.flatMap((ul) => JSON.parse(ul.getAttribute("data-series") ?? "[]") as string[]))).filter((l) => !l.startsWith("\u200b")).sort();

  it("sorts the runs table by an hparam, both ways", async () => {
    await page.goto(collector.httpUrl + "/runs?cols=lr,batch,optimizer.name");
    await page.locator('[data-testid="runs-table"] .rrow[data-run-id]').nth(2).waitFor();
    await page.locator('button.th[data-column="hparams.lr"]').click();
    await page.waitForURL(/sort=hparams\.lr/);
    assert.deepEqual(await runNames(), ["lr-0.001", "lr-0.01", "lr-0.1"]);
    await page.locator('button.th[data-column="hparams.lr"]').click();
    await page.waitForURL(/sort=-hparams\.lr/);
    assert.deepEqual(await runNames(), ["lr-0.1", "lr-0.01", "lr-0.001"]);
    await page.locator('button.th[data-column="hparams.optimizer.name"]').click();
    assert.equal((await runNames())[2], "lr-0.1", "adam, adam, sgd");
    await screenshot(page, "runs-table");
  });

  it("filters the runs table by any column", async () => {
    await page.goto(collector.httpUrl + "/runs?cols=lr,batch");
    await page.locator('[data-testid="runs-table"] .rrow[data-run-id]').nth(2).waitFor();
    await page.getByLabel("Filter lr").fill("<0.05");
    await page.getByLabel("Filter lr").press("Enter");
    await page.waitForURL(/f\.hparams\.lr=/);
    assert.deepEqual((await runNames()).sort(), ["lr-0.001", "lr-0.01"]);
    await page.getByLabel("Filter Tags").fill("baseline");
    await page.getByLabel("Filter Tags").press("Enter");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] .rrow[data-run-id]').length === 0);
  });

  it("selects runs and compares them in the explorer, which draws exactly their lines", async () => {
    await page.goto(collector.httpUrl + "/runs?sort=hparams.lr");
    await page.locator('[data-testid="runs-table"] .rrow[data-run-id]').nth(2).waitFor();
    const [a, b] = [runs.find((r) => r.name === "lr-0.1")!, runs.find((r) => r.name === "lr-0.01")!];
    await page.getByLabel("Select lr-0.1").check();
    await page.getByLabel("Select lr-0.01").check();
    const href = await page.locator('[data-testid="compare"]').getAttribute("href");
    assert.match(href ?? "", /^\/metrics\?runs=/);
    assert.deepEqual(new URL(href!, "http://x").searchParams.get("runs")!.split(",").sort(), [a.runId, b.runId].sort());
    await page.locator('[data-testid="compare"]').click();
    await page.waitForURL(/\/metrics\?/);
    await page.locator('[data-testid="explorer-chart"]').first().waitFor();
    // The explorer opens with "loss": train and val of each selected run.
    const expected = ["lr-0.1", "lr-0.01"].flatMap((n) => [`${n} · loss · subset=train`, `${n} · loss · subset=val`]).sort();
    assert.deepEqual(await lineLabels(), expected);
    assert.deepEqual(await plottedSeries(), expected);
  });

  it("explores a metric across all runs: grouping, aggregation, smoothing, axes", async () => {
    await page.goto(collector.httpUrl + "/metrics?metrics=loss");
    await page.locator('[data-testid="explorer-chart"]').first().waitFor();
    const all = runs.flatMap((r) => [`${r.name} · loss · subset=train`, `${r.name} · loss · subset=val`]).sort();
    assert.deepEqual(await lineLabels(), all);
    await screenshot(page, "explorer-lines");

    // Which runs: a query when the collector has the query language, else text in the run names.
    const ql = (await fetch(collector.httpUrl + "/api/query/explain?q=")).status !== 404;
    await page.goto(`${collector.httpUrl}/metrics?metrics=loss&where=${encodeURIComponent(ql ? "run.hparams.lr < 0.05" : "lr-0.0")}`);
    await page.locator('[data-testid="explorer-chart"]').first().waitFor();
    assert.deepEqual(await lineLabels(), ["lr-0.001", "lr-0.01"].flatMap((n) => [`${n} · loss · subset=train`, `${n} · loss · subset=val`]).sort());

    // Chart by context, color by optimizer, mean with a min-max band per color.
    await page.goto(collector.httpUrl + "/metrics?metrics=loss&chart=context.subset&color=hparams.optimizer.name&agg=minmax");
    await page.locator('[data-testid="explorer-chart"]').nth(1).waitFor();
    assert.deepEqual(await page.locator('[data-testid="explorer-chart"]').evaluateAll((c) => c.map((x) => x.getAttribute("data-title")).sort()), [
      "context.subset = train",
      "context.subset = val",
    ]);
    assert.deepEqual(await lineLabels(), [
      "hparams.optimizer.name=adam (mean of 2)",
      "hparams.optimizer.name=adam (mean of 2)",
      "hparams.optimizer.name=sgd (mean of 1)",
      "hparams.optimizer.name=sgd (mean of 1)",
    ]);
    await screenshot(page, "explorer-aggregated");

    // Smoothing, log scale, epochs and time axes draw without errors; CSV has a row per point.
    await page.goto(collector.httpUrl + "/metrics?metrics=loss,accuracy&smooth=ema:0.8&log=1&x=epoch&runs=" + runs[0]!.runId);
    await page.locator('[data-testid="explorer-chart"]').nth(1).waitFor();
    await page.goto(collector.httpUrl + "/metrics?metrics=accuracy&smooth=cma:5&x=time&full=1");
    await page.locator('[data-testid="explorer-chart"]').first().waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "CSV" }).click();
    const file = await download;
    const { readFile } = await import("node:fs/promises");
    const csv = await readFile((await file.path())!, "utf8");
    assert.equal(csv.split("\n")[0], "chart,line,run_id,metric,context,time,value");
    assert.equal(csv.trim().split("\n").length, 1 + 3 * 60, "one row per point of 3 runs × 60 steps");
    const svg = page.waitForEvent("download");
    await page.getByRole("button", { name: "SVG" }).first().click();
    assert.match(await readFile((await (await svg).path())!, "utf8"), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<path d="M/);
    const png = page.waitForEvent("download");
    await page.getByRole("button", { name: "PNG" }).first().click();
    assert.equal((await readFile((await (await png).path())!)).subarray(1, 4).toString(), "PNG");
    await screenshot(page, "explorer-time-smoothed");
  });

  it("shows a run: hparams, a chart per metric with contexts as lines, distributions, logs", async () => {
    const run = runs.find((r) => r.name === "lr-0.01")!;
    await page.goto(`${collector.httpUrl}/runs/${run.runId}`);
    await page.locator('[data-testid="explorer-chart"]').nth(1).waitFor();
    assert.deepEqual(await page.locator('[data-testid="explorer-chart"]').evaluateAll((c) => c.map((x) => x.getAttribute("data-title")).sort()), ["accuracy", "loss"]);
    assert.deepEqual(await lineLabels(), ["subset=train", "subset=train", "subset=val"]);
    const text = await page.locator(".run-page").innerText();
    assert.match(text, /lr[\s\S]*0\.01/);
    assert.match(text, /optimizer[\s\S]*adam/);
    await page.locator('[data-testid="distribution"][data-name="weights"] canvas').waitFor();
    assert.match(await page.locator('[data-testid="run-logs"]').innerText(), /training lr-0\.01 started[\s\S]*warmup skipped/);
    await screenshot(page, "run-page");
  });

  it("edits a run's name and tags inline", async () => {
    const run = runs.find((r) => r.name === "lr-0.001")!;
    await page.goto(collector.httpUrl + "/runs");
    const row = page.locator(`.rrow[data-run-id="${run.runId}"]`);
    await row.waitFor();
    await row.locator(".name").dblclick();
    await page.getByLabel("Run name").fill("tiny-lr");
    await page.getByLabel("Run name").press("Enter");
    await row.locator(".name", { hasText: "tiny-lr" }).waitFor();
    await row.locator(".tags").dblclick();
    await page.getByLabel("Tags, comma-separated").fill("sweep, keep");
    await page.getByLabel("Tags, comma-separated").press("Enter");
    await row.locator(".tags", { hasText: "keep" }).waitFor();
    const stored = (await (await fetch(`${collector.httpUrl}/api/runs/${run.runId}`)).json()) as { run: { name: string; tags: string[] } };
    assert.equal(stored.run.name, "tiny-lr");
    assert.deepEqual([...stored.run.tags].sort(), ["keep", "sweep"]);
    assert.deepEqual(w.errors, [], "no page errors");
  });
});
