// Shared by every browser script: launches Debian's Chromium through playwright-core (no browser
// download), and small helpers for the scripts' own checks. A script is run by the contract suite
// (`fairdraw_testkit::browser::run`) as `node <script> <base-url> [args…]`; it exits non-zero
// (an uncaught error or a failed `check`) to fail the test, and prints what it saw.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The server under test and the script's other arguments. */
export const base = process.argv[2];
export const args = process.argv.slice(3);

/** Chromium, headless. `CHROMIUM` overrides the binary's path. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // The suite runs as root in CI, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/**
 * A phone-sized page (375 × 740, touch), with script errors, console errors and failed loads
 * (4xx/5xx, with their address) collected in `page.errors`.
 */
export async function phonePage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    ...options,
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // A failed load is reported with its address (the console message has none).
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && page.errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && page.errors.push(`${r.status()} ${r.url()}`));
  return page;
}

/** Fails the script with `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

/**
 * Saves a screenshot as docs/screenshots/<name>.png in the repository when
 * FAIRDRAW_SCREENSHOTS is set (so a person can look at each state), and always under the
 * system's temporary directory otherwise.
 */
export async function screenshot(page, name) {
  const dir = process.env.FAIRDRAW_SCREENSHOTS
    ? join(here, '..', '..', '..', '..', 'docs', 'screenshots')
    : join(process.env.TMPDIR || '/tmp', 'fairdraw-screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Runs `body(browser)` and always closes the browser; any error fails the script. */
export async function run(body) {
  const browser = await launch();
  try {
    await body(browser);
  } finally {
    await browser.close();
  }
}
