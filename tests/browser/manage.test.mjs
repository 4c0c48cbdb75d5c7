// manage.test.mjs — the console's Customers, Alerts center and Targets pages in Debian's
// chromium against a running suite (started by test_manage, the program of test_console:
// the suite, the demo, the coordinator u-zhoumin of t-east). Each list is compared with
// the API's answer to the same filter, each action with the API's state after it.
// Screenshots: <build>/artifacts/manage/. Exit 0 when every check passed.
import {
  ARTIFACTS, TEAM, URL_BASE, apiCall, check, fail, fmt, noHorizontalScroll, open, signIn, step, until,
  waitFor, walk, walkAsPage,
} from './lib.mjs';

const RUN_MS = 90000;
setTimeout(() => fail(`the run took over ${RUN_MS} ms`), RUN_MS).unref();

const CLASS = { key: '重点', normal: '普通', potential: '潜在' };
const STATUS = { active: '活跃', dormant: '休眠', lost: '流失', pool: '公海' };
const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
const listDone = (page, id) => waitFor(page, `the list #${id}`, (x) => document.getElementById(x)?.dataset.complete === 'true', id);
const go = async (page, href) => { await page.click(`.top nav a[href="${href}"]`); await page.waitForURL(`**${href}`); };

// ---- customers ---------------------------------------------------------------------------

async function compareCustomers(page, query, names) {
  const want = await walkAsPage(page, `/api/v1/customers?${query}`);
  const rows = await page.$$eval('#customer-rows tr[data-customer-id]', (trs) => trs.map((tr) => ({
    id: tr.dataset.customerId,
    ...Object.fromEntries([...tr.querySelectorAll('[data-field]')].map((td) => [td.dataset.field, td.textContent])),
  })));
  check(JSON.stringify(rows.map((r) => r.id)) === JSON.stringify(want.map((c) => c.id)),
    `customers ?${query}: the page lists ${rows.map((r) => r.id)}, the API ${want.map((c) => c.id)}`);
  want.forEach((c, i) => {
    const r = rows[i];
    const cells = {
      class: CLASS[c.class], owner: c.owner_id ? names[c.owner_id] : '公海', status: STATUS[c.status || 'active'],
      last_contact: c.last_contact_at ? fmt.time(c.last_contact_at) : '从未联系',
    };
    for (const [k, v] of Object.entries(cells)) check(r[k] === v, `customer ${c.id} ${k}: the page shows ${r[k]}, the API ${v}`);
    check(c.followup_due_at ? r.due.startsWith(fmt.time(c.followup_due_at)) : r.due === '不安排跟进',
      `customer ${c.id} follow-up: the page shows ${r.due}, the API ${c.followup_due_at}`);
  });
  return { rows, want };
}

async function checkCustomers(page) {
  step('customers: the list is the API\'s for a filter; the overdue filter');
  // 10 days: past a key customer's 7-day cadence, short of its 14-day pool period
  const since = new Date(Date.now() - 10 * 86400000).toISOString().slice(0, 10);
  await apiCall('PUT', '/api/v1/customers/c-test-overdue', {
    name: '测试逾期贸易有限公司', class: 'key', owner_id: 'sp-lina', since,
  });
  await until('c-test-overdue overdue in the API',
    async () => (await walk('/api/v1/customers?overdue=followup')).some((c) => c.id === 'c-test-overdue'));
  const names = Object.fromEntries((await walk(`/api/v1/salespeople?team=${TEAM}`)).map((p) => [p.id, p.name]));

  await go(page, '/customers');
  await listDone(page, 'customer-rows');
  const all = await compareCustomers(page, '', names);
  check(all.want.length >= 9, `the coordinator sees ${all.want.length} customers, the demo has 8 and the test 1`);
  await page.selectOption('#f-class', 'key');
  await listDone(page, 'customer-rows');
  check(new URL(page.url()).search === '?class=key', `the filter is not in the address: ${page.url()}`);
  const key = await compareCustomers(page, 'class=key', names);
  check(key.want.length > 0 && key.want.every((c) => c.class === 'key'), 'class=key: the API answered other classes');
  const admin = await walk(`/api/v1/customers?class=key&team=${TEAM}`);
  check(JSON.stringify(admin.map((c) => c.id)) === JSON.stringify(key.want.map((c) => c.id)),
    'the coordinator\'s key customers are not the team\'s');
  await shot(page, 'customers');

  await page.selectOption('#f-class', '');
  await page.check('#f-overdue');
  await listDone(page, 'customer-rows');
  const overdue = await compareCustomers(page, 'overdue=followup', names);
  check(overdue.rows.some((r) => r.id === 'c-test-overdue'), 'the overdue customer is not listed under the overdue filter');
  check(overdue.rows.every((r) => r.due.includes('逾期')), 'an overdue row is not marked overdue');
  await shot(page, 'customers-overdue');

  await page.selectOption('#f-owner', 'sp-wangfang');
  await listDone(page, 'customer-rows');
  const none = await compareCustomers(page, 'owner=sp-wangfang&overdue=followup', names);
  if (!none.want.length) {
    const text = await page.textContent('#customer-rows');
    check(/没有跟进逾期/.test(text), `an empty overdue list says: ${text}`);
  }
}

async function checkCustomer(page) {
  step('customer page: details, timeline as the API\'s, an edit by PATCH, owner history');
  const id = 'c-hz-jinda';
  await page.goto(`${URL_BASE}/customers`);
  await listDone(page, 'customer-rows');
  await page.click(`#customer-rows tr[data-customer-id="${id}"] a`);
  await waitFor(page, 'the customer page', (x) => document.getElementById('customer-name')?.dataset.customerId === x, id);
  await listDone(page, 'timeline').catch(() => {});
  await waitFor(page, 'the timeline', () => document.querySelector('#timeline li'));
  const first = await apiCall('GET', `/api/v1/customers/${id}/timeline?limit=20`);
  const shown = await page.$$eval('#timeline li[data-event-id]', (lis) => lis.map((li) =>
    [li.dataset.eventId, li.querySelector('[data-field=amount]')?.textContent ?? null]));
  check(JSON.stringify(shown.slice(0, first.items.length)) === JSON.stringify(first.items.map((e) =>
    [e.event_id, e.amount === undefined ? null : fmt.money(e.amount)])),
  `timeline: the page shows ${JSON.stringify(shown)}, the API ${JSON.stringify(first.items.map((e) => e.event_id))}`);
  await page.click('[data-view=orders]');
  await listDone(page, 'timeline');
  const orders = await walk(`/api/v1/customers/${id}/timeline?types=order,order_fulfilled,order_cancelled,return&limit=20`);
  const orderIds = await page.$$eval('#timeline li[data-event-id]', (lis) => lis.map((li) => li.dataset.eventId));
  check(JSON.stringify(orderIds) === JSON.stringify(orders.map((e) => e.event_id)), 'the orders tab is not the API\'s orders');

  await page.click('#edit');
  await page.fill('#customer-edit [name=credit_limit]', '12.345');
  await page.click('#customer-edit [type=submit]');
  await waitFor(page, 'the field error', () => document.querySelector('#edit-errors [data-field=credit_limit]'));
  await page.fill('#customer-edit [name=credit_limit]', '500000');
  await page.fill('#customer-edit [name=region]', '华东');
  await page.fill('#customer-edit [name=tags]', 'vip, 老客户');
  await page.selectOption('#customer-edit [name=owner_id]', 'sp-lina');
  await page.fill('#customer-edit [name=owner_reason]', '张伟调岗');
  await page.click('#customer-edit [type=submit]');
  await waitFor(page, 'saved', () => document.getElementById('saved'));
  const c = await apiCall('GET', `/api/v1/customers/${id}`);
  check(c.region === '华东' && c.credit_limit === '500000.00' && JSON.stringify(c.tags) === '["vip","老客户"]'
    && c.owner_id === 'sp-lina', `after the edit the API has ${JSON.stringify(c)}`);
  const last = c.owner_history.at(-1);
  check(last.owner_id === 'sp-lina' && last.reason === '张伟调岗', `owner history: ${JSON.stringify(c.owner_history)}`);
  check(await page.textContent('#customer-details [data-field=credit_limit]') === '¥500,000.00', 'the credit limit shown');
  check((await page.textContent('#owner-history li')).includes('李娜'), 'the newest owner is not first in the history');
  await shot(page, 'customer');

  // Emptied fields are cleared (sent as null), the others kept.
  await page.click('#edit');
  await page.fill('#customer-edit [name=region]', '');
  await page.fill('#customer-edit [name=credit_limit]', '');
  await page.click('#customer-edit [type=submit]');
  const cleared = await until('the region and credit limit cleared', async () => {
    const x = await apiCall('GET', `/api/v1/customers/${id}`);
    return x.region === undefined && x.credit_limit === undefined && x;
  });
  check(cleared.owner_id === 'sp-lina' && cleared.tags.length === 2, `clearing changed more: ${JSON.stringify(cleared)}`);
  await waitFor(page, 'the cleared region shown', () => document.querySelector('#customer-details [data-field=region]')?.textContent === '—');

  // Another team's customer: the API answers the coordinator 404, the page says so.
  await apiCall('PUT', '/api/v1/teams/t-west', { name: '华西组' });
  await apiCall('PUT', '/api/v1/salespeople/sp-west', { name: '西区业务员', team_id: 't-west' });
  await apiCall('PUT', '/api/v1/customers/c-west', { name: '成都西部商贸有限公司', class: 'key', owner_id: 'sp-west' });
  await page.goto(`${URL_BASE}/customers/c-west`);
  await waitFor(page, 'the not-found view', () => /没有这个客户/.test(document.getElementById('not-found')?.textContent));
  const listed = await walkAsPage(page, '/api/v1/customers');
  check(!listed.some((c) => c.id === 'c-west'), 'the coordinator\'s list holds another team\'s customer');
}

// ---- alerts center -----------------------------------------------------------------------

async function bigOrder(tag, salesperson, customer, amount) {
  const eventId = `mg-${tag}-${Date.now()}`;
  await apiCall('POST', '/api/v1/activities', {
    event_id: eventId, type: 'order', salesperson_id: salesperson, customer_id: customer,
    occurred_at: Date.now(), amount, source: 'erp',
  });
  return until(`the alert of ${eventId}`,
    async () => (await walk('/api/v1/alerts?rule=big_order')).find((a) => a.event_id === eventId)?.id);
}

async function compareAlerts(page, query) {
  await listDone(page, 'alert-list');
  const want = await walkAsPage(page, `/api/v1/alerts?${query}`);
  const ids = await page.$$eval('#alert-list li[data-alert-id]', (lis) => lis.map((li) => [li.dataset.alertId, li.dataset.state]));
  check(JSON.stringify(ids) === JSON.stringify(want.map((a) => [a.id, a.state])),
    `alerts ?${query}: the page lists ${JSON.stringify(ids)}, the API ${JSON.stringify(want.map((a) => [a.id, a.state]))}`);
}

async function checkAlerts(page) {
  step('alerts center: the list is the API\'s; acknowledge, assign, resolve with a comment change the API\'s state');
  const a = await bigOrder('ack', 'sp-zhangwei', 'c-hz-jinda', '88000.00');
  const b = await bigOrder('res', 'sp-lina', 'c-sh-huaxin', '99000.50');
  await go(page, '/alerts');
  await compareAlerts(page, '');
  await page.selectOption('#f-state', 'open');
  await compareAlerts(page, 'state=open');
  await page.selectOption('#f-rule', 'big_order');
  await compareAlerts(page, 'state=open&rule=big_order');
  const row = (id) => `#alert-list li[data-alert-id="${id}"]`;

  await page.click(`${row(a)} [data-action=ack]`);
  await waitFor(page, 'acknowledged', (s) => document.querySelector(s)?.dataset.state === 'acknowledged', row(a));
  check((await apiCall('GET', `/api/v1/alerts/${a}`)).state === 'acknowledged', 'the API does not say acknowledged');
  await page.selectOption(`${row(a)} select.assignee`, 'u-zhoumin');
  await page.click(`${row(a)} [data-action=assign]`);
  await waitFor(page, 'assigned', (s) => document.querySelector(`${s} [data-field=assignee]`), row(a));
  check((await apiCall('GET', `/api/v1/alerts/${a}`)).assignee === 'u-zhoumin', 'the API does not say assigned');

  await page.fill(`${row(b)} .comment-text`, '已电话确认，客户追加订单');
  await page.click(`${row(b)} [data-action=resolve]`);
  await waitFor(page, 'resolved', (s) => document.querySelector(s)?.dataset.state === 'resolved', row(b));
  const rb = await apiCall('GET', `/api/v1/alerts/${b}`);
  check(rb.state === 'resolved' && rb.comments?.some((c) => c.text === '已电话确认，客户追加订单'),
    `the API has ${JSON.stringify(rb)} after Resolve with a comment`);
  check(await page.$(`${row(b)} [data-action=ack]`) === null, 'a resolved alert still offers Acknowledge');
  await shot(page, 'alerts');

  // Live: a new big order's alert comes first without a reload; a change made elsewhere shows.
  await waitFor(page, 'the alert stream', () => document.getElementById('feed-status')?.dataset.state === 'live');
  await page.evaluate(() => { window.__nqNoReload = true; });
  const c = await bigOrder('live', 'sp-wangfang', 'c-nj-yuantong', '77000.00');
  await waitFor(page, 'the new alert first', (id) => document.querySelector('#alert-list > li')?.dataset.alertId === id, c);
  await apiCall('POST', `/api/v1/alerts/${c}/ack`, { comment: 'via the API' });
  await waitFor(page, 'the change seen live', (s) => document.querySelector(s)?.dataset.state === 'acknowledged', row(c));
  check(await page.evaluate(() => window.__nqNoReload === true), 'the alerts center reloaded');

  await page.selectOption('#f-state', 'resolved');
  await compareAlerts(page, 'state=resolved&rule=big_order');
  check(await page.$(row(b)) !== null, 'the resolved alert is not under state=resolved');
  await page.selectOption('#f-salesperson', 'sp-zhangwei');
  await compareAlerts(page, 'state=resolved&rule=big_order&salesperson=sp-zhangwei');
}

// ---- targets -----------------------------------------------------------------------------

async function compareProposal(page, answer) {
  await waitFor(page, 'the proposal', (c) => document.getElementById('proposal-table')?.dataset.confirmed === c,
    String(answer.confirmed));
  const shown = await page.$$eval('#proposal-table tr[data-salesperson]', (trs) => Object.fromEntries(trs.map((tr) =>
    [tr.dataset.salesperson, Object.fromEntries([...tr.querySelectorAll('[data-metric]')].map((td) => [td.dataset.metric, td.textContent]))])));
  const want = Object.fromEntries(Object.entries(answer.proposal).map(([id, tg]) => [id, Object.fromEntries(Object.entries(tg)
    .map(([m, v]) => [m, typeof v === 'string' ? fmt.money(v) : fmt.count(v)]))]));
  check(JSON.stringify(shown) === JSON.stringify(want), `proposal: the page shows ${JSON.stringify(shown)}, the API ${JSON.stringify(want)}`);
}

async function checkTargets(page) {
  step('targets: edit the team\'s month, propose splits, confirm: the API\'s targets change');
  await go(page, '/targets');
  await waitFor(page, 'the targets form', () => document.querySelector('#targets-form input[name=visits]'));
  const month = (await apiCall('GET', `/api/v1/kpis/teams/${TEAM}?period=month`)).period.key;
  check(await page.inputValue('#period-key') === month, `the period is not the API's month ${month}`);
  const path = `/api/v1/targets/teams/${TEAM}/month/${month}`;
  const before = await apiCall('GET', path);
  for (const [m, v] of Object.entries(before.targets)) {
    check(await page.inputValue(`#targets-form input[name=${m}]`) === String(v), `the form's ${m} is not the API's ${v}`);
  }
  await page.fill('#targets-form input[name=sales_amount]', '300000.01');
  await page.fill('#targets-form input[name=visits]', '101');
  await page.fill('#targets-form input[name=calls]', '-3');
  await page.click('#save-targets');
  await waitFor(page, 'the error of calls', () => /calls/.test(document.getElementById('targets-errors')?.textContent));
  await page.fill('#targets-form input[name=calls]', '61');
  await page.click('#save-targets');
  await waitFor(page, 'saved', () => document.getElementById('saved'));
  const after = await apiCall('GET', path);
  check(after.targets.sales_amount === '300000.01' && after.targets.visits === 101 && after.targets.calls === 61,
    `the team's targets after saving: ${JSON.stringify(after.targets)}`);

  await page.click('[data-method=even]');
  await page.click('#propose');
  await compareProposal(page, await apiCall('POST', `${path}/split`, { method: 'even' }));
  await shot(page, 'targets-even');
  const members = (await apiCall('GET', `/api/v1/teams/${TEAM}`)).members;
  const weights = Object.fromEntries(members.map((id, i) => [id, i + 1]));
  await page.click('[data-method=weights]');
  for (const [id, w] of Object.entries(weights)) await page.fill(`input[data-salesperson="${id}"]`, String(w));
  await page.click('#propose');
  const proposal = await apiCall('POST', `${path}/split`, { method: 'weights', weights });
  await waitFor(page, 'the weights proposal', () => /权重/.test(document.querySelector('#proposal h3')?.textContent));
  await compareProposal(page, proposal);
  await page.click('#confirm-split');
  await waitFor(page, 'the split written', () => document.getElementById('split-done'));
  await compareProposal(page, { ...proposal, confirmed: true });
  for (const id of members) {
    const got = (await apiCall('GET', `/api/v1/targets/salespeople/${id}/month/${month}`)).targets;
    check(JSON.stringify(got) === JSON.stringify(proposal.proposal[id]),
      `${id}'s targets after Confirm: ${JSON.stringify(got)}, the proposal ${JSON.stringify(proposal.proposal[id])}`);
  }
  await shot(page, 'targets');
}

// ---- language and phones -----------------------------------------------------------------

async function checkEnglish(page) {
  step('English: the new pages\' labels');
  await page.click('#lang');
  await waitFor(page, 'English navigation', () => document.querySelector('.top nav a[href="/customers"]')?.textContent === 'Customers'
    && document.querySelector('.top nav a[href="/targets"]')?.textContent === 'Targets');
  await go(page, '/customers');
  await listDone(page, 'customer-rows');
  check(await page.textContent('#customers th') === 'Customer', 'the customer list is not in English');
  await shot(page, 'customers-en');
  await go(page, '/alerts');
  await listDone(page, 'alert-list');
  await shot(page, 'alerts-en');
  await page.click('#lang');
  await waitFor(page, 'Chinese navigation', () => document.querySelector('.top nav a[href="/customers"]')?.textContent === '客户');
}

async function checkPhone(page) {
  step('390 px: no horizontal scroll on any of the pages');
  await page.setViewportSize({ width: 390, height: 844 });
  const pages = [
    ['/customers?overdue=followup', 'customers-390', () => document.getElementById('customer-rows')?.dataset.complete === 'true'],
    ['/customers/c-hz-jinda', 'customer-390', () => document.querySelector('#timeline li')],
    ['/alerts', 'alerts-390', () => document.getElementById('alert-list')?.dataset.complete === 'true'],
    ['/targets', 'targets-390', () => document.querySelector('#targets-form input[name=visits]')],
  ];
  for (const [path, name, ready] of pages) {
    await page.goto(`${URL_BASE}${path}`);
    await waitFor(page, `${path} at 390 px`, ready);
    if (path === '/targets') {
      await page.click('#propose');
      await waitFor(page, 'a proposal at 390 px', () => document.getElementById('proposal-table'));
    }
    await noHorizontalScroll(page, path);
    await shot(page, name);
  }
}

async function main() {
  const { browser, page, problems } = await open();
  await signIn(page);
  await checkCustomers(page);
  await checkCustomer(page);
  await checkAlerts(page);
  await checkTargets(page);
  await checkEnglish(page);
  await checkPhone(page);
  check(problems().length === 0, `the page reported: ${problems().join('; ')}`);
  await browser.close();
  console.log('PASS');
}

main().catch((e) => fail(e.message));
