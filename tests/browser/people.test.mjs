// people.test.mjs — the leaderboard, the salesperson page and Today's "no activity today"
// in Debian's chromium against a running suite with the demo seeded; started by
// test_people (test_console.c). Every number on the page is compared with the API's
// answer; a salesperson user sees their own page and a 404 view for a colleague's.
//
// Environment (besides lib.mjs's): NQ_USER / NQ_PASSWORD (the demo coordinator),
// NQ_TEAM, NQ_SALES_USER / NQ_SALES_PASSWORD (the demo salesperson user), NQ_SALESPERSON
// (theirs). Screenshots to NQ_ARTIFACTS, among them readme-today.png and
// readme-salesperson.png, the README's (docs/img/).
import { ARTIFACTS, TEAM, WAIT_MS, apiCall, bound, check, env, fail, fmt, newPage, noHorizontalScroll, open, signIn,
  step, value, waitFor } from './lib.mjs';

const SELF = env('NQ_SALESPERSON');
const NEW_HIRE = 'sp-chenjing';
bound(90000);

const answer = (page, part) => page.waitForResponse((r) => r.url().includes(part), { timeout: WAIT_MS })
  .then((r) => r.json());
const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));
const moveText = (m) => (m > 0 ? `▲${m}` : m < 0 ? `▼${-m}` : '–');
const workdays = (wd) => `工作日：已过 ${wd.elapsed} 天，共 ${wd.total} 天`;

async function checkToday(page) {
  step('Today: who has no activity today is the API\'s, names link to their page; working days read clearly');
  // a new hire without any activity: at least one name in the list, whatever the demo did today
  await apiCall('PUT', `/api/v1/salespeople/${NEW_HIRE}`, { name: '陈静', team_id: TEAM });
  const idle = answer(page, `/api/v1/teams/${TEAM}/idle`);
  const overview = answer(page, `/api/v1/kpis/teams/${TEAM}?`);
  await signIn(page, env('NQ_USER'), env('NQ_PASSWORD'), '/today');
  const [got, ov] = await Promise.all([idle, overview]);
  const now = await apiCall('GET', `/api/v1/teams/${TEAM}/idle`);
  check(JSON.stringify(got.idle) === JSON.stringify(now.idle), `idle: the page got ${got.idle}, the API answers ${now.idle}`);
  await waitFor(page, 'the idle list', () => document.getElementById('idle')?.dataset.day);
  const shown = await page.$$eval('#idle li', (lis) => lis.map((li) => li.dataset.salesperson));
  check(JSON.stringify(shown) === JSON.stringify(got.idle), `idle: the page shows ${shown}, the API ${got.idle}`);
  check(got.idle.includes(NEW_HIRE), `the new hire is not idle: ${got.idle}`);
  const wd = await page.textContent('#workdays');
  check(wd === workdays(ov.workdays), `working days: the page shows "${wd}", want "${workdays(ov.workdays)}"`);
  await page.screenshot({ path: `${ARTIFACTS}/readme-today.png` });
  // a name on Today opens the salesperson's page without a reload
  await page.evaluate(() => { window.__nqNoReload = true; });
  const id = NEW_HIRE;
  check(await page.textContent(`#idle a[data-salesperson-link=${id}]`) === '陈静', 'the idle list does not name the new hire');
  await page.click(`#idle a[data-salesperson-link=${id}]`);
  await page.waitForURL(`**/salespeople/${id}`, { timeout: WAIT_MS });
  await waitFor(page, 'the salesperson page', (sp) => document.querySelector('main')?.dataset.salesperson === sp, id);
  check(await page.evaluate(() => window.__nqNoReload === true), 'following a name reloaded the page');
}

// The board on the page against the answer it got, and that answer's ranks and values
// against the API's now (boards by value do not move with the clock).
async function checkBoard(page, sel, choose) {
  const q = new URLSearchParams({ scope: `team:${TEAM}`, metric: sel.metric, period: sel.period });
  if (sel.by) q.set('by', sel.by);
  const got = page.waitForResponse((r) => r.url().includes('/api/v1/leaderboards?') && r.url().endsWith(q.toString()),
    { timeout: WAIT_MS }).then((r) => r.json());
  await choose();
  const board = await got;
  await waitFor(page, `the board ${q}`, (want) => document.getElementById('board-box')?.dataset.query === want, q.toString());
  if (!sel.by) {
    const now = await apiCall('GET', `/api/v1/leaderboards?${q}`);
    const pick = (b) => JSON.stringify(b.entries.map((e) => [e.salesperson_id, e.rank, e.movement, e.value]));
    check(pick(board) === pick(now), `board ${q}: the page got ${pick(board)}, the API answers ${pick(now)}`);
  }
  const rows = await page.$$eval('#board tbody tr', (trs) => trs.map((tr) => [tr.dataset.salesperson,
    ...['rank', 'movement', 'value', 'gap'].map((f) => tr.querySelector(`[data-field=${f}]`)?.textContent ?? null)]));
  const show = (e) => {
    if (sel.by) return fmt.percent(e.value);
    if (sel.metric === 'score') return e.value === null ? '—' : String(e.value);
    return value(sel.metric, e.value);
  };
  const want = board.entries.map((e) => [e.salesperson_id, String(e.rank), moveText(e.movement), show(e),
    sel.by ? value(sel.metric, e.gap) : null]);
  check(JSON.stringify(rows) === JSON.stringify(want), `board ${q}: the page shows ${JSON.stringify(rows)}, the API ${JSON.stringify(want)}`);
  check(board.entries.length > 0, `board ${q} is empty: nothing compared`);
  return board;
}

async function checkLeaderboard(page) {
  step('Leaderboard: ranks, movement and values are the API\'s, by metric, by pace, by score, per period');
  await page.click('.top nav a[href="/leaderboard"]');
  await page.waitForURL('**/leaderboard', { timeout: WAIT_MS });
  await waitFor(page, 'the first board', () => document.getElementById('board-box')?.dataset.query);
  const select = (id, v) => () => page.selectOption(`#${id}`, v);
  await checkBoard(page, { metric: 'visits', period: 'month' }, select('board-metric', 'visits'));
  await checkBoard(page, { metric: 'visits', period: 'week' }, () => page.click('[data-period=week]'));
  await checkBoard(page, { metric: 'sales_amount', period: 'week' }, select('board-metric', 'sales_amount'));
  await checkBoard(page, { metric: 'sales_amount', period: 'month' }, () => page.click('[data-period=month]'));
  await checkBoard(page, { metric: 'sales_amount', period: 'month', by: 'pace' }, select('board-by', 'pace'));
  await page.screenshot({ path: `${ARTIFACTS}/leaderboard-pace.png`, fullPage: true });
  await checkBoard(page, { metric: 'score', period: 'month' }, select('board-metric', 'score'));
  await checkBoard(page, { metric: 'collections', period: 'quarter' }, async () => {
    await page.selectOption('#board-metric', 'collections');
    await page.click('[data-period=quarter]');
  });
  await checkBoard(page, { metric: 'collections', period: 'year' }, () => page.click('[data-period=year]'));
  check(!(await page.$('#board-direction')), 'collections (higher is better) shows a "lower is better" hint');
  // a lower-is-better metric: the lowest first, and the page says so
  const lower = await checkBoard(page, { metric: 'tickets_overdue', period: 'year' }, select('board-metric', 'tickets_overdue'));
  check(lower.direction === 'lower_is_better', `tickets_overdue's board direction: ${lower.direction}`);
  const vals = lower.entries.filter((e) => e.value !== null).map((e) => Number(e.value));
  check(vals.every((v, i) => i === 0 || vals[i - 1] <= v), `tickets_overdue not lowest first: ${vals}`);
  check(await page.$('#board-direction [data-field=direction]'), 'no "lower is better" hint on the tickets_overdue board');
  await page.screenshot({ path: `${ARTIFACTS}/leaderboard-lower.png`, fullPage: true });
  await checkBoard(page, { metric: 'collections', period: 'month' }, async () => {
    await page.selectOption('#board-metric', 'collections');
    await page.click('[data-period=month]');
  });
  await page.screenshot({ path: `${ARTIFACTS}/leaderboard.png`, fullPage: true });
}

async function checkSalesperson(page, id, screenshot) {
  step(`salesperson page ${id}: KPIs, scorecard with its explanation, commission, trend, activity, customers, training`);
  const overview = answer(page, `/api/v1/kpis/salespeople/${id}?period=month`);
  const scores = answer(page, `/api/v1/scores/salespeople/${id}?period=month`);
  const trend = answer(page, `/api/v1/salespeople/${id}/trend?period=month`);
  const acts = answer(page, `/api/v1/salespeople/${id}/activities`);
  const custs = answer(page, `/api/v1/customers?owner=${id}`);
  await page.goto(`${page.url().replace(/(https?:\/\/[^/]+).*/, '$1')}/salespeople/${id}`);
  const [ov, sc, tr, ac, cu] = await Promise.all([overview, scores, trend, acts, custs]);
  // KPIs: the figures that do not move with the clock against the API now, all as the page got them
  const now = await apiCall('GET', `/api/v1/kpis/salespeople/${id}?period=month`);
  await waitFor(page, 'the cards', (key) => document.getElementById('kpis')?.dataset.period === key, ov.period.key);
  for (const metric of ['sales_amount', 'visits', 'calls', 'new_customers', 'collections']) {
    const m = ov.metrics[metric];
    check(JSON.stringify([m.actual, m.target]) === JSON.stringify([now.metrics[metric].actual, now.metrics[metric].target]),
      `${id} ${metric}: the page got ${m.actual}/${m.target}, the API answers ${now.metrics[metric].actual}/${now.metrics[metric].target}`);
    const card = await page.$$eval(`#kpis [data-metric=${metric}] [data-field]`, (fs) => Object.fromEntries(fs.map((f) => [f.dataset.field, f.textContent])));
    const want = { actual: value(metric, m.actual), target: m.target === null ? '未设目标' : value(metric, m.target),
      attainment: fmt.percent(m.attainment), pace: fmt.percent(m.pace), projection: value(metric, m.projection) };
    check(JSON.stringify(card) === JSON.stringify(want), `${id} ${metric}: the page shows ${JSON.stringify(card)}, the API ${JSON.stringify(want)}`);
  }
  check(JSON.stringify(sc) === JSON.stringify(await apiCall('GET', `/api/v1/scores/salespeople/${id}?period=month`)),
    `${id}: the page's score differs from the API's`);
  // the scorecard: the score, each contribution and the "what it takes" explanation
  check(sc.scorecard, `${id} has no scorecard in force: nothing to explain`);
  await waitFor(page, 'the scorecard', () => document.querySelector('#scorecard [data-field=score]'));
  check(await page.textContent('#scorecard [data-field=score]') === String(sc.scorecard.score), `${id}: score`);
  const contributions = await texts(page, '#scorecard tbody [data-field=contribution]');
  check(JSON.stringify(contributions) === JSON.stringify(sc.scorecard.metrics.map((l) => String(l.contribution))),
    `${id}: contributions ${contributions}, the API ${sc.scorecard.metrics.map((l) => l.contribution)}`);
  if (sc.scorecard.next_band) {
    const why = await page.textContent('#next-band [data-field=explanation]');
    check(why === sc.scorecard.next_band.zh, `${id}: the explanation "${why}", the API "${sc.scorecard.next_band.zh}"`);
    check(why.length > 0, `${id}: an empty explanation`);
  } else {
    check(/最高档/.test(await page.textContent('#next-band')), `${id}: top band not said`);
  }
  if (sc.commission) {
    check(await page.textContent('#commission [data-field=commission]') === fmt.money(sc.commission.commission),
      `${id}: commission`);
    check((await page.$$('#commission tbody tr')).length === sc.commission.tiers.length, `${id}: commission tiers`);
  }
  // the trend: 12 months, each beside its last year; the chart drawn
  check(tr.points.length === 12 && tr.points.every((p) => p.last_year?.kpis), `${id}: trend of ${tr.points.length} points`);
  await waitFor(page, 'the trend chart', () => document.querySelector('#trend-chart canvas'));
  // recent activity and customers: the API's, in its order
  const events = await page.$$eval('#activities li', (lis) => lis.map((li) => li.dataset.event));
  check(JSON.stringify(events) === JSON.stringify(ac.items.map((a) => a.event_id)), `${id}: activity ${events}`);
  const customers = await page.$$eval('#customers tbody tr', (trs) => trs.map((tr) => tr.dataset.customer));
  check(JSON.stringify(customers) === JSON.stringify(cu.items.map((c) => c.id)), `${id}: customers ${customers}`);
  // training of the month shown: the courses as GET /api/v1/training lists them
  const trained = await apiCall('GET', `/api/v1/training?scope=salesperson:${id}&period=${ov.period.key}`);
  await waitFor(page, 'the training card', () => document.getElementById('training'));
  const courses = await page.$$eval('#training tbody tr', (trs) => trs.map((tr) => tr.dataset.event));
  const wantCourses = (trained.salespeople[0]?.courses || []).map((c) => c.event_id);
  check(JSON.stringify(courses) === JSON.stringify(wantCourses), `${id}: training ${courses}, the API ${wantCourses}`);
  if (screenshot) await page.screenshot({ path: `${ARTIFACTS}/${screenshot}`, fullPage: true });
  // in English: the labels and the API's English explanation
  if (sc.scorecard.next_band) {
    await page.click('#lang');
    await waitFor(page, 'the English explanation', (en) => document.querySelector('#next-band [data-field=explanation]')
      ?.textContent === en && document.querySelector('#kpis [data-metric=sales_amount] h3')?.textContent === 'Sales',
    sc.scorecard.next_band.en);
    await page.screenshot({ path: `${ARTIFACTS}/salesperson-en.png`, fullPage: true });
    await page.click('#lang');
    await waitFor(page, 'the Chinese explanation', (zh) => document.querySelector('#next-band [data-field=explanation]')
      ?.textContent === zh, sc.scorecard.next_band.zh);
  }
}

async function checkNarrow(page) {
  step('390 px: no horizontal scroll on the leaderboard and the salesperson page');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(page.url().replace(/(https?:\/\/[^/]+).*/, '$1/leaderboard'));
  await waitFor(page, 'the board at 390 px', () => document.querySelector('#board tbody tr'));
  await noHorizontalScroll(page, 'the leaderboard at 390 px');
  await page.screenshot({ path: `${ARTIFACTS}/leaderboard-390.png`, fullPage: true });
  await page.goto(page.url().replace(/(https?:\/\/[^/]+).*/, `$1/salespeople/${SELF}`));
  await waitFor(page, 'the scorecard at 390 px', () => document.querySelector('#scorecard [data-field=score]'));
  await waitFor(page, 'the trend at 390 px', () => document.querySelector('#trend-chart canvas'));
  await noHorizontalScroll(page, 'the salesperson page at 390 px');
  await page.screenshot({ path: `${ARTIFACTS}/salesperson-390.png`, fullPage: true });
}

async function checkSalesUser() {
  step('a salesperson user: their own page; a colleague\'s page is the 404 view; no leaderboard');
  const { page, problems } = await newPage();
  await signIn(page, env('NQ_SALES_USER'), env('NQ_SALES_PASSWORD'), '/me');
  await waitFor(page, 'their own page', (sp) => document.querySelector('main')?.dataset.salesperson === sp, SELF);
  await waitFor(page, 'their scorecard', () => document.querySelector('#scorecard [data-field=score]'));
  await waitFor(page, 'their own activity', () => document.querySelector('#activities li'));
  check(!(await page.textContent('main')).includes('无权查看'), 'a part of their own page is refused');
  // the header names their team as the org does (the API's team_name), not its id, at both widths
  const teamName = (await apiCall('GET', `/api/v1/teams/${TEAM}`)).name;
  check(teamName && teamName !== TEAM, `the demo team ${TEAM} has no name of its own: ${teamName}`);
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width > 1000 ? 768 : 844 });
    const header = await page.textContent('#person-team');
    check(header === `团队 ${teamName}`, `the salesperson's header at ${width} px says ${header}, not 团队 ${teamName}`);
    await page.screenshot({ path: `${ARTIFACTS}/salesperson-self-${width}.png` });
  }
  await page.setViewportSize({ width: 1366, height: 768 });
  const colleagues = (await apiCall('GET', `/api/v1/teams/${TEAM}`)).members.filter((m) => m !== SELF);
  check(colleagues.length > 0, 'the demo team has no colleague to try');
  await page.goto(page.url().replace(/(https?:\/\/[^/]+).*/, `$1/salespeople/${colleagues[0]}`));
  await waitFor(page, 'the 404 view', () => document.querySelector('[data-view=not-found]'));
  const text = await page.textContent('main');
  check(!text.includes((await apiCall('GET', `/api/v1/salespeople/${colleagues[0]}`)).name),
    'the 404 view names the colleague');
  await page.screenshot({ path: `${ARTIFACTS}/salesperson-404.png`, fullPage: true });
  check(await page.$('.top nav a[href="/leaderboard"]') === null, 'a salesperson is offered the leaderboard');
  check(problems().length === 0, `the salesperson's page reported: ${problems().join('; ')}`);
}

async function main() {
  const { browser, page, problems } = await open();
  await checkToday(page);
  await checkLeaderboard(page);
  await checkSalesperson(page, SELF, 'salesperson.png');
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: `${ARTIFACTS}/readme-salesperson.png` });
  await checkNarrow(page);
  await checkSalesUser();
  check(problems().length === 0, `the page reported: ${problems().join('; ')}`);
  await browser.close();
  console.log('PASS');
}

main().catch((e) => fail(e.message));
