// Salesperson / 业务员 (/salespeople/{id}): their KPIs against targets with pace and
// projection (GET /api/v1/kpis/salespeople/{id}), the trend of the last 12 weeks or
// months beside the same periods a year earlier (GET .../salespeople/{id}/trend), the
// scorecard with each metric's contribution and what it takes to reach the next band,
// the commission with its tiers (GET /api/v1/scores/salespeople/{id}), recent activity
// (GET .../salespeople/{id}/activities), their customers (GET /api/v1/customers?owner=) and
// their training of the month, quarter or year shown (GET /api/v1/training?scope=salesperson:{id}).
// Someone the caller does not see answers 404: the page says "no such page".
import { ApiError, get } from '../api.js';
import { h, mount } from '../dom.js';
import { currentLang, money, percent, periodLabel, shortTime, t } from '../i18n.js';
import { ACCUMULATING, directionHint, formatMetric, metricName } from '../metrics.js';
import { kpiCard, noteText, workdaysText } from '../kpi.js';
import { trendChart } from '../trendchart.js';

const PERIODS = ['week', 'month', 'quarter'];
const CARDS = ['sales_amount', 'orders', 'visits', 'calls', 'new_customers', 'collections'];
const PERIOD_KEY = 'nq.person.period';
const enc = encodeURIComponent;

// A section whose read failed says so in its place; one the caller may not read says that.
function failed(e) {
  const denied = e instanceof ApiError && e.status === 403;
  return h('p', { class: denied ? 'empty' : 'error' }, denied ? t('person.not_allowed') : t('error.load', { detail: e.message }));
}

function scorecard(sc) {
  if (!sc) return h('p', { class: 'empty' }, t('person.no_scorecard'));
  const nb = sc.next_band;
  const en = currentLang() === 'en';
  return h('div', { id: 'scorecard' },
    h('p', { class: 'score' },
      h('span', { class: 'big', 'data-field': 'score' }, String(sc.score)),
      h('span', { class: 'band', 'data-field': 'band' }, sc.band ? t('person.band', { band: sc.band }) : t('person.no_band'))),
    h('div', { class: 'scroll' }, h('table', { class: 'lines' },
      h('thead', {}, h('tr', {}, ['person.metric', 'kpi.actual', 'kpi.target', 'kpi.attainment', 'person.weight',
        'person.cap', 'person.contribution'].map((k) => h('th', {}, t(k))))),
      h('tbody', {}, (sc.metrics || []).map((l) => h('tr', { 'data-metric': l.metric },
        h('td', {}, metricName(l.metric, l.zh), directionHint(l.direction), l.note ? h('div', { class: 'note' }, noteText(l)) : null),
        h('td', {}, formatMetric(l.metric, l.actual)), h('td', {}, formatMetric(l.metric, l.target)),
        h('td', {}, percent(l.attainment)), h('td', {}, percent(l.weight)), h('td', {}, percent(l.cap)),
        h('td', { 'data-field': 'contribution' }, String(l.contribution))))))),
    nb ? h('div', { class: 'next-band', id: 'next-band' },
      h('h3', {}, t('person.next_band', { band: nb.band, points: nb.points })),
      h('p', { 'data-field': 'explanation' }, en ? nb.en : nb.zh))
      : h('p', { class: 'empty', id: 'next-band' }, t('person.top_band')));
}

function commission(c) {
  if (!c) return h('p', { class: 'empty' }, t('person.no_commission'));
  const m = c.metric;
  return h('div', { id: 'commission' },
    h('p', { class: 'score' }, h('span', { class: 'big', 'data-field': 'commission' }, money(c.commission)),
      h('span', { class: 'muted' }, t('person.commission_of', {
        metric: metricName(m), actual: formatMetric(m, c.actual), target: formatMetric(m, c.target),
        attainment: percent(c.attainment) }))),
    c.note ? h('p', { class: 'note' }, noteText(c)) : null,
    (c.tiers || []).length ? h('div', { class: 'scroll' }, h('table', { class: 'lines' },
      h('thead', {}, h('tr', {}, ['person.tier', 'person.rate', 'person.amount', 'person.commission'].map((k) => h('th', {}, t(k))))),
      h('tbody', {}, c.tiers.map((tier) => h('tr', {},
        h('td', {}, tier.to === null ? t('person.tier_above', { from: percent(tier.from) })
          : t('person.tier_range', { from: percent(tier.from), to: percent(tier.to) })),
        h('td', {}, percent(tier.rate)), h('td', {}, formatMetric(m, tier.amount)),
        h('td', {}, formatMetric(m, tier.commission))))))) : null);
}

function activities(list, names) {
  const items = list.items || [];
  if (!items.length) return h('p', { class: 'empty' }, t('person.no_activity'));
  return h('ul', { class: 'acts', id: 'activities' }, items.map((a) => h('li', { 'data-event': a.event_id },
    h('time', {}, shortTime(a.occurred_at)),
    h('span', { class: 'type' }, t(`act.${a.type}`) === `act.${a.type}` ? a.type : t(`act.${a.type}`)),
    h('span', { class: 'what' }, [names[a.customer_id] || a.customer_id, a.amount !== undefined ? money(a.amount) : null, a.purpose, a.notes]
      .filter((x) => x !== null && x !== undefined && x !== '').join(' · ')))));
}

function customers(list) {
  const items = list.items || [];
  if (!items.length) return h('p', { class: 'empty' }, t('person.no_customers'));
  return h('div', { class: 'scroll' }, h('table', { class: 'lines', id: 'customers' },
    h('thead', {}, h('tr', {}, ['person.customer', 'person.class', 'person.last_contact', 'person.followup_due']
      .map((k) => h('th', {}, t(k))))),
    h('tbody', {}, items.map((c) => h('tr', { 'data-customer': c.id, class: c.class === 'key' ? 'key' : null },
      h('td', {}, c.name || c.id), h('td', {}, t(`class.${c.class}`)),
      h('td', {}, shortTime(c.last_contact_at) || t('common.none')),
      h('td', {}, shortTime(c.followup_due_at) || t('common.none')))))));
}

function training(tr) {
  const sp = (tr.salespeople || [])[0];
  const courses = sp?.courses || [];
  if (!courses.length) return h('p', { class: 'empty', id: 'training' }, t('person.no_training'));
  return h('div', { id: 'training' },
    h('p', { class: 'muted', 'data-field': 'trainings' },
      t('person.training_summary', { trainings: String(sp.trainings), hours: String(sp.training_hours) })),
    h('div', { class: 'scroll' }, h('table', { class: 'lines' },
      h('thead', {}, h('tr', {}, ['person.course', 'person.course_score', 'person.course_hours', 'person.course_at']
        .map((k) => h('th', {}, t(k))))),
      h('tbody', {}, courses.map((c) => h('tr', { 'data-event': c.event_id },
        h('td', {}, c.course || t('common.none')),
        h('td', { 'data-field': 'score' }, c.score === null ? t('common.none') : String(c.score)),
        h('td', {}, c.hours === null ? t('common.none') : String(c.hours)),
        h('td', {}, shortTime(c.at))))))));
}

// `own`: the signed-in salesperson's id (/me); else the id of the path /salespeople/{id}.
export function salespersonPage(main, me, own) {
  let id = own;
  try { id ??= decodeURIComponent(location.pathname.split('/')[2] || ''); } catch { id = ''; }
  let period = PERIODS.includes(localStorage.getItem(PERIOD_KEY)) ? localStorage.getItem(PERIOD_KEY) : 'month';
  let trendPeriod = 'month';
  let trendMetric = 'sales_amount';
  let trend = null;
  let chart = null;
  let gone = false;
  let loads = 0;
  const head = h('div', { class: 'toolbar' });
  const kpis = h('section', { class: 'kpis', id: 'kpis' }, h('p', {}, t('common.loading')));
  const chartBox = h('div', { class: 'chart', id: 'trend-chart' });
  const trendBar = h('div', { class: 'toolbar small' });
  const scoreBox = h('div', {}, t('common.loading'));
  const commissionBox = h('div', {}, t('common.loading'));
  const actBox = h('div', {}, t('common.loading'));
  const custBox = h('div', {}, t('common.loading'));
  const trainBox = h('div', {}, t('common.loading'));
  const card = (title, ...children) => h('section', { class: 'card' }, h('h2', {}, title), ...children);

  function toolbar(person, overview) {
    mount(head,
      h('h1', { id: 'person-name' }, person?.name || id),
      person?.team_id ? h('span', { class: 'members', id: 'person-team', 'data-team-id': person.team_id },
        t('person.team', { team: person.team_name || person.team_id })) : null,
      h('div', { class: 'tabs', role: 'group' }, PERIODS.map((p) => h('button', {
        type: 'button', class: 'tab', 'data-period': p, 'aria-pressed': String(p === period),
        onclick: () => { period = p; localStorage.setItem(PERIOD_KEY, p); load(person); },
      }, t(`period.${p}`)))),
      overview ? h('span', { class: 'period', id: 'period-label' }, periodLabel(overview.period)) : null,
      overview?.workdays ? h('span', { class: 'workdays', id: 'workdays' }, workdaysText(overview.workdays)) : null);
  }

  function trendTools() {
    mount(trendBar,
      h('select', { id: 'trend-metric', 'aria-label': t('board.metric'), onchange: (ev) => { trendMetric = ev.target.value; drawTrend(); } },
        ACCUMULATING.map((m) => h('option', { value: m, selected: m === trendMetric }, metricName(m)))),
      h('div', { class: 'tabs', role: 'group' }, ['week', 'month'].map((p) => h('button', {
        type: 'button', class: 'tab', 'data-trend': p, 'aria-pressed': String(p === trendPeriod),
        onclick: () => { trendPeriod = p; loadTrend(); },
      }, t(`trend.${p}`)))));
  }
  async function drawTrend() {
    trendTools();
    chart = await trendChart(chartBox, trend, trendMetric, chart);
  }
  async function loadTrend() {
    try {
      trend = await get(`/api/v1/salespeople/${enc(id)}/trend?period=${trendPeriod}&n=12`);
      if (!gone) { chartBox.dataset.period = trendPeriod; await drawTrend(); }
    } catch (e) { if (!gone) mount(chartBox, failed(e)); }
  }

  async function load(person) {
    const mine = ++loads;
    toolbar(person, null);
    const q = `period=${period}`;
    const settle = (p, box, render) => p.then((v) => { if (!gone && mine === loads) mount(box, render(v)); },
      (e) => { if (!gone && mine === loads) mount(box, failed(e)); });
    const overview = get(`/api/v1/kpis/salespeople/${enc(id)}?${q}`);
    settle(overview, kpis, (o) => {
      toolbar(person, o);
      kpis.dataset.period = o.period.key;
      return CARDS.concat(['coverage']).map((m) => kpiCard(m, o.metrics?.[m] || {}));
    });
    // training by month, quarter or year: a week's page shows its month's
    const tq = overview.then((o) => get(`/api/v1/training?scope=salesperson:${enc(id)}` +
      (o.period.kind === 'week' ? '' : `&period=${enc(o.period.key)}`)));
    settle(tq, trainBox, training);
    const score = get(`/api/v1/scores/salespeople/${enc(id)}?${q}`);
    settle(score, scoreBox, (s) => scorecard(s.scorecard));
    settle(score, commissionBox, (s) => commission(s.commission));
  }

  async function start() {
    let person;
    try {
      person = await get(`/api/v1/salespeople/${enc(id)}`);
    } catch (e) {
      if (gone) return;
      if (e instanceof ApiError && e.status === 404) {
        document.title = `${t('error.not_found')} · ${t('app.name')}`;
        return mount(main, h('div', { class: 'not-found', 'data-view': 'not-found' },
          h('h1', {}, t('error.not_found')), h('p', { class: 'empty' }, t('person.not_found'))));
      }
      return mount(main, failed(e));
    }
    if (gone) return;
    document.title = `${person.name || id} · ${t('app.name')}`;
    main.dataset.salesperson = id;
    load(person);
    loadTrend();
    // their customers first: the activity list names the ones it can
    const owned = get(`/api/v1/customers?owner=${enc(id)}&limit=100`);
    owned.then((l) => !gone && mount(custBox, customers(l)), (e) => !gone && mount(custBox, failed(e)));
    const names = await owned.then((l) => Object.fromEntries((l.items || []).map((c) => [c.id, c.name])), () => ({}));
    get(`/api/v1/salespeople/${enc(id)}/activities?limit=20`).then((l) => !gone && mount(actBox, activities(l, names)),
      (e) => !gone && mount(actBox, failed(e)));
  }

  toolbar(null, null);
  mount(main, head, kpis,
    h('div', { class: 'grid2' },
      card(t('person.trend'), trendBar, chartBox),
      card(t('person.scorecard'), scoreBox),
      card(t('person.commission'), commissionBox),
      card(t('person.activity'), actBox),
      card(t('person.customers'), custBox),
      card(t('person.training'), trainBox)));
  start();
  return () => { gone = true; chart?.dispose(); };
}
