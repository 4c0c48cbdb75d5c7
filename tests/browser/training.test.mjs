// training.test.mjs — the console's Required courses page (/training) in Debian's chromium
// against a running suite with the demo seeded (started by test_training_page, the program
// of test_console). The company requires 安全生产; two salespeople of the team take courses
// this month (one both 安全生产 and 产品知识, one only 安全生产). A manager adds 产品知识 to
// the team's list on the page: the API reads it back, and every member's done and missing
// courses and the team's completion on the page are the API's (GET /api/v1/training). The
// coordinator sees the same figures and no editor (writing rules is a manager's). English
// labels; 390 px without horizontal scroll. Screenshots: <build>/artifacts/training/.
import { ARTIFACTS, TEAM, URL_BASE, apiCall, bound, check, env, fail, newPage, noHorizontalScroll, open, signIn,
  step, until, waitFor } from './lib.mjs';

bound(90000);

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
const list = (names) => (names?.length ? names.join('、') : '—');
const pct = (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`);

// This month in Asia/Shanghai, as the API names it.
function thisMonth() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 7);
}
const PERIOD = thisMonth();
const answer = () => apiCall('GET', `/api/v1/training?scope=team:${TEAM}&period=${PERIOD}`);

async function setup() {
  step('the company requires 安全生产; two members take courses this month');
  await apiCall('PUT', '/api/v1/training/required', { courses: ['安全生产'] });
  await apiCall('PUT', `/api/v1/teams/${TEAM}/training/required`, { courses: [] });
  const people = (await apiCall('GET', `/api/v1/salespeople?team=${TEAM}&limit=500`)).items.map((p) => p.id);
  check(people.length >= 2, `team ${TEAM} has ${people.length} salespeople`);
  const [a, b] = people;
  const now = Date.now();
  const course = (n, sp, name) => ({
    event_id: `browser-train-${now}-${n}`, type: 'training', salesperson_id: sp, occurred_at: now - n * 1000,
    course: name, score: 90, source: 'lms',
  });
  await apiCall('POST', '/api/v1/activities', [course(1, a, '安全生产'), course(2, a, '产品知识'), course(3, b, '安全生产')]);
  await until('the courses in the training read', async () => {
    const j = await answer();
    const done = (id) => j.salespeople.find((p) => p.salesperson_id === id)?.required?.done || [];
    return done(a).includes('安全生产') && done(b).includes('安全生产');
  });
  return { a, b };
}

// The page's table and summary against the API's answer now.
async function checkAgainstApi(page, ctx) {
  const api = await answer();
  await waitFor(page, `the table (${ctx})`, (n) => document.querySelectorAll('#training-table tbody tr').length === n,
    api.salespeople.length);
  const rows = await page.$$eval('#training-table tbody tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.salesperson,
    done: tr.querySelector('[data-field=done]').textContent,
    missing: tr.querySelector('[data-field=missing]').textContent,
  })));
  for (const p of api.salespeople) {
    const row = rows.find((r) => r.id === p.salesperson_id);
    check(row, `${ctx}: ${p.salesperson_id} not on the page`);
    check(row.done === list(p.required.done) && row.missing === list(p.required.missing),
      `${ctx}: ${p.salesperson_id} shows done ${row.done} / missing ${row.missing}, the API ${JSON.stringify(p.required)}`);
  }
  const req = await page.$eval('#training-required', (e) => e.textContent);
  check(req === list(api.required_courses), `${ctx}: required ${req}, the API ${api.required_courses}`);
  const comp = await page.$eval('#training-completion', (e) => e.textContent);
  check(comp.includes(pct(api.required_completion)) && comp.includes(`${api.required_completed} / ${api.members}`),
    `${ctx}: completion "${comp}", the API ${api.required_completed} of ${api.members}: ${api.required_completion}`);
  return api;
}

async function checkManager({ a, b }) {
  step('a manager adds 产品知识 to the team\'s list on the page');
  const { page } = await newPage();
  await signIn(page, env('NQ_MANAGER_USER'), env('NQ_MANAGER_PASSWORD'));
  await page.goto(`${URL_BASE}/training?team=${TEAM}`);
  await waitFor(page, 'the editor', () => document.getElementById('required-courses'));
  const company = await page.$eval('#required-company', (e) => e.textContent);
  check(company === '安全生产', `the company's list shows ${company}`);
  await page.fill('#required-courses', '产品知识\n');
  await page.click('#required-save');
  await until('the team list read back', async () => {
    const own = await apiCall('GET', `/api/v1/teams/${TEAM}/training/required`);
    return JSON.stringify(own.courses) === JSON.stringify(['产品知识']);
  });
  await waitFor(page, 'both courses required', () => document.getElementById('training-required')?.textContent === '安全生产、产品知识');
  const api = await checkAgainstApi(page, 'manager');
  const of = (id) => api.salespeople.find((p) => p.salesperson_id === id).required;
  check(of(a).missing.length === 0 && of(b).missing.includes('产品知识'), `a did both, b misses 产品知识: ${JSON.stringify(api)}`);
  await shot(page, 'training-manager');
  await page.context().close();
}

async function main() {
  const { browser, page, problems } = await open();
  const people = await setup();
  await checkManager(people);

  step('the coordinator: the same figures, no editor');
  await signIn(page);
  await page.click('header nav a[href="/training"]');
  await page.waitForURL('**/training', { timeout: 8000 });
  await waitFor(page, 'the table', () => document.querySelector('#training-table tbody tr'));
  await checkAgainstApi(page, 'coordinator');
  check(await page.$('#required-courses') === null, 'the coordinator is offered the editor');
  check(await page.$('#required-who') !== null, 'the coordinator is not told who sets the courses');
  await shot(page, 'training');

  step('English labels');
  await page.click('#lang');
  await waitFor(page, 'English labels', () => document.querySelector('main h1')?.textContent === 'Required courses');
  const heads = await page.$$eval('#training-table th', (ths) => ths.map((th) => th.textContent));
  check(heads.includes('Done') && heads.includes('Missing'), `English headings: ${heads}`);
  await shot(page, 'training-en');
  await page.click('#lang');
  await waitFor(page, 'Chinese labels', () => document.querySelector('main h1')?.textContent === '必修课程');

  step('390 px: no horizontal scroll');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${URL_BASE}/training`);
  await waitFor(page, 'the table', () => document.querySelector('#training-table tbody tr'));
  await noHorizontalScroll(page, '/training');
  await shot(page, 'training-390');
  check(problems().length === 0, `the page reported: ${problems().join('; ')}`);
  await browser.close();
  console.log('PASS');
}

main().catch((e) => fail(e.message));
