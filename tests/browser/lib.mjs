// lib.mjs — what the browser tests share: their environment, checks and steps, the API
// as it answers (with the admin key), the formats the console promises (written again
// independently of the page), bounded waits, chromium and the sign-in.
//
// Environment: NQ_URL (the gateway), NQ_API_KEY (an admin key: the API's own answers to
// compare with), NQ_ARTIFACTS (screenshots), NQ_PLAYWRIGHT (playwright-core's
// directory), NQ_CHROMIUM; each test names the others it reads.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

export const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
export const URL_BASE = env('NQ_URL');
export const ARTIFACTS = env('NQ_ARTIFACTS');
export const WAIT_MS = 8000;
const KEY = env('NQ_API_KEY');
const { chromium } = createRequire(`${env('NQ_PLAYWRIGHT')}/`)('./index.js');
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
export async function fail(why) {
  console.error(`FAIL: ${why}`);
  await browser?.close().catch(() => {});
  process.exit(1);
}
export function check(ok, why) {
  if (!ok) throw new Error(why);
}
export function step(name) {
  console.log(`-- ${name}`);
}
// The whole run is bounded: a test that hangs fails.
export function bound(ms) {
  setTimeout(() => fail(`the run took over ${ms} ms`), ms).unref();
}

export async function apiCall(method, path, body) {
  const r = await fetch(URL_BASE + path, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => null);
  check(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

// The formats the page promises (docs/console.md), written again independently.
const grouped = (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export const fmt = {
  money: (s) => {
    if (s === null) return '—';
    const [, sign, int, frac = ''] = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
    return `${sign}¥${grouped(int)}.${(frac + '00').slice(0, 2)}`;
  },
  count: (n) => (n === null ? '—' : grouped(String(n))),
  percent: (r) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`),
};
const AMOUNTS = new Set(['sales_amount', 'collections']);
export const value = (metric, v) => (AMOUNTS.has(metric) ? fmt.money(v) : fmt.count(v));

export async function waitFor(page, what, fn, arg) {
  try {
    return await page.waitForFunction(fn, arg, { timeout: WAIT_MS, polling: 50 });
  } catch {
    throw new Error(`waited ${WAIT_MS} ms for ${what}`);
  }
}

// Chromium headless and a page at 1366×768 in zh-CN, Asia/Shanghai; `problems` collects
// page errors and CSP refusals (a test ends by checking it is empty).
export async function openBrowser() {
  browser = await chromium.launch({
    executablePath: env('NQ_CHROMIUM'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  return browser;
}
export async function closeBrowser() {
  await browser?.close();
  browser = null;
}
export async function newPage(viewport = { width: 1366, height: 768 }) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  return { ctx, page, problems };
}

// Sign in through the form at /login; `landing` is the path the console opens after.
export async function signIn(page, user, password, landing) {
  await page.goto(`${URL_BASE}/login`);
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(`**${landing}`, { timeout: WAIT_MS });
}

export async function noHorizontalScroll(page, where) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(widths[0] <= widths[1], `horizontal scroll ${where}: ${widths[0]} > ${widths[1]}`);
}
