// lib.mjs — what a browser test of the console needs around playwright-core: the
// environment test_console.c sets, the API as the admin key sees it, bounded waits,
// the formats the console promises (docs/console.md, written again independently),
// the browser and the sign-in. Used by manage.test.mjs and people.test.mjs.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

export const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
export const URL_BASE = env('NQ_URL');
export const TEAM = env('NQ_TEAM');
export const ARTIFACTS = env('NQ_ARTIFACTS');
export const WAIT_MS = 8000;
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

// The API with the admin key (NQ_API_KEY): the answers to compare the pages with.
export async function apiCall(method, path, body) {
  const r = await fetch(URL_BASE + path, {
    method,
    headers: { Authorization: `Bearer ${env('NQ_API_KEY')}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => null);
  check(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

// Every item of a list, page after page, as the admin key sees it.
export async function walk(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await apiCall('GET', `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

// Polls fn() (async) until it answers something truthy, at most ms.
export async function until(what, fn, ms = WAIT_MS) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitFor(page, what, fn, arg) {
  try {
    return await page.waitForFunction(fn, arg, { timeout: WAIT_MS, polling: 50 });
  } catch {
    throw new Error(`waited ${WAIT_MS} ms for ${what}`);
  }
}

const grouped = (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export const fmt = {
  money: (s) => {
    if (s === null || s === undefined) return '—';
    const [, sign, int, frac = ''] = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
    return `${sign}¥${grouped(int)}.${(frac + '00').slice(0, 2)}`;
  },
  count: (n) => (n === null || n === undefined ? '—' : grouped(String(n))),
  percent: (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`),
  // "2026-11-26T11:00:00.120+08:00" -> "11-26 11:00"
  time: (s) => {
    const m = /^\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d)/.exec(s || '');
    return m ? `${m[1]}-${m[2]} ${m[3]}` : '';
  },
};

// A metric's value as the console shows it: amounts as money, counts grouped.
export const value = (metric, v) => (['sales_amount', 'collections'].includes(metric) ? fmt.money(v) : fmt.count(v));

// Chromium headless, a context at 1366×768 in zh-CN and Asia/Shanghai, and a page that
// collects script errors and CSP refusals (checked at the end with problems()).
export async function open() {
  const { chromium } = createRequire(`${env('NQ_PLAYWRIGHT')}/`)('./index.js');
  browser = await chromium.launch({
    executablePath: env('NQ_CHROMIUM'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  return { browser, ...(await newPage()) };
}

// Another context of the browser open() started (another user's cookies), set up alike.
export async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  const seen = [];
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text());
  });
  return { ctx, page, problems: () => seen };
}

// Sign in through the form (the demo coordinator unless told) and land on `landing`.
export async function signIn(page, user = env('NQ_USER'), password = env('NQ_PASSWORD'), landing = '/today') {
  await page.goto(`${URL_BASE}/login`);
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(`**${landing}`, { timeout: WAIT_MS });
}

// The API as the signed-in page sees it (its session cookie): a list walked whole.
export function walkAsPage(page, path) {
  return page.evaluate(async (p) => {
    const items = [];
    let cursor = null;
    do {
      const sep = p.includes('?') ? '&' : '?';
      const r = await fetch(`${p}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (!r.ok) throw new Error(`${p}: ${r.status}`);
      const body = await r.json();
      items.push(...body.items);
      cursor = body.next_cursor;
    } while (cursor);
    return items;
  }, path);
}

export async function noHorizontalScroll(page, where) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(scroll <= inner, `horizontal scroll on ${where}: ${scroll} > ${inner}`);
}
