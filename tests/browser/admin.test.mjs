// admin.test.mjs — the Admin page in Debian's chromium against a running suite with the
// demo seeded; started by test_admin (test_console.c). The demo admin lists users and
// keys as the API does, makes a user (a bad password first, refused naming the field),
// who signs in elsewhere; disabling them ends that session within a second and a half of
// the answer to the change (the gateways' credential poll: a second at most);
// a key made is shown once and works, and once revoked is refused; a team's member and
// coordinator unticked and ticked again change the API's team; a coordinator is not
// offered the page and gets the 404 view; no horizontal scroll at 390 px.
//
// Environment (besides lib.mjs's): NQ_ADMIN_USER / NQ_ADMIN_PASSWORD (the demo admin),
// NQ_USER / NQ_PASSWORD (the demo coordinator), NQ_TEAM. Screenshots to NQ_ARTIFACTS.
import { ARTIFACTS, TEAM, URL_BASE, apiCall, bound, check, env, fail, newPage, noHorizontalScroll, open, signIn,
  step, until, waitFor } from './lib.mjs';

const NEW_USER = 'u-browser-new';
const NEW_PASSWORD = 'a browser password';
const KEY_NAME = 'browser-key';
const WITHIN_MS = 1500;
bound(90000);

const status = (page, path, headers = {}) => page.evaluate(async ([p, h]) => (await fetch(p, { headers: h })).status, [path, headers]);
const rowIds = (page, sel, attr) => page.$$eval(sel, (trs, a) => trs.map((tr) => tr.getAttribute(a)), attr);

// Polls `fn` until it answers `want`; the ms it took (fails after 5 s).
async function within(what, fn, want) {
  const start = Date.now();
  await until(what, async () => (await fn()) === want, 5000);
  return Date.now() - start;
}

async function checkUsers(page) {
  step('users: the API\'s list, a new user refused then made, with the team\'s name');
  await page.click('.top nav a[href="/admin"]');
  await page.waitForURL('**/admin');
  await waitFor(page, 'the users', () => document.querySelector('#user-rows tr[data-user-id]'));
  const users = (await apiCall('GET', '/api/v1/users')).items;
  const shown = await rowIds(page, '#user-rows tr', 'data-user-id');
  check(JSON.stringify(shown) === JSON.stringify(users.map((u) => u.id)), `users: the page shows ${shown}, the API ${users.map((u) => u.id)}`);
  await waitFor(page, 'the team picker', () => document.querySelector('#admin-team'));

  await page.click('#user-add');
  await page.fill('#u-id', NEW_USER);
  await page.fill('#u-name', '测试员');
  await page.selectOption('#u-role', 'coordinator');
  await page.check(`.u-teams input[value="${TEAM}"]`);
  await page.fill('#u-password', 'short');
  await page.click('#user-save');
  await waitFor(page, 'the password error', () => document.querySelector('#user-errors li[data-field=password]'));
  await page.fill('#u-password', NEW_PASSWORD);
  await page.click('#user-save');
  await waitFor(page, 'the new user', (id) => document.querySelector(`#user-rows tr[data-user-id="${id}"]`), NEW_USER);
  const made = (await apiCall('GET', '/api/v1/users')).items.find((u) => u.id === NEW_USER);
  check(made && made.role === 'coordinator' && made.teams.join() === TEAM && made.status === 'active',
    `the API has ${JSON.stringify(made)}`);
  const teamName = (await apiCall('GET', `/api/v1/teams/${TEAM}`)).name;
  const teamsCell = await page.textContent(`#user-rows tr[data-user-id="${NEW_USER}"] [data-field=teams]`);
  check(teamsCell === teamName, `the new user's teams show "${teamsCell}", want the name "${teamName}"`);
  await page.screenshot({ path: `${ARTIFACTS}/admin-users.png`, fullPage: true });
}

async function checkDisable(page) {
  step('the new user signs in elsewhere; disabled, their session is refused within a second');
  const other = await newPage();
  await signIn(other.page, NEW_USER, NEW_PASSWORD, '/today');
  check(await status(other.page, '/api/v1/auth/me') === 200, 'the new user\'s session does not work');
  const row = `#user-rows tr[data-user-id="${NEW_USER}"]`;
  await page.click(`${row} [data-action=disable]`);
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/v1/users/${NEW_USER}`));
  await page.click(`${row} [data-action=confirm]`);
  check((await patched).status() === 200, 'the PATCH was refused');
  const took = await within('their session refused', () => status(other.page, '/api/v1/auth/me'), 401);
  check(took <= WITHIN_MS, `a disabled user's session worked for ${took} ms`);
  await waitFor(page, 'the row disabled', (sel) => document.querySelector(sel)?.dataset.status === 'disabled', row);
  check((await apiCall('GET', '/api/v1/users')).items.find((u) => u.id === NEW_USER).status === 'disabled', 'the API says active');
  await other.page.reload();
  await other.page.waitForURL('**/login', { timeout: 8000 });
  await other.ctx.close();
  console.log(`disabled user refused after ${took} ms`);
}

async function checkKeys(page) {
  step('API keys: one made is shown once and works; revoked, it is refused within a second');
  await page.click('#key-add');
  await page.fill('#k-name', KEY_NAME);
  await page.selectOption('#k-scope', 'read');
  await page.click('#key-save');
  await waitFor(page, 'the new key', () => document.querySelector('#new-key-text')?.textContent.startsWith('nq_'));
  const key = await page.textContent('#new-key-text');
  const listed = (await apiCall('GET', '/api/v1/apikeys')).items.find((k) => k.name === KEY_NAME);
  check(listed && listed.scope === 'read' && listed.status === 'live', `the API lists ${JSON.stringify(listed)}`);
  check(!JSON.stringify(listed).includes(key), 'the list holds the key');
  await waitFor(page, 'its row', (id) => document.querySelector(`#key-rows tr[data-key-id="${id}"]`), listed.id);
  const bearer = { Authorization: `Bearer ${key}` };
  check(await status(page, '/api/v1/kpis/company', bearer) === 200, 'the new key does not work');
  await page.click('#key-copy');
  await waitFor(page, 'the copy answered', () => document.getElementById('key-copied')?.textContent);
  await page.screenshot({ path: `${ARTIFACTS}/admin-key-once.png`, fullPage: true });
  const row = `#key-rows tr[data-key-id="${listed.id}"]`;
  await page.click(`${row} [data-action=revoke]`);
  const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith(`/api/v1/apikeys/${listed.id}`));
  await page.click(`${row} [data-action=confirm]`);
  check((await deleted).status() === 204, 'the DELETE was refused');
  const took = await within('the key refused', () => status(page, '/api/v1/kpis/company', bearer), 401);
  check(took <= WITHIN_MS, `a revoked key worked for ${took} ms`);
  await waitFor(page, 'the row revoked', (sel) => document.querySelector(sel)?.dataset.status === 'revoked', row);
  console.log(`revoked key refused after ${took} ms`);
}

async function checkTeam(page) {
  step('team membership: a member and the coordinator unticked, saved, then put back, as the API says');
  const before = await apiCall('GET', `/api/v1/teams/${TEAM}`);
  check(before.members.length > 0 && before.coordinators.length > 0, `the demo team: ${JSON.stringify(before)}`);
  const [member, coordinator] = [before.members[0], before.coordinators[0]];
  await page.selectOption('#admin-team', TEAM);
  await waitFor(page, 'the team form', (m) => document.querySelector(`#team-edit .t-members input[value="${m}"]`), member);
  const save = async () => {
    const put = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/api/v1/teams/${TEAM}`));
    await page.click('#team-save');
    check((await put).status() === 200, 'the team PUT was refused');
    const team = await apiCall('GET', `/api/v1/teams/${TEAM}`);
    return { ...team, members: team.members || [], coordinators: team.coordinators || [] }; // empty lists are left out
  };
  await page.uncheck(`#team-edit .t-members input[value="${member}"]`);
  await page.uncheck(`#team-edit .t-coordinators input[value="${coordinator}"]`);
  let after = await save();
  check(!after.members.includes(member) && !after.coordinators.includes(coordinator),
    `after unticking ${member} and ${coordinator} the API has ${JSON.stringify(after)}`);
  check(after.name === before.name, `the team's name changed to ${after.name}`);
  await page.check(`#team-edit .t-members input[value="${member}"]`);
  await page.check(`#team-edit .t-coordinators input[value="${coordinator}"]`);
  after = await save();
  check(JSON.stringify([...after.members].sort()) === JSON.stringify([...before.members].sort())
    && JSON.stringify(after.coordinators) === JSON.stringify(before.coordinators),
  `put back, the API has ${JSON.stringify(after)}, before ${JSON.stringify(before)}`);
}

async function checkNarrow(page) {
  step('390 px: no horizontal scroll; English labels');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${URL_BASE}/admin`);
  await waitFor(page, 'the users', () => document.querySelector('#user-rows tr[data-user-id]'));
  await noHorizontalScroll(page, 'the admin page');
  await page.screenshot({ path: `${ARTIFACTS}/admin-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.click('#lang');
  await waitFor(page, 'English', () => document.querySelector('main h1')?.textContent === 'Admin');
  await page.click('#lang');
}

async function checkCoordinator() {
  step('a coordinator is not offered Admin, and /admin is the 404 view');
  const { ctx, page, problems } = await newPage();
  await signIn(page, env('NQ_USER'), env('NQ_PASSWORD'), '/today');
  check(await page.$('.top nav a[href="/admin"]') === null, 'a coordinator is offered Admin');
  await page.goto(`${URL_BASE}/admin`);
  await waitFor(page, 'the 404 view', () => document.querySelector('[data-view=not-found]'));
  check(await page.$('#user-rows') === null, 'a coordinator sees the users table');
  check(await status(page, '/api/v1/users') === 403, 'the API lets a coordinator list users');
  await page.screenshot({ path: `${ARTIFACTS}/admin-coordinator.png` });
  check(problems().length === 0, `the coordinator's page reported: ${problems().join('; ')}`);
  await ctx.close();
}

async function main() {
  const { browser, page, problems } = await open();
  await signIn(page, env('NQ_ADMIN_USER'), env('NQ_ADMIN_PASSWORD'), '/today');
  await checkUsers(page);
  await checkDisable(page);
  await checkKeys(page);
  await checkTeam(page);
  await checkNarrow(page);
  await checkCoordinator();
  check(problems().length === 0, `the page reported: ${problems().join('; ')}`);
  await browser.close();
  console.log('PASS');
}

main().catch((e) => fail(e.message));
