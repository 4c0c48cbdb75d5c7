// console.test.mjs — the console in Debian's chromium (headless, driven by playwright-core)
// against a running suite; started by test_console.c, which starts the suite, seeds the
// demo and makes the coordinator. Every wait is on a condition, bounded; the whole run
// is bounded by RUN_MS. Exit 0 when every check passed.
//
// Environment: NQ_URL (the gateway), NQ_API_KEY (an admin key: the API's own answers to
// compare with), NQ_USER / NQ_PASSWORD (the demo coordinator), NQ_TEAM, NQ_ARTIFACTS
// (screenshots), NQ_PLAYWRIGHT (playwright-core's directory), NQ_CHROMIUM.
import http from 'node:http';
import { ARTIFACTS, TEAM, URL_BASE, WAIT_MS, apiCall, bound, check, env, fail, fmt, open, step, value, waitFor } from './lib.mjs';

const RUN_MS = 55000;
const ALERT_MS = 1000; // a raised alert is on the page this soon (issue 17)
bound(RUN_MS);

// Raw HTTP, no decompression: the static files as sent.
function raw(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(URL_BASE);
    const req = http.request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// ---- checks ------------------------------------------------------------------------------

async function checkStatic() {
  step('static files: types, CSP, ETag, gzip, fallback, no way out');
  const index = await raw('/');
  check(index.status === 200, `GET / answered ${index.status}`);
  check(/^text\/html/.test(index.headers['content-type']), `GET / is ${index.headers['content-type']}`);
  const csp = index.headers['content-security-policy'] || '';
  check(/default-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), `CSP: ${csp}`);
  check(index.headers['x-frame-options'] === 'DENY', 'X-Frame-Options');
  const js = await raw('/js/main.js', { 'Accept-Encoding': 'gzip' });
  check(/^text\/javascript/.test(js.headers['content-type']), `main.js is ${js.headers['content-type']}`);
  check(js.headers['content-encoding'] === 'gzip', 'main.js not gzipped for a client that accepts it');
  const again = await raw('/js/main.js', { 'If-None-Match': js.headers.etag });
  check(again.status === 304 && again.body.length === 0, `If-None-Match answered ${again.status}`);
  const route = await raw('/today');
  check(route.status === 200 && route.body.equals(index.body), 'a client-side route is not index.html');
  const api = await raw('/api/v1/no-such-thing');
  check(api.status === 404 && /json/.test(api.headers['content-type']), 'an unknown /api/ path is not the API 404');
  for (const p of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/js/..%2f..%2f..%2fetc%2fpasswd',
    '/vendor/../../CMakeLists.txt', '/index.html%00.js']) {
    const r = await raw(p);
    check(r.status >= 400 && !r.body.includes('root:'), `${p} answered ${r.status}`);
  }
}

async function checkSignIn(page, user, password) {
  step('sign-in: a wrong password says so, the right one opens Today');
  await page.goto(`${URL_BASE}/today`);
  await page.waitForURL('**/login', { timeout: WAIT_MS });
  await page.fill('#user', user);
  await page.fill('#password', `${password}-wrong`);
  await page.click('#login-form button[type=submit]');
  await waitFor(page, 'the sign-in error', () => {
    const e = document.getElementById('login-error');
    return e && !e.hidden && e.textContent === '用户名或密码错误';
  });
  await page.screenshot({ path: `${ARTIFACTS}/login-error.png` });
  await page.fill('#password', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL('**/today', { timeout: WAIT_MS });
}

// Every figure of the period's cards is the API's. Pace and projection move with the
// clock, so the page is compared with the answers it got (caught on the wire), and
// those with the API's answer now for the figures that do not move.
async function checkFigures(page, period) {
  await waitFor(page, 'the cards', () => document.getElementById('kpis')?.dataset.period);
  const answer = (path) => page.waitForResponse((r) => r.url().includes(path) && r.url().includes(`period=${period}`),
    { timeout: WAIT_MS }).then((r) => r.json());
  const got = Promise.all([answer(`/api/v1/kpis/teams/${TEAM}?`), answer('/api/v1/leaderboards?')]);
  await page.click(`[data-period=${period}]`);
  const [overview, board] = await got;
  const now = await apiCall('GET', `/api/v1/kpis/teams/${TEAM}?period=${period}`);
  await waitFor(page, `the ${period} cards`, (key) => document.getElementById('kpis')?.dataset.period === key,
    overview.period.key);
  const shown = await page.$$eval('[data-metric]', (cards) => Object.fromEntries(cards.map((c) => [
    c.dataset.metric,
    Object.fromEntries([...c.querySelectorAll('[data-field]')].map((f) => [f.dataset.field, f.textContent])),
  ])));
  for (const metric of ['sales_amount', 'visits', 'calls', 'new_customers', 'collections']) {
    const m = overview.metrics[metric];
    for (const field of ['actual', 'target', 'attainment']) {
      check(JSON.stringify(m[field]) === JSON.stringify(now.metrics[metric][field]),
        `${period} ${metric} ${field}: the page got ${m[field]}, the API answers ${now.metrics[metric][field]}`);
    }
    const want = {
      actual: value(metric, m.actual),
      target: m.target === null ? '未设目标' : value(metric, m.target),
      attainment: fmt.percent(m.attainment),
      pace: fmt.percent(m.pace),
      projection: value(metric, m.projection),
    };
    for (const [field, text] of Object.entries(want)) {
      check(shown[metric]?.[field] === text,
        `${period} ${metric} ${field}: the page shows ${shown[metric]?.[field]}, the API ${text}`);
    }
  }
  const behind = board.entries.filter((e) => e.behind === true);
  const rows = await page.$$eval('#behind li', (lis) => lis.map((li) => [li.dataset.salesperson,
    li.querySelector('[data-field=gap]').textContent]));
  check(JSON.stringify(rows) === JSON.stringify(behind.map((e) => [e.salesperson_id, `差 ${fmt.money(e.gap)}`])),
    `behind plan: the page shows ${JSON.stringify(rows)}, the API ${JSON.stringify(behind)}`);
  if (!behind.length) {
    const text = await page.textContent('#behind');
    check(/没有人落后|还没有个人目标/.test(text), `no one behind, and the page says: ${text}`);
  }
  return { overview, behind };
}

async function checkToday(page) {
  step('Today: the team\'s figures are the API\'s, month and week; who is behind');
  await waitFor(page, 'the team name', () => document.getElementById('team-name')?.textContent);
  const month = await checkFigures(page, 'month');
  check(month.overview.metrics.sales_amount.target !== null, 'the demo team has no month target: nothing compared');
  await waitFor(page, 'the pace chart', () => document.querySelector('#pace-chart canvas'));
  await page.screenshot({ path: `${ARTIFACTS}/today-month.png`, fullPage: true });
  await checkFigures(page, 'week');
  await page.screenshot({ path: `${ARTIFACTS}/today-week.png`, fullPage: true });
}

async function checkAlert(page) {
  step('alerts: a big order appears live, without a reload; Acknowledge acknowledges it');
  await waitFor(page, 'the live alert stream', () => document.getElementById('feed-status')?.dataset.state === 'live');
  await page.evaluate(() => { window.__nqNoReload = true; });
  const amount = `${90000 + (Date.now() % 9000)}.50`;
  const t0 = Date.now();
  await apiCall('POST', '/api/v1/activities', {
    event_id: `browser-${t0}`, type: 'order', salesperson_id: 'sp-zhangwei', customer_id: 'c-hz-jinda',
    occurred_at: t0, amount, source: 'erp',
  });
  const item = await waitFor(page, 'the big-order alert', (a) => [...document.querySelectorAll('#alerts li[data-alert-id]')]
    .find((li) => li.textContent.includes(a))?.dataset.alertId, fmt.money(amount));
  const latency = Date.now() - t0;
  const id = await item.jsonValue();
  console.log(`   alert ${id} on the page ${latency} ms after the order was accepted`);
  check(latency <= ALERT_MS, `the alert took ${latency} ms to show (at most ${ALERT_MS})`);
  check(await page.evaluate(() => window.__nqNoReload === true), 'the page reloaded');
  check((await apiCall('GET', `/api/v1/alerts/${id}`)).state === 'open', 'the new alert is not open');
  await page.screenshot({ path: `${ARTIFACTS}/today-alert.png`, fullPage: true });
  await page.click(`#alerts li[data-alert-id="${id}"] button.ack`);
  await waitFor(page, 'the acknowledged state',
    (a) => document.querySelector(`#alerts li[data-alert-id="${a}"]`)?.dataset.state === 'acknowledged', id);
  check((await apiCall('GET', `/api/v1/alerts/${id}`)).state === 'acknowledged', 'the API does not say acknowledged');
}

async function checkEnglish(page) {
  step('language: English labels, remembered after a reload');
  await page.click('#lang');
  const english = () => document.querySelector('[data-metric=sales_amount] h3')?.textContent === 'Sales'
    && document.querySelector('.top nav a')?.textContent === 'Today';
  await waitFor(page, 'English labels', english);
  await page.reload();
  await waitFor(page, 'English labels after a reload', english);
  await page.screenshot({ path: `${ARTIFACTS}/today-en.png`, fullPage: true });
  await page.click('#lang');
  await waitFor(page, 'Chinese labels', () => document.querySelector('[data-metric=sales_amount] h3')?.textContent === '销售额');
}

async function checkWidths(ctx, page) {
  step('layout: no horizontal scroll at 1366 px and 390 px');
  const noScroll = () => document.documentElement.scrollWidth <= window.innerWidth;
  check(await page.evaluate(noScroll), 'horizontal scroll at 1366 px');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await waitFor(page, 'the cards at 390 px', () => document.querySelector('[data-metric=collections] [data-field=actual]'));
  await waitFor(page, 'the alerts at 390 px', () => document.querySelector('#alerts li'));
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(widths[0] <= widths[1], `horizontal scroll at 390 px: ${widths[0]} > ${widths[1]}`);
  await page.screenshot({ path: `${ARTIFACTS}/today-390.png`, fullPage: true });
}

async function main() {
  await checkStatic();
  const { browser, ctx, page, problems } = await open();
  await checkSignIn(page, env('NQ_USER'), env('NQ_PASSWORD'));
  await checkToday(page);
  await checkAlert(page);
  await checkEnglish(page);
  await checkWidths(ctx, page);
  check(problems().length === 0, `the page reported: ${problems().join('; ')}`);
  await browser.close();
  console.log('PASS');
}

main().catch((e) => fail(e.message));
