import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); Playwright never downloads a browser here. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why browser tests are skipped on this machine, or null when they can run. */
export const browserSkipReason: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium) to run the browser tests`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface OfflinePage {
  context: BrowserContext;
  page: Page;
  /** Requests to any origin but the test server (aborted): proves the page needs no internet. */
  foreignRequests: string[];
  /** Uncaught page errors and console errors. */
  problems: string[];
}

/** A fresh browser context that may reach only `base`; everything else is aborted and recorded. */
export async function offlinePage(browser: Browser, base: string): Promise<OfflinePage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
  const origin = new URL(base).origin;
  const foreignRequests: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  return { context, page, foreignRequests, problems };
}

const ARTIFACTS = join(__dirname, "../../../test-artifacts");
const SCREENSHOTS = join(__dirname, "../../../docs/screenshots");

/**
 * Saves a full-page screenshot to test-artifacts/ (gitignored); with UPDATE_SCREENSHOTS=1 also to
 * docs/screenshots/, the committed copies the README shows.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const image = await page.screenshot({ fullPage: true, animations: "disabled" });
  writeFileSync(join(ARTIFACTS, `${name}.png`), image);
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, `${name}.png`), image);
  }
}
