// plans.test.mjs — the Plans page in Debian's chromium against a running suite with the
// demo seeded; started by test_plans_page (test_console.c). The coordinator (who reads plans
// but may not write them) edits a weight in the draft and simulates: every figure of the
// side-by-side table is the simulation API's answer for the same draft, and no Publish
// is offered. A manager publishes the draft: the scorecard API lists the new version
// with the new weights, and the commission plan, unchanged, gets none. A salesperson is
// told plans are a team's. English labels, 390 px without horizontal scroll.
//
// Environment (besides lib.mjs's): NQ_USER / NQ_PASSWORD (the demo coordinator), NQ_TEAM,
// NQ_SALES_USER / NQ_SALES_PASSWORD, NQ_MANAGER_USER / NQ_MANAGER_PASSWORD.
// Screenshots to NQ_ARTIFACTS.
import { ARTIFACTS, TEAM, WAIT_MS, apiCall, bound, check, env, fail, fmt, newPage, noHorizontalScroll, open, signIn,
  step, waitFor } from './lib.mjs';

bound(90000);
const SC_PATH = `/api/v1/teams/${TEAM}/scorecard`;
const CM_PATH = `/api/v1/teams/${TEAM}/commission-plan`;

const none = '—';
const scoreText = (x) => (x ? String(x.score) : none);
const bandText = (x) => (x ? x.band ?? '未达档' : none);
const moneyText = (x) => (x ? fmt.money(x.commission) : none);
const scoreDiff = (d) => (d === null || d === undefined ? none : `${d > 0 ? '+' : ''}${d}`);
const moneyDiff = (d) => (d === null || d === undefined ? none : `${!d.startsWith('-') && /[1-9]/.test(d) ? '+' : ''}${fmt.money(d)}`);

// The newest version of a plan as the API lists it.
const newest = (answer) => [...answer.versions].sort((a, b) => b.version - a.version)[0];

// Opens Plans from the header and waits for the team's live plans.
async function openPlans(page) {
  await page.click('header nav a[href="/plans"]');
  await page.waitForURL('**/plans', { timeout: WAIT_MS });
  await waitFor(page, 'the live scorecard', () => document.getElementById('live-scorecard') && document.getElementById('draft-metrics'));
}

// Sets the first metric's weight to `a` and the third's to `b` in the draft (the sum stays 1).
async function editWeights(page, a, b) {
  const rows = await page.$$('#draft-metrics tr.sc-metric');
  check(rows.length >= 3, `the draft has ${rows.length} metric rows`);
  await (await rows[0].$('[data-field=weight]')).fill(String(a));
  await (await rows[2].$('[data-field=weight]')).fill(String(b));
}

// The page's simulation: the draft it sent and the table it shows, against the API's
// answer for that same draft now.
async function checkSimulation(page, want) {
  const sent = page.waitForRequest((r) => r.url().includes(`/api/v1/teams/${TEAM}/simulations`), { timeout: WAIT_MS });
  await page.click('#simulate');
  const draft = (await sent).postDataJSON();
  const weights = draft.scorecard.metrics.map((m) => m.weight);
  check(JSON.stringify(weights) === JSON.stringify(want), `the draft sent has weights ${weights}, want ${want}`);
  await waitFor(page, 'the simulation table', () => document.querySelector('#sim-table tbody tr'));
  const api = await apiCall('POST', `/api/v1/teams/${TEAM}/simulations?period=month`, draft);
  check(api.salespeople.length > 0, 'the simulation lists nobody');
  const shown = await page.$$eval('#sim-table tbody tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.salesperson,
    cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.textContent])),
  })));
  check(shown.length === api.salespeople.length, `the page shows ${shown.length} people, the API ${api.salespeople.length}`);
  let changed = 0;
  for (const [i, p] of api.salespeople.entries()) {
    const sc = p.scorecard;
    const cm = p.commission;
    const expect = {
      'live-score': scoreText(sc.live), 'draft-score': scoreText(sc.draft), 'score-diff': scoreDiff(sc.difference),
      'live-band': bandText(sc.live), 'draft-band': bandText(sc.draft),
      'live-commission': moneyText(cm.live), 'draft-commission': moneyText(cm.draft), 'commission-diff': moneyDiff(cm.difference),
    };
    check(shown[i].id === p.salesperson_id, `row ${i}: the page shows ${shown[i].id}, the API ${p.salesperson_id}`);
    for (const [col, text] of Object.entries(expect)) {
      check(shown[i].cells[col] === text, `${p.salesperson_id} ${col}: the page shows "${shown[i].cells[col]}", the API's is "${text}"`);
    }
    if (sc.difference !== 0) changed++;
  }
  check(changed > 0, 'the changed weights moved nobody\'s score: the test draft proves nothing');
  return draft;
}

async function run() {
  const { page, problems } = await open();
  const scBefore = await apiCall('GET', SC_PATH);
  const cmBefore = await apiCall('GET', CM_PATH);
  const live = newest(scBefore);
  check(live && live.metrics.length >= 3, `the demo scorecard: ${JSON.stringify(scBefore)}`);
  const liveWeights = live.metrics.map((m) => m.weight);
  const want = [...liveWeights];
  want[0] = Math.round((liveWeights[0] + 0.1) * 10) / 10;
  want[2] = Math.round((liveWeights[2] - 0.1) * 10) / 10;

  step('coordinator: the live plans and versions are the API\'s; the draft starts from them');
  await signIn(page);
  await openPlans(page);
  check(await page.getAttribute('#live-scorecard', 'data-version') === String(live.version), 'the live scorecard is not the API\'s version');
  const liveMetrics = await page.$$eval('#live-metrics tbody tr', (trs) => trs.map((tr) => tr.dataset.metric));
  check(JSON.stringify(liveMetrics) === JSON.stringify(live.metrics.map((m) => m.metric)), `live metrics: ${liveMetrics}`);
  const weightsShown = await page.$$eval('#live-metrics tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
  check(JSON.stringify(weightsShown) === JSON.stringify(liveWeights.map(fmt.percent)), `live weights shown: ${weightsShown}`);
  const versionsShown = await page.$$eval('#versions-scorecard tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.version)));
  check(versionsShown.length === scBefore.versions.length, `versions: the page lists ${versionsShown}, the API ${scBefore.versions.length}`);
  check(await page.$('#publish') === null, 'a coordinator is offered Publish');
  await page.screenshot({ path: `${ARTIFACTS}/plans.png`, fullPage: true });

  step('coordinator: a changed weight, simulated: live vs draft per salesperson equal the API\'s');
  await editWeights(page, want[0], want[2]);
  await checkSimulation(page, want);
  await page.screenshot({ path: `${ARTIFACTS}/plans-simulated.png`, fullPage: true });

  step('coordinator: a bad draft shows the API\'s field error');
  await (await page.$('#draft-metrics tr.sc-metric [data-field=weight]')).fill('0.9');
  await page.click('#simulate');
  await waitFor(page, 'the weights error', () => /metrics/.test(document.getElementById('plan-errors')?.textContent || ''));

  step('English; 390 px without horizontal scroll');
  await page.click('#lang');
  await waitFor(page, 'English labels', () => document.querySelector('main h1')?.textContent === 'Plans');
  await page.setViewportSize({ width: 390, height: 844 });
  await waitFor(page, 'the draft in English', () => document.getElementById('simulate')?.textContent === 'Simulate');
  await noHorizontalScroll(page, 'plans at 390 px');
  await page.screenshot({ path: `${ARTIFACTS}/plans-390.png`, fullPage: true });
  await page.click('#lang');

  step('manager: publish the draft; the scorecard API lists the new version, the commission plan none');
  const mgr = (await newPage()).page;
  await signIn(mgr, env('NQ_MANAGER_USER'), env('NQ_MANAGER_PASSWORD'), '/today');
  await openPlans(mgr);
  if (await mgr.$('select#team')) {
    await mgr.selectOption('select#team', TEAM);
    await waitFor(mgr, 'the team\'s plans', (team) => document.querySelector('main')?.dataset.team === team, TEAM);
  }
  await editWeights(mgr, want[0], want[2]);
  const draft = await checkSimulation(mgr, want);
  await mgr.click('#publish');
  await waitFor(mgr, 'the published note', () => document.getElementById('published')?.textContent);
  const scAfter = await apiCall('GET', SC_PATH);
  const cmAfter = await apiCall('GET', CM_PATH);
  check(scAfter.versions.length === scBefore.versions.length + 1, `scorecard versions ${scBefore.versions.length} -> ${scAfter.versions.length}`);
  check(cmAfter.versions.length === cmBefore.versions.length, 'publishing an unchanged commission plan stored a version');
  const stored = newest(scAfter);
  check(JSON.stringify(stored.metrics.map((m) => m.weight)) === JSON.stringify(want), `the stored weights: ${JSON.stringify(stored.metrics)}`);
  check(stored.effective_from === draft.scorecard.effective_from, `stored effective_from ${stored.effective_from}`);
  await waitFor(mgr, 'the new version in force on the page', (v) => document.getElementById('live-scorecard')?.dataset.version === v,
    String(stored.version));
  const listed = await mgr.$$eval('#versions-scorecard tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.version)));
  check(listed[0] === stored.version && listed.length === scAfter.versions.length, `versions listed: ${listed}`);
  await mgr.screenshot({ path: `${ARTIFACTS}/plans-published.png`, fullPage: true });

  step('salesperson: no Plans link; the page says plans are a team\'s');
  const sp = (await newPage()).page;
  await signIn(sp, env('NQ_SALES_USER'), env('NQ_SALES_PASSWORD'), '/me');
  check(await sp.$('header nav a[href="/plans"]') === null, 'a salesperson is offered Plans');
  await sp.goto(`${env('NQ_URL')}/plans`);
  await waitFor(sp, 'the not-yours note', () => document.getElementById('plans-not-yours'));
  check(await sp.$('#publish') === null && await sp.$('#draft-metrics') === null, 'a salesperson sees the draft');

  check(problems().length === 0, `script or CSP problems: ${problems().join('; ')}`);
  console.log('plans: ok');
  process.exit(0);
}

run().catch((e) => fail(e.stack || e.message));
