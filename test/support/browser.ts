import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/**
 * Debian's chromium driven by playwright-core (playwright's own browser download cannot work
 * offline). CHROMIUM_PATH overrides where it is; `.ci/run` installs it with apt.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const ARTIFACTS_DIR = join(process.cwd(), "test-artifacts", "ui");

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Every dialog (alert/confirm/prompt) the page tried to open: XSS tests assert there are none. */
  dialogs: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/** A fresh context and page that records dialogs and errors. */
export async function openPage(browser: Browser, options: { width?: number; height?: number; theme?: "light" | "dark" } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1400, height: options.height ?? 860 },
    colorScheme: options.theme ?? "light",
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|net::ERR_/.test(m.text())) errors.push(m.text());
  });
  return { page, context, dialogs, errors };
}

/** Saves a screenshot under test-artifacts/ui/ (git-ignored) for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
