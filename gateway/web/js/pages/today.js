// Today / 今日: a coordinator's team for the day, week or month — the team overview
// (GET /api/v1/kpis/teams/{id}), who is behind plan (GET /api/v1/leaderboards by=pace),
// who has no activity today (GET /api/v1/teams/{id}/idle) and the live alerts (GET /api/v1/alerts, the SSE stream, POST .../ack). Every figure
// is the API's, formatted only.
import { get, post } from '../api.js';
import { h, mount } from '../dom.js';
import { money, percent, periodLabel, pick, shortTime, t } from '../i18n.js';
import { kpiCard, personLink, workdaysText } from '../kpi.js';
import { AlertList, alertFeed } from '../alerts.js';
import { loadECharts, paceChart } from '../chart.js';
import { teamsNamed } from '../paged.js';

const CARDS = ['sales_amount', 'visits', 'calls', 'new_customers', 'collections'];
const PERIODS = ['day', 'week', 'month'];
const PERIOD_KEY = 'nq.today.period';

// Who has no activity today (GET /api/v1/teams/{id}/idle), named as the board names them.
function idleList(idle, board) {
  const names = Object.fromEntries((board.entries || []).map((e) => [e.salesperson_id, e.name]));
  if (!idle.members) return h('p', { class: 'empty' }, t('idle.no_members'));
  if (!idle.idle.length) return h('p', { class: 'empty' }, t('idle.none'));
  return h('ul', { class: 'idle' }, idle.idle.map((id) =>
    h('li', { 'data-salesperson': id }, personLink(id, names[id]))));
}

function behindList(board) {
  const entries = board.entries || [];
  const behind = entries.filter((e) => e.behind === true);
  if (!entries.some((e) => e.target !== null)) return h('p', { class: 'empty' }, t('behind.no_targets'));
  if (!behind.length) return h('p', { class: 'empty' }, t('behind.none'));
  return h('ol', { class: 'behind' }, behind.map((e) =>
    h('li', { 'data-salesperson': e.salesperson_id },
      h('span', { class: 'name' }, personLink(e.salesperson_id, e.name)),
      h('span', { class: 'pace', 'data-field': 'pace' }, percent(e.pace)),
      h('span', { class: 'gap', 'data-field': 'gap' }, t('behind.gap', { gap: money(e.gap) })))));
}

export function todayPage(main, me) {
  const alerts = new AlertList();
  const status = h('span', { class: 'status', id: 'feed-status' });
  const alertBox = h('ul', { class: 'alerts', id: 'alerts' });
  const kpis = h('section', { class: 'kpis', id: 'kpis' }, h('p', {}, t('common.loading')));
  const behind = h('div', { id: 'behind' });
  const idle = h('div', { id: 'idle' });
  const chartBox = h('div', { class: 'chart', id: 'pace-chart' });
  const head = h('div', { class: 'toolbar' });
  let period = PERIODS.includes(localStorage.getItem(PERIOD_KEY)) ? localStorage.getItem(PERIOD_KEY) : 'month';
  let teams = [];
  let teamNames = {}; // {id: name} when there is a picker
  let team = null;
  let chart = null;
  let feed = null;
  let gone = false;

  const ours = (a) => teams.includes(a.team_id) || !me.teams?.length;
  const renderAlerts = () => {
    const items = alerts.items();
    mount(alertBox, items.length ? items.map(alertItem) : h('li', { class: 'empty' }, t('alerts.none')));
  };
  const ack = async (a, button) => {
    button.disabled = true;
    try { alerts.put(await post(`/api/v1/alerts/${encodeURIComponent(a.id)}/ack`, {})); }
    catch { button.disabled = false; }
    renderAlerts();
  };
  function alertItem(a) {
    const button = a.state === 'open'
      ? h('button', { type: 'button', class: 'ack', onclick: (ev) => ack(a, ev.currentTarget) }, t('alerts.ack'))
      : null;
    return h('li', { 'data-alert-id': a.id, 'data-state': a.state, class: `alert ${a.severity || ''}` },
      h('div', { class: 'title' }, pick(a, 'title')),
      h('div', { class: 'meta' },
        h('time', {}, shortTime(a.raised_at)),
        h('span', { class: `state ${a.state}` }, t(`state.${a.state}`)), button),
      h('p', { class: 'why' }, pick(a, 'explanation')));
  }

  function toolbar(overview) {
    const tabs = PERIODS.map((p) => h('button', {
      type: 'button', class: 'tab', 'data-period': p, 'aria-pressed': String(p === period),
      onclick: () => { period = p; localStorage.setItem(PERIOD_KEY, p); load(); },
    }, t(`period.${p}`)));
    const picker = teams.length > 1
      ? h('select', { id: 'team', onchange: (ev) => { team = ev.target.value; load(); loadAlerts(); } },
        teams.map((id) => h('option', { value: id, selected: id === team }, teamNames[id] || id)))
      : null;
    const wd = overview?.workdays;
    mount(head,
      h('h1', { id: 'team-name' }, overview?.name || team),
      picker,
      h('div', { class: 'tabs', role: 'group' }, tabs),
      h('span', { class: 'period', id: 'period-label' }, overview ? periodLabel(overview.period) : ''),
      wd ? h('span', { class: 'workdays', id: 'workdays' }, workdaysText(wd)) : null,
      overview ? h('span', { class: 'members' }, t('today.members', { n: overview.members })) : null);
  }

  let loads = 0; // only the newest load renders
  async function load() {
    const q = `period=${period}`;
    const mine = ++loads;
    toolbar(null);
    try {
      const [overview, board, quiet] = await Promise.all([
        get(`/api/v1/kpis/teams/${encodeURIComponent(team)}?${q}`),
        get(`/api/v1/leaderboards?scope=team:${encodeURIComponent(team)}&metric=sales_amount&by=pace&${q}`),
        get(`/api/v1/teams/${encodeURIComponent(team)}/idle`).catch((e) => e),
      ]);
      if (gone || mine !== loads) return;
      toolbar(overview);
      mount(kpis, CARDS.map((m) => kpiCard(m, overview.metrics?.[m] || {})));
      kpis.dataset.period = overview.period.key;
      mount(behind, behindList(board));
      mount(idle, quiet instanceof Error ? h('p', { class: 'error' }, t('error.load', { detail: quiet.message }))
        : idleList(quiet, board));
      idle.dataset.day = quiet.period?.key || '';
      performance.mark('nq:today-figures');
      chart = await paceChart(chartBox, board, chart);
      // figures and lists above, chart here: what bench/console.mjs times navigation to
      performance.mark('nq:today-ready');
    } catch (e) {
      if (!gone && mine === loads) mount(kpis, h('p', { class: 'error' }, t('error.load', { detail: e.message })),
        h('button', { type: 'button', onclick: load }, t('common.retry')));
    }
  }

  async function loadAlerts() {
    try {
      const list = await get(`/api/v1/alerts?team=${encodeURIComponent(team)}&limit=20`);
      (list.items || []).forEach((a) => alerts.put(a));
    } catch { /* the stream still brings new ones */ }
    if (!gone) renderAlerts();
  }

  async function start() {
    try {
      ({ ids: teams, names: teamNames } = await teamsNamed(me, get));
    } catch (e) {
      return mount(main, h('p', { class: 'error' }, t('error.load', { detail: e.message })));
    }
    if (!teams.length) {
      return mount(main, h('p', { class: 'empty' }, t(me.teams ? 'empty.no_team' : 'empty.no_teams_at_all')));
    }
    team = teams[0];
    feed = alertFeed({
      onAlert: (a) => { if (ours(a)) { alerts.put(a); renderAlerts(); } },
      onStatus: (s) => { status.textContent = t(`alerts.${s}`); status.dataset.state = s; },
    });
    load();
    loadAlerts();
    loadECharts().catch(() => {}); // while the figures are on their way
  }

  mount(main, head,
    h('div', { class: 'columns' },
      h('div', {}, kpis,
        h('section', { class: 'card' }, h('h2', {}, t('behind.title')), behind, chartBox)),
      h('div', { class: 'side' },
        h('section', { class: 'card' }, h('h2', {}, t('idle.title')), idle),
        h('section', { class: 'card feed' }, h('h2', {}, t('alerts.title'), ' ', status), alertBox))));
  start();
  return () => { gone = true; feed?.close(); chart?.dispose(); };
}
