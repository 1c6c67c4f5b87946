import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openPage, screenshot, type WatchedPage } from "../support/browser.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { SHOP_TRACE_ID, XSS_IMG, XSS_SCRIPT, XSS_TRACE_ID, sendTrace, shopTrace, traceRequest, xssTrace } from "../support/ui-fixtures.ts";
import { ensureUiBuilt } from "../support/ui-build.ts";

// Functions given to page.evaluate run in the browser; this Node program has no DOM types, so
// the page globals they use are declared here, loosely, for this file only.
declare const window: any, document: any;

/** The base app in Debian's chromium: traces list, trace view, live updates, hostile content. */
describe("traces in the browser", () => {
  let collector: TestCollector;
  let browser: Browser;
  let w: WatchedPage;
  let page: Page;

  before(async () => {
    ensureUiBuilt();
    collector = await startTestCollector({ grpcPort: null });
    await sendTrace(collector.httpUrl, shopTrace());
    await sendTrace(collector.httpUrl, xssTrace());
    browser = await launchBrowser();
    w = await openPage(browser);
    page = w.page;
  });
  after(async () => {
    await browser?.close();
    await collector?.close();
  });

  const row = (traceId: string) => page.locator(`a.trow[data-trace-id="${traceId}"]`);
  const attr = (key: string) => page.locator(`[data-testid="span-detail"] tr[data-key="${key}"]`).first();

  it("lists the traces with their summaries and the duration scatter", async () => {
    await page.goto(collector.httpUrl + "/traces");
    await row(SHOP_TRACE_ID).waitFor();
    const text = await row(SHOP_TRACE_ID).innerText();
    for (const part of ["POST /checkout", "web", "480ms", "6", "1"]) assert.ok(text.includes(part), `"${part}" in ${JSON.stringify(text)}`);
    assert.equal(await page.locator('[data-testid="trace-list"]').getAttribute("data-count"), "2");
    assert.equal(await page.locator('[data-testid="duration-scatter"]').getAttribute("data-points"), "2");
    assert.equal(await page.locator('[data-testid="duration-scatter"] canvas').count() > 0, true);
    await screenshot(page, "traces-list");
  });

  it("filters the list, and shows a query error where it is", async () => {
    await page.goto(collector.httpUrl + "/traces");
    await row(SHOP_TRACE_ID).waitFor();
    // The query language when the collector has it, else the simple filters.
    const ql = (await fetch(collector.httpUrl + "/api/query/explain?q=")).status !== 404;
    const bar = page.getByLabel("Trace query");
    await bar.fill(ql ? "span.status == error" : "status=error");
    await bar.press("Enter");
    await page.waitForURL(/q=/);
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-list"]')?.getAttribute("data-count") === "1");
    assert.equal(await row(SHOP_TRACE_ID).count(), 1);
    assert.equal(await row(XSS_TRACE_ID).count(), 0);

    await bar.fill("colour=blue");
    await bar.press("Enter");
    const error = page.locator('[data-testid="query-error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /colour/);
    // Either parser (the server's query language, the simple filters) says where: the word is underlined.
    assert.equal(await page.locator('[data-testid="query-error-range"]').innerText(), "colour");
    await screenshot(page, "traces-query-error");
  });

  it("opens a trace: the waterfall, then span detail with typed attribute values", async () => {
    await page.goto(collector.httpUrl + "/traces");
    await row(SHOP_TRACE_ID).click();
    await page.waitForURL(new RegExp(`/traces/${SHOP_TRACE_ID}`));
    await page.locator(".wf-row").first().waitFor();
    assert.equal(await page.locator(".wf-row").count(), 6);
    assert.equal(await page.evaluate(() => performance.getEntriesByName("sightline:waterfall-painted").length), 1);

    await page.locator('.wf-row[data-span-id="eee19b7ec3c1b174"]').click();
    await page.waitForURL(/span=eee19b7ec3c1b174/);
    await page.locator('[data-testid="span-name"]').waitFor();
    assert.equal(await page.locator('[data-testid="span-name"]').innerText(), "POST /checkout");
    const expect = async (key: string, value: string, type: string): Promise<void> => {
      const r = attr(key);
      await r.waitFor();
      assert.equal(await r.locator(".scalar").first().innerText(), value, key);
      assert.equal(await r.locator(".scalar").first().getAttribute("data-type"), type, key);
    };
    await expect("http.route", "/checkout", "string");
    await expect("http.status_code", "502", "int");
    await expect("app.cart.ratio", "0.5", "double");
    await expect("app.cart.whole", "2.0", "double");
    await expect("app.cached", "false", "bool");
    await expect("app.big", "9007199254740993", "int");
    assert.match(await attr("app.items").innerText(), /book[\s\S]*pen/);
    assert.match(await attr("app.order").innerText(), /A-17/);
    assert.match(await page.locator('[data-testid="span-detail"]').innerText(), /Resource[\s\S]*service\.name[\s\S]*web/);
    assert.match(await page.locator('[data-testid="span-detail"]').innerText(), /@sightline\/test-fixtures 1\.0\.0/);
    await screenshot(page, "trace-view");
  });

  it("navigates the waterfall with the keyboard and searches within the trace", async () => {
    await page.goto(`${collector.httpUrl}/traces/${SHOP_TRACE_ID}`);
    await page.locator(".wf-row").first().waitFor();
    await page.locator(".waterfall").focus();
    await page.keyboard.press("j"); // cursor onto the root
    await page.keyboard.press("j"); // auth.verify
    await page.keyboard.press("Enter");
    await page.waitForURL(/span=a000000000000001/);
    assert.equal(await page.locator('[data-testid="span-name"]').innerText(), "auth.verify");
    await page.keyboard.press("k"); // back to the root
    await page.keyboard.press("ArrowLeft"); // collapse it
    assert.equal(await page.locator(".wf-row").count(), 1);
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.locator(".wf-row").count(), 6);

    await page.getByLabel("Search spans").fill("charge");
    await page.getByLabel("Search spans").press("Enter");
    await page.waitForURL(/span=a000000000000003/);
    assert.equal(await page.locator('[data-testid="match-count"]').innerText(), "1 of 1");
    const detail = page.locator('[data-testid="span-detail"]');
    // The URL moves first; the detail follows when the span has loaded.
    await page.locator('[data-testid="span-name"]', { hasText: /charge/i }).waitFor();
    assert.equal(await page.locator('[data-testid="span-status"]').innerText(), "error");
    assert.match(await detail.innerText(), /card declined/);
    assert.match(await detail.innerText(), /exception[\s\S]*CardDeclined/);
    await screenshot(page, "trace-search");

    // Attribute values are searched on the server: db.statement of "SELECT orders".
    await page.getByLabel("Search spans").fill("user_id");
    await page.locator('[data-testid="match-count"]', { hasText: "1 of 1" }).waitFor();
    await page.getByLabel("Search spans").press("Enter");
    await page.waitForURL(/span=a000000000000002/);
  });

  it("renders an AI span's conversation when the collector derives its AI fields", async (t) => {
    await page.goto(`${collector.httpUrl}/traces/${SHOP_TRACE_ID}?span=a000000000000005`);
    await page.locator('[data-testid="span-name"]').waitFor();
    assert.equal(await page.locator('[data-testid="span-name"]').innerText(), "chat gpt-4o");
    await page.waitForTimeout(300);
    if ((await page.locator('[data-testid="ai-panel"]').count()) === 0) {
      t.skip("this collector does not derive `ai` fields yet (GenAI normalization)");
      return;
    }
    const panel = page.locator('[data-testid="ai-panel"]');
    assert.match(await panel.innerText(), /gpt-4o/);
    assert.ok((await panel.locator('[data-role="user"]').count()) >= 1);
    assert.match(await panel.locator('[data-role="user"]').first().innerText(), /Why was the card declined\?/);
    assert.match(await panel.innerText(), /insufficient funds/);
    await screenshot(page, "trace-ai-span");
  });

  it("renders the `ai` object readably and inertly: roles, tool calls, usage, long text collapsed", async () => {
    // The span detail answer gets a canonical `ai` object, whatever this collector derives itself,
    // so the rendering is tested on its own; it carries the hostile payloads too.
    const long = "token ".repeat(400);
    await page.route(`**/api/traces/${XSS_TRACE_ID}/spans/b000000000000002*`, async (route) => {
      const res = await route.fetch();
      const span = await res.json();
      span.ai = {
        type: "llm",
        operation: "chat",
        model: "gpt-4o-2024-08-06",
        requestModel: "gpt-4o",
        provider: "openai",
        usage: { inputTokens: 1200, outputTokens: 340, totalTokens: 1540, cacheReadTokens: 1000 },
        costUsd: 0.0064,
        input: [
          { role: "system", parts: [{ type: "text", content: "You are terse." }] },
          { role: "user", parts: [{ type: "text", content: `Summarize ${XSS_SCRIPT}` }] },
        ],
        output: [
          {
            role: "assistant",
            parts: [
              { type: "text", content: long },
              { type: "tool_call", id: "call_1", name: "<b>search</b>", arguments: { q: XSS_IMG } },
            ],
            finish_reason: "tool_calls",
          },
          { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: { hits: [XSS_IMG] } }] },
        ],
      };
      await route.fulfill({ response: res, json: span });
    });
    try {
      await page.goto(`${collector.httpUrl}/traces/${XSS_TRACE_ID}?span=b000000000000002`);
      const panel = page.locator('[data-testid="ai-panel"]');
      await panel.waitFor();
      const text = (await panel.innerText()).toLowerCase();
      for (const part of ["gpt-4o-2024-08-06", "openai", "1,200", "340", "1,540", "$0.0064", "tool call", "tool result", "call_1"]) assert.ok(text.includes(part), `"${part}" in the AI panel`);
      assert.deepEqual(await panel.locator("[data-role]").evaluateAll((m) => m.map((x) => x.getAttribute("data-role"))), ["system", "user", "assistant", "tool"]);
      assert.match(await panel.locator('[data-role="user"]').innerText(), /Summarize <script>window\.__xss = 1/);
      assert.match(await panel.locator('[data-role="assistant"]').innerText(), /show all 2,400 characters/, "long content is collapsed");
      assert.match(await panel.locator('[data-role="assistant"]').innerText(), /<b>search<\/b>/);
      await page.waitForTimeout(300);
      assert.deepEqual(w.dialogs, []);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      await screenshot(page, "trace-ai-panel");
    } finally {
      await page.unroute(`**/api/traces/${XSS_TRACE_ID}/spans/b000000000000002*`);
    }
  });

  it("shows a new trace as it arrives, without reloading", async () => {
    await page.goto(collector.httpUrl + "/traces");
    await row(SHOP_TRACE_ID).waitFor();
    await page.locator("button.live.on").waitFor({ timeout: 10_000 });
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const liveId = "1ive0000000000000000000000000001".replace(/[^0-9a-f]/g, "0");
    await sendTrace(
      collector.httpUrl,
      traceRequest(liveId, Date.now(), [{ spanId: "c000000000000001", name: "GET /live-arrival", service: "live", startMs: 0, durationMs: 12 }]),
    );
    await row(liveId).waitFor({ timeout: 10_000 });
    assert.match(await row(liveId).innerText(), /GET \/live-arrival/);
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, "the page was not reloaded");
    await screenshot(page, "traces-live");
  });

  it("keeps HTML and script from telemetry inert, shown as text", async () => {
    await page.goto(collector.httpUrl + "/traces");
    await row(XSS_TRACE_ID).waitFor();
    await page.goto(`${collector.httpUrl}/traces/${XSS_TRACE_ID}?span=b000000000000002`);
    await page.locator('[data-testid="span-name"]').waitFor();
    await page.waitForTimeout(500); // anything that would run has had its chance (onerror fires on load failure)
    assert.deepEqual(w.dialogs, [], "no dialog opened");
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, "no injected script ran");
    assert.equal(await page.locator('img[src="x"]').count(), 0, "no injected <img>");
    assert.equal(await page.locator("b").filter({ hasText: "search" }).count(), 0, "no injected <b>");
    const scripts = await page.evaluate(() => [...document.querySelectorAll("script")].filter((s) => s.textContent?.includes("__xss")).length);
    assert.equal(scripts, 0, "no injected <script>");
    // The payloads are there, as text.
    assert.equal(await page.locator('[data-testid="span-name"]').innerText(), `chat ${XSS_SCRIPT}`);
    assert.ok((await page.getByText(XSS_IMG, { exact: false }).count()) > 0);
    const ai = page.locator('[data-testid="ai-panel"]');
    if ((await ai.count()) > 0) assert.match(await ai.innerText(), /<script>window\.__xss = 1/);
    await screenshot(page, "trace-xss-inert");
    // The list too.
    await page.goto(collector.httpUrl + "/traces");
    await row(XSS_TRACE_ID).waitFor();
    assert.match(await row(XSS_TRACE_ID).innerText(), /<img src=x onerror=/);
    assert.deepEqual(w.dialogs, []);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
  });

  it("looks right in the dark theme", async () => {
    const dark = await openPage(browser, { theme: "dark" });
    try {
      await dark.page.goto(`${collector.httpUrl}/traces/${SHOP_TRACE_ID}?span=a000000000000003`);
      await dark.page.locator('[data-testid="span-name"]').waitFor();
      assert.equal(await dark.page.evaluate(() => document.documentElement.dataset.theme), "dark");
      await screenshot(dark.page, "trace-view-dark");
      await dark.page.goto(collector.httpUrl + "/traces");
      await dark.page.locator("a.trow").first().waitFor();
      await screenshot(dark.page, "traces-list-dark");
      assert.deepEqual(dark.errors, []);
    } finally {
      await dark.context.close();
    }
    assert.deepEqual(w.errors, [], "no page errors");
  });
});
