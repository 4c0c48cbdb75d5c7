// bench/console.mjs — how fast the console's Today page is, measured in Debian's
// chromium (headless, playwright-core from tests/browser's npm install) on a running
// suite that bench/console.sh has seeded. Started by bench/console.sh; prints a table
// and writes the figures as JSON.
//
// Per navigation: the time from its start to the page's 'nq:today-ready' mark (figures,
// lists and chart drawn), and the /api/v1 requests it made until then (the alert stream
// included). Three kinds, NQ_RUNS each:
//   cold  a new browser context (empty cache, signed in by the API), goto /today
//   warm  the same context, goto /today again (files revalidated by ETag)
//   spa   from the leaderboard, the header's Today link (no page load)
// And the page's own code and styles (everything under the web root but vendor/),
// gzipped.
//
// Environment: NQ_URL, NQ_USER, NQ_PASSWORD, NQ_WEB_DIR (the build's web root),
// NQ_PLAYWRIGHT (playwright-core's directory), NQ_CHROMIUM, NQ_RUNS [5], NQ_OUT (JSON file).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const env = (n, d) => {
  const v = process.env[n] ?? d;
  if (v === undefined) throw new Error(`${n} is not set`);
  return v;
};
const URL_BASE = env('NQ_URL');
const RUNS = Number(env('NQ_RUNS', '5'));
const READY = 'nq:today-ready';     // figures, lists and the pace chart drawn
const FIGURES = 'nq:today-figures'; // figures and lists drawn, the chart not yet
const LIMIT_MS = 1500;
const LIMIT_CALLS = 6;
const LIMIT_KB = 150;

// Every file under dir but vendor/ and the build's .gz copies, with its gzipped size.
function ownFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (rel === 'vendor' || name.endsWith('.gz')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ file: rel, bytes: statSync(p).size, gzip: gzipSync(readFileSync(p), { level: 9 }).length });
    }
  };
  walk(dir);
  return out;
}

// Runs `navigate` on page and waits for the ready mark; the time from `from` (the
// navigation's start on the page's clock: 0 for a page load) and the API calls made.
async function measure(page, navigate, fromNow) {
  const calls = [];
  const onRequest = (r) => { if (r.url().includes('/api/v1/')) calls.push(new URL(r.url()).pathname); };
  page.on('request', onRequest);
  let from = 0;
  if (fromNow) from = await page.evaluate(() => { performance.clearMarks(); return performance.now(); });
  await navigate();
  const handle = await page.waitForFunction((m) => performance.getEntriesByName(m)[0]?.startTime, READY,
    { timeout: 30000, polling: 'raf' });
  const at = await handle.jsonValue();
  const figures = await page.evaluate((m) => performance.getEntriesByName(m)[0]?.startTime, FIGURES);
  page.off('request', onRequest);
  // where the time went: the slowest resources of this navigation (start and end, ms)
  const slow = await page.evaluate((t0) => performance.getEntriesByType('resource')
    .filter((e) => e.startTime >= t0)
    .map((e) => [new URL(e.name).pathname, Math.round(e.startTime - t0), Math.round(e.responseEnd - t0)])
    .sort((a, b) => b[2] - a[2]).slice(0, 6), from);
  const round = (x) => Math.round(x * 10) / 10;
  return { ms: round(at - from), figures_ms: round(figures - from), calls: calls.length, paths: calls, slow };
}

async function signedInContext(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const r = await ctx.request.post(`${URL_BASE}/api/v1/auth/login`, { data: { user: env('NQ_USER'), password: env('NQ_PASSWORD') } });
  if (!r.ok()) throw new Error(`sign-in: ${r.status()} ${await r.text()}`);
  return ctx;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1] };
};

async function main() {
  const { chromium } = createRequire(`${env('NQ_PLAYWRIGHT')}/`)('./index.js');
  const browser = await chromium.launch({
    executablePath: env('NQ_CHROMIUM'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const runs = { cold: [], warm: [], spa: [] };
  for (let i = 0; i < RUNS; i++) {
    const ctx = await signedInContext(browser);
    const page = await ctx.newPage();
    runs.cold.push(await measure(page, () => page.goto(`${URL_BASE}/today`), false));
    runs.warm.push(await measure(page, () => page.goto(`${URL_BASE}/today`), false));
    await page.click('header nav a[href="/leaderboard"]');
    await page.waitForURL('**/leaderboard');
    runs.spa.push(await measure(page, () => page.click('header nav a[href="/today"]'), true));
    await ctx.close();
  }
  await browser.close();

  const files = ownFiles(env('NQ_WEB_DIR'));
  const gz = files.reduce((n, f) => n + f.gzip, 0);
  const raw = files.reduce((n, f) => n + f.bytes, 0);
  const result = { runs: RUNS, kinds: {}, own: { files: files.length, bytes: raw, gzip: gz } };
  console.log(`Today on ${URL_BASE}, ${RUNS} runs of each kind (ms to '${READY}'; /api/v1 calls)`);
  console.log('kind    min_ms  median_ms  max_ms  calls  within   figures: min_ms  median_ms  max_ms');
  let ok = true;
  for (const [kind, xs] of Object.entries(runs)) {
    const ms = stats(xs.map((x) => x.ms));
    const calls = Math.max(...xs.map((x) => x.calls));
    const within = ms.max <= LIMIT_MS && calls <= LIMIT_CALLS;
    ok &&= within;
    const fig = stats(xs.map((x) => x.figures_ms));
    result.kinds[kind] = { ...ms, figures: fig, calls, paths: xs[0].paths, all: xs.map((x) => [x.ms, x.figures_ms]) };
    console.log(`${kind.padEnd(6)} ${String(ms.min).padStart(7)} ${String(ms.median).padStart(10)} ${String(ms.max).padStart(7)}`
      + ` ${String(calls).padStart(6)}  ${within ? 'yes' : 'NO '}   ${String(fig.min).padStart(14)} ${String(fig.median).padStart(10)}`
      + ` ${String(fig.max).padStart(7)}`);
  }
  for (const [kind, r] of Object.entries(result.kinds)) console.log(`  ${kind} calls: ${r.paths.join(' ')}`);
  for (const [kind, xs] of Object.entries(runs)) {
    const last = xs[xs.length - 1];
    console.log(`  ${kind} run ${xs.length}, ${last.ms} ms; latest resources [path, start, end]: ${JSON.stringify(last.slow)}`);
  }
  const kb = Math.round(gz / 102.4) / 10;
  ok &&= kb <= LIMIT_KB;
  console.log(`own code and styles: ${files.length} files, ${Math.round(raw / 102.4) / 10} KB, ${kb} KB gzipped`
    + ` (limit ${LIMIT_KB} KB: ${kb <= LIMIT_KB ? 'yes' : 'NO'})`);
  if (process.env.NQ_OUT) writeFileSync(process.env.NQ_OUT, JSON.stringify(result, null, 1));
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { console.error(e.stack || e.message); process.exit(2); });
