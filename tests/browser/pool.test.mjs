// pool.test.mjs — the console's Public pool page (/pool) and the pool on a customer's page,
// in Debian's chromium against a running suite with the demo seeded (started by
// test_pool_page, the program of test_console). The coordinator of t-east sees their
// team's pool as the API lists it (GET /api/v1/customers?team=t-east&status=pool), not
// another team's, and assigns a customer with a reason; the salesperson claims one and
// is refused the next at the team's claim limit, with the server's reason on the row.
// Every state after an action is read back from the API. Both see names, not ids: the team's
// and previous owners' (the API's team_name / owner_name), and on a pooled customer's page its
// competitor intel card (GET /api/v1/intel?customer=) with each note's reporter by name, at
// 1366 and 390 px. Screenshots: <build>/artifacts/pool/, pool.png among them (docs/img/pool.png).
import { ARTIFACTS, TEAM, URL_BASE, apiCall, bound, check, env, fail, fmt, newPage, noHorizontalScroll, open, signIn,
  step, until, waitFor, walk } from './lib.mjs';

bound(90000);

const SELF = env('NQ_SALESPERSON');
const CLASS = { key: '重点', normal: '普通', potential: '潜在' };
const OTHER_TEAM = 't-pool-west';
const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
const listDone = (page) => waitFor(page, 'the pool list', () => document.getElementById('pool-rows')?.dataset.complete === 'true');
const customer = (id) => apiCall('GET', `/api/v1/customers/${id}`);
const lastReason = (c) => (c.owner_history || []).at(-1)?.reason;

// A customer of `owner` sent to `team`'s pool as the sweep sends it (owner cleared, status
// pool, the reason in its history), or put straight in a pool without an owner before.
async function pooled(id, name, cls, team, owner) {
  await apiCall('PUT', `/api/v1/customers/${id}`, owner ? { name, class: cls, owner_id: owner }
    : { name, class: cls, status: 'pool', pool_team: team });
  if (owner) {
    await apiCall('PATCH', `/api/v1/customers/${id}`, {
      owner_id: null, status: 'pool', pool_team: team, owner_reason: 'pool: not contacted 14 days',
    });
  }
}

// Competitor intel about customer `id` from two salespeople of the team (one pair priced twice,
// another without a price), and one about another customer that must not show.
const INTEL = [
  ['sp-lina', '某竞品', 'A100', '980.50', '对方报价更低，客户在犹豫'],
  ['sp-wangfang', '某竞品', 'A100', '1000.01', '客户拿竞品报价来压价'],
  ['sp-lina', '另一竞品', 'B200', null, '竞品在送试用装'],
];
async function intelOf(id) {
  const now = Date.now();
  const events = [...INTEL.map(([sp, competitor, product, price, text], i) => ({ sp, competitor, product, price, text, customer: id, i })),
    { sp: 'sp-lina', competitor: '某竞品', product: 'A100', price: '1.00', text: '别的客户', customer: 'c-pool-2', i: 9 }];
  for (const e of events) {
    await apiCall('POST', '/api/v1/activities', {
      event_id: `pool-intel-${id}-${e.i}-${now}`, type: 'competitor_intel', salesperson_id: e.sp, customer_id: e.customer,
      occurred_at: now - (10 - e.i) * 60000, competitor: e.competitor, product: e.product, text: e.text, source: 'app',
      ...(e.price ? { price: e.price } : {}),
    });
  }
  await until(`the intel of ${id}`, async () => {
    const a = await apiCall('GET', `/api/v1/intel?customer=${id}&period=year`);
    return a.items.reduce((n, it) => n + it.mentions, 0) >= INTEL.length;
  });
}

async function setup() {
  step('setup: t-east\'s pool (two with earlier owners), another team\'s, a claim limit one above what the salesperson owns');
  await apiCall('PUT', `/api/v1/teams/${OTHER_TEAM}`, { name: '华西测试' });
  await apiCall('PUT', '/api/v1/salespeople/sp-pool-west', { name: '赵磊', team_id: OTHER_TEAM });
  await pooled('c-pool-1', '海天调味食品', 'key', TEAM, 'sp-lina');
  await pooled('c-pool-2', '青岛啤酒经销部', 'normal', TEAM, 'sp-wangfang');
  await pooled('c-pool-3', '龙井茶叶合作社', 'normal', TEAM, null);
  await pooled('c-pool-4', '舟山海产批发', 'normal', TEAM, null);
  await pooled('c-pool-w', '成都火锅底料厂', 'normal', OTHER_TEAM, null);
  const owned = (await walk(`/api/v1/customers?owner=${SELF}&class=normal`)).length;
  const cadence = await apiCall('GET', `/api/v1/teams/${TEAM}/cadence`);
  const kept = Object.fromEntries((cadence.overridden || []).map((k) => [k, cadence[k]]));
  await apiCall('PUT', `/api/v1/teams/${TEAM}/cadence`, { ...kept, normal_claim_limit: owned + 1 });
  await intelOf('c-pool-1');
  const names = Object.fromEntries((await walk('/api/v1/salespeople?include_archived=true')).map((p) => [p.id, p.name]));
  names.team = (await apiCall('GET', `/api/v1/teams/${TEAM}`)).name;
  check(names.team && names.team !== TEAM, `the demo team ${TEAM} has no name of its own: ${names.team}`);
  return names;
}

// The rows on the page against the API's list for the same team.
async function compare(page, names) {
  const want = await walk(`/api/v1/customers?team=${TEAM}&status=pool`);
  const rows = await page.$$eval('#pool-rows tr[data-customer-id]', (trs) => trs.map((tr) => ({
    id: tr.dataset.customerId,
    ...Object.fromEntries([...tr.querySelectorAll('[data-field]')].filter((el) => el.tagName === 'TD')
      .map((td) => [td.dataset.field, td.textContent])),
  })));
  check(JSON.stringify(rows.map((r) => r.id)) === JSON.stringify(want.map((c) => c.id)),
    `pool: the page lists ${rows.map((r) => r.id)}, the API ${want.map((c) => c.id)}`);
  want.forEach((c, i) => {
    const hist = c.owner_history || [];
    const prev = hist.length > 1 ? hist.at(-2).owner_id : '';
    check(!prev || hist.at(-2).owner_name === names[prev], `pool ${c.id}: the API names ${prev} ${hist.at(-2)?.owner_name}, the org ${names[prev]}`);
    const cells = {
      class: CLASS[c.class || 'normal'],
      last_contact: c.last_contact_at ? fmt.time(c.last_contact_at) : '从未联系',
      since: fmt.time(c.since),
      previous: prev ? names[prev] || prev : '—',
    };
    for (const [k, v] of Object.entries(cells)) check(rows[i][k] === v, `pool ${c.id} ${k}: the page shows ${rows[i][k]}, the API ${v}`);
  });
  return want;
}

async function checkCoordinator(page, names) {
  step('coordinator: their team\'s pool as the API lists it, previous owners named, not another team\'s');
  await signIn(page);
  await page.click('.top nav a[href="/pool"]');
  await page.waitForURL('**/pool*');
  await listDone(page);
  const want = await compare(page, names);
  for (const id of ['c-pool-1', 'c-pool-2', 'c-pool-3', 'c-pool-4'])
    check(want.some((c) => c.id === id), `${id} is not in the API's list of t-east's pool`);
  check(!(await page.$('#pool-rows tr[data-customer-id="c-pool-w"]')), 'another team\'s pooled customer is listed');
  const theirs = await page.evaluate(() => fetch('/api/v1/customers/c-pool-w').then((r) => r.status));
  check(theirs === 404, `another team's pooled customer: the coordinator gets ${theirs}`);
  check(await page.textContent('#pool-rows tr[data-customer-id="c-pool-1"] [data-field=previous]') === '李娜',
    'c-pool-1\'s previous owner is not 李娜');
  check(!(await page.$('#pool-rows [data-action=claim]')), 'a coordinator is offered claim');
  await shot(page, 'pool');

  step('coordinator: assign to a salesperson picked by name, with a reason; it leaves the pool');
  const row = '#pool-rows tr[data-customer-id="c-pool-2"]';
  const options = await page.$$eval(`${row} select[data-field=salesperson] option`, (os) => os.map((o) => o.textContent));
  check(options.includes('刘洋'), `the picker does not name 刘洋: ${options}`);
  await page.selectOption(`${row} select[data-field=salesperson]`, 'sp-liuyang');
  await page.fill(`${row} input[data-field=reason]`, '客户要求更换');
  await page.click(`${row} [data-action=assign]`);
  await waitFor(page, 'the assigned row', () => document.querySelector('#pool-rows tr[data-taken="sp-liuyang"]'));
  check((await page.textContent('#pool-rows tr[data-taken="sp-liuyang"]')).includes('刘洋'), 'the assigned row does not name 刘洋');
  const c2 = await customer('c-pool-2');
  check(c2.owner_id === 'sp-liuyang' && c2.status === 'active', `c-pool-2 after assign: ${c2.owner_id} ${c2.status}`);
  check(lastReason(c2) === 'assign: by u-zhoumin: 客户要求更换', `c-pool-2's reason: ${lastReason(c2)}`);
  check(!(await walk(`/api/v1/customers?team=${TEAM}&status=pool`)).some((c) => c.id === 'c-pool-2'), 'c-pool-2 still in the pool list');

  step('customer page: the owner or "in pool", and the owner history with its reasons in words');
  await page.goto(`${URL_BASE}/customers/c-pool-2`);
  await waitFor(page, 'the owner history', () => document.querySelector('#owner-history li'));
  check(await page.textContent('#customer-details [data-field=owner]') === '刘洋', 'c-pool-2\'s owner is not 刘洋 on its page');
  const hist = await page.$$eval('#owner-history li', (lis) => lis.map((li) => li.textContent));
  check(hist[0].includes('刘洋') && hist[0].includes('由 u-zhoumin 分配：客户要求更换'), `newest history entry: ${hist[0]}`);
  check(hist[1].includes('公海') && hist[1].includes('14 天未联系，回到公海'), `the pool's entry: ${hist[1]}`);
  check(hist[2].includes('王芳'), `the first owner: ${hist[2]}`);
  await page.goto(`${URL_BASE}/customers/c-pool-1`);
  await waitFor(page, 'c-pool-1', () => document.querySelector('#customer-details [data-field=owner]'));
  const owner = await page.textContent('#customer-details [data-field=owner]');
  check(owner === `公海（${names.team}）`, `c-pool-1 is shown as ${owner}, not in the pool of ${names.team}`);
  check(!(await page.$('#edit')), 'a coordinator is offered to edit a pooled customer (the API refuses)');
  await checkIntel(page, 'c-pool-1', names, 'customer-intel');
}

// Fen as the card shows money: 98050 -> ¥980.50 (exact, from the integer).
const fenMoney = (fen) => fmt.money(`${Math.trunc(fen / 100)}.${String(Math.abs(fen % 100)).padStart(2, '0')}`);

// The intel card of customer `id` against the API's answer to the signed-in user, at 1366
// and 390 px: pairs in order, mentions, the latest price (from fen), the range, the newest
// notes with the reporter's name (never the id).
async function checkIntel(page, id, names, shotName) {
  step(`customer page: ${id}'s competitor intel card is the API's (GET /api/v1/intel?customer=), names not ids`);
  const done = () => document.querySelector('#intel ul.intel, #intel .empty');
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width > 1000 ? 768 : 844 });
    await page.goto(`${URL_BASE}/customers/${id}`);
    await waitFor(page, 'the intel card', done);
    const want = await page.evaluate((c) => fetch(`/api/v1/intel?customer=${c}&period=year`).then((r) => r.json()), id);
    check(want.customer === id && want.items.length === 2, `the API's intel of ${id}: ${JSON.stringify(want).slice(0, 300)}`);
    const cards = await page.$$eval('#intel ul.intel > li', (lis) => lis.map((li) => ({
      competitor: li.dataset.competitor,
      product: li.dataset.product,
      mentions: li.querySelector('[data-field=mentions]').textContent,
      price: li.querySelector('[data-field=last_price]').textContent,
      text: li.querySelector('.intel-price').textContent,
      notes: [...li.querySelectorAll('[data-field=note]')].map((n) => [n.querySelector('.who').textContent, n.querySelector('.said').textContent]),
    })));
    check(cards.length === want.items.length, `intel ${width} px: ${cards.length} pairs on the page, ${want.items.length} in the API`);
    want.items.forEach((it, i) => {
      const c = cards[i];
      check(c.competitor === it.competitor && c.product === it.product, `intel ${width} px pair ${i}: ${c.competitor}/${c.product}, the API ${it.competitor}/${it.product}`);
      check(c.mentions === `提及 ${it.mentions} 次`, `intel ${width} px ${it.product} mentions: ${c.mentions}, the API ${it.mentions}`);
      const price = it.price ? fenMoney(it.price.last.price_fen) : '没有报价';
      check(c.price === price, `intel ${width} px ${it.product} latest price: ${c.price}, the API ${price}`);
      if (it.price) {
        const range = `${it.price.observations} 次报价，${fenMoney(it.price.min_fen)}–${fenMoney(it.price.max_fen)}`;
        check(c.text.includes(range) && c.text.includes(fmt.time(it.price.last.at)), `intel ${width} px ${it.product}: ${c.text}, not ${range}`);
      }
      const notes = it.notes.slice(0, 3).map((n) => [names[n.salesperson_id], n.text]);
      check(JSON.stringify(c.notes) === JSON.stringify(notes), `intel ${width} px ${it.product} notes: ${JSON.stringify(c.notes)}, the API ${JSON.stringify(notes)}`);
      check(it.notes.every((n) => n.salesperson_name === names[n.salesperson_id]), `the API does not name ${it.product}'s reporters`);
    });
    // the numbers this test posted: A100 twice (¥980.50 then ¥1,000.01), B200 once without price
    check(cards[0].product === 'A100' && cards[0].price === '¥1,000.01' && cards[1].price === '没有报价',
      `intel ${width} px: ${JSON.stringify(cards)}`);
    check(!(await page.textContent('#intel')).includes('别的客户'), 'another customer\'s intel is on the card');
    // the timeline beside it names the reporters too (the API's salesperson_name)
    await waitFor(page, 'the timeline', () => document.getElementById('timeline')?.dataset.complete === 'true');
    const whos = await page.$$eval('#timeline li .who', (els) => els.map((el) => el.textContent));
    check(whos.length >= INTEL.length && whos.every((w) => Object.values(names).includes(w)), `timeline reporters at ${width} px: ${whos}`);
    await noHorizontalScroll(page, `/customers/${id} at ${width} px`);
    await shot(page, `${shotName}-${width}`);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
}

async function checkSalesperson(names) {
  step('salesperson: their team\'s pool; a claim; the next refused at the limit with the server\'s reason');
  const { page } = await newPage();
  await signIn(page, env('NQ_SALES_USER'), env('NQ_SALES_PASSWORD'), '/me');
  await page.goto(`${URL_BASE}/pool`);
  await listDone(page);
  // previous owners and the team by name, as the coordinator sees them (the API names them)
  await compare(page, names);
  const poolNote = await page.textContent('#pool-note');
  check(poolNote.includes(names.team) && !poolNote.includes(TEAM), `the salesperson's pool note: ${poolNote}`);
  check(await page.textContent('#pool-rows tr[data-customer-id="c-pool-1"] [data-field=previous]') === '李娜',
    'the salesperson does not see c-pool-1\'s previous owner as 李娜');
  check(!(await page.$('#pool-rows [data-action=assign]')), 'a salesperson is offered assign');
  await page.click('#pool-rows tr[data-customer-id="c-pool-3"] [data-action=claim]');
  await waitFor(page, 'the claimed row', (sp) => document.querySelector(`#pool-rows tr[data-taken="${sp}"]`), SELF);
  const c3 = await customer('c-pool-3');
  check(c3.owner_id === SELF && lastReason(c3) === 'claim', `c-pool-3 after the claim: ${c3.owner_id} ${lastReason(c3)}`);
  await page.click('#pool-rows tr[data-customer-id="c-pool-4"] [data-action=claim]');
  const refused = '#pool-rows tr[data-customer-id="c-pool-4"] [role=alert]';
  await waitFor(page, 'the refusal', (sel) => document.querySelector(sel), refused);
  const text = await page.textContent(refused);
  const code = await page.getAttribute(refused, 'data-refused');
  check(code === 'limit', `the refusal is not the claim limit: ${code}: ${text}`);
  check(text.includes('团队上限') && /limit[:：]/.test(text), `the refusal does not say why: ${text}`);
  check((await customer('c-pool-4')).status === 'pool', 'c-pool-4 left the pool');
  await shot(page, 'pool-refused');
  await checkIntel(page, 'c-pool-1', names, 'customer-intel-salesperson');

  step('390 px: no horizontal scroll on the pool');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${URL_BASE}/pool`);
  await listDone(page);
  await noHorizontalScroll(page, '/pool as a salesperson');
  await shot(page, 'pool-390');
}

async function main() {
  const { browser, page, problems } = await open();
  const names = await setup();
  await checkCoordinator(page, names);
  await checkSalesperson(names);
  step('English: the pool page\'s labels');
  await page.goto(`${URL_BASE}/pool`);
  await listDone(page);
  await page.click('#lang');
  await waitFor(page, 'English labels', () => document.querySelector('main h1')?.textContent === 'Public pool'
    && document.querySelector('.top nav a[href="/pool"]')?.textContent === 'Pool');
  const heads = await page.$$eval('#pool-table th', (ths) => ths.map((th) => th.textContent));
  check(heads.includes('In the pool since') && heads.includes('Previous owner'), `English headings: ${heads}`);
  await page.click('#lang');
  await waitFor(page, 'Chinese labels', () => document.querySelector('main h1')?.textContent === '公海');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${URL_BASE}/pool`);
  await listDone(page);
  await noHorizontalScroll(page, '/pool as a coordinator');
  await shot(page, 'pool-coordinator-390');
  check(problems().length === 0, `the page reported: ${problems().join('; ')}`);
  await browser.close();
  console.log('PASS');
}

main().catch((e) => fail(e.message));
