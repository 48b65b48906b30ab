// SPDX-License-Identifier: MIT
// Headless Chromium (Debian's) driven by puppeteer-core, and the steps a
// person takes on the dashboard.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, SOURCE } from './env.mjs';

const require = createRequire(join(SOURCE, 'web/package.json'));
const puppeteer = require('puppeteer-core');

export const PHONE = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { width: 1366, height: 900 };

export async function launch() {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

export async function openPage(browser, url, viewport = DESKTOP) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

export async function login(page, { user, password, site = '', broker }) {
  await page.waitForSelector('#login');
  await page.$eval('#login', (f, v) => {
    f.username.value = v.user;
    f.password.value = v.password;
    f.site.value = v.site;
    f.url.value = v.broker;
  }, { user, password, site, broker });
  await page.click('#login button[type=submit]');
  await page.waitForFunction(() => window.dashboard && window.dashboard.connected, { timeout: 10000 });
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// The state a station card shows, or null.
export function cardState(page, n) {
  return page.$eval(`[data-station="${n}"]`, (c) => c.dataset.state).catch(() => null);
}
