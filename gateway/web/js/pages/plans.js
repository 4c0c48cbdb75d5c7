// Plans / 方案 (/plans): a team's scorecard and commission plan as they stand (GET
// /api/v1/teams/{id}/scorecard|commission-plan: every version), a draft of each edited
// as a form, the simulator (POST .../simulations: live and draft per salesperson side
// by side, the API's numbers and differences) and, for roles that write plans,
// publishing the draft (PUT: a new version). Nothing is computed here but which
// version is in force today (the latest effective_from not after today).
import { api, ApiError, get, post } from '../api.js';
import { h, mount } from '../dom.js';
import { money, percent, periodLabel, t } from '../i18n.js';
import { METRICS, metricName } from '../metrics.js';
import { peopleOf, teamsOf } from '../paged.js';
import { mayWrite } from '../roles.js';

const KINDS = { scorecard: 'scorecard', commission: 'commission-plan' };
const SERVER_FIELDS = ['version', 'created_at'];

// YYYY-MM-DD in Asia/Shanghai, today and the first of this month.
const dayFmt = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const today = () => dayFmt.format(new Date());
const monthStart = () => `${today().slice(0, 8)}01`;

// The version in force today: the latest effective_from not after it, the higher version at equal dates.
function inForce(versions) {
  const day = today();
  return versions.filter((v) => v.effective_from <= day)
    .sort((a, b) => (a.effective_from === b.effective_from ? a.version - b.version : a.effective_from < b.effective_from ? -1 : 1))
    .pop() || null;
}

// A plan document without the fields the server sets.
function plain(doc) {
  if (!doc) return null;
  const out = { ...doc };
  for (const f of SERVER_FIELDS) delete out[f];
  return out;
}

function fieldErrors(e) {
  if (!(e instanceof ApiError)) return [e.message];
  return e.body?.errors?.length ? e.body.errors.map((x) => `${x.field}: ${x.reason}`) : [e.message];
}

const signed = (text, positive) => (positive ? `+${text}` : text);
const scoreDiff = (d) => (d === null || d === undefined ? t('common.none') : signed(String(d), d > 0));
const moneyDiff = (d) => (d === null || d === undefined ? t('common.none') : signed(money(d), !d.startsWith('-') && /[1-9]/.test(d)));

const cell = (label, value, attrs = {}) => h('td', { 'data-label': label, ...attrs }, value);
const table = (id, heads, rows) => h('table', { class: 'list', id },
  h('thead', {}, h('tr', {}, heads.map((x) => h('th', {}, x)))), h('tbody', {}, rows));

// The live scorecard, readable: metrics with weight and cap, and the bands.
function scorecardView(sc) {
  if (!sc) return h('p', { class: 'empty', id: 'no-scorecard' }, t('plans.no_scorecard'));
  return h('div', { id: 'live-scorecard', 'data-version': sc.version },
    h('p', { class: 'hint' }, t('plans.version_of', { v: sc.version, from: sc.effective_from })),
    table('live-metrics', [t('plans.metric'), t('plans.weight'), t('plans.cap')], sc.metrics.map((m) =>
      h('tr', { 'data-metric': m.metric }, cell(t('plans.metric'), metricName(m.metric)),
        cell(t('plans.weight'), percent(m.weight)), cell(t('plans.cap'), percent(m.cap ?? 1.5))))),
    h('h3', {}, t('plans.bands')),
    table('live-bands', [t('plans.band'), t('plans.min')], sc.bands.map((b) =>
      h('tr', { 'data-band': b.name }, cell(t('plans.band'), b.name), cell(t('plans.min'), String(b.min))))));
}

// The live commission plan, readable: the metric, the tiers and the accelerator.
function commissionView(cm) {
  if (!cm) return h('p', { class: 'empty', id: 'no-commission' }, t('plans.no_commission'));
  return h('div', { id: 'live-commission', 'data-version': cm.version },
    h('p', { class: 'hint' }, t('plans.version_of', { v: cm.version, from: cm.effective_from }),
      ' · ', t('plans.on_metric', { metric: metricName(cm.metric) })),
    table('live-tiers', [t('plans.from'), t('plans.rate')], cm.tiers.map((x) =>
      h('tr', {}, cell(t('plans.from'), percent(x.from)), cell(t('plans.rate'), percent(x.rate))))),
    cm.accelerator ? h('p', { class: 'hint', id: 'live-accelerator' },
      t('plans.accelerator_is', { above: percent(cm.accelerator.above), m: cm.accelerator.multiplier })) : null);
}

// Every stored version of a kind, newest first: number, in force from, stored at, what.
function versionsView(kind, versions, live) {
  const what = (v) => (kind === 'scorecard'
    ? (v.metrics || []).map((m) => `${metricName(m.metric)} ${percent(m.weight)}`).join(', ')
    : (v.tiers || []).map((x) => `${percent(x.from)}→${percent(x.rate)}`).join(', '));
  const rows = [...versions].sort((a, b) => b.version - a.version).map((v) => h('tr', { 'data-version': v.version },
    cell(t('plans.version'), `v${v.version}${live && live.version === v.version ? ` · ${t('plans.in_force')}` : ''}`),
    cell(t('plans.effective_from'), v.effective_from),
    cell(t('plans.stored_at'), timeFmt.format(new Date(v.created_at))),
    cell(t('plans.what'), what(v))));
  return h('div', {}, h('h3', {}, t(`plans.versions.${kind}`)),
    rows.length ? table(`versions-${kind}`, [t('plans.version'), t('plans.effective_from'), t('plans.stored_at'), t('plans.what')], rows)
      : h('p', { class: 'empty' }, t('plans.no_versions')));
}

const num = (v) => (v === null || v === undefined ? '' : String(v));
const input = (field, value, attrs = {}) => h('input', { 'data-field': field, value: num(value), inputmode: 'decimal', ...attrs });
const metricSelect = (field, current) => h('select', { 'data-field': field },
  METRICS.map((m) => h('option', { value: m, selected: m === current }, metricName(m))));

// Rows of a draft list (metrics, bands, tiers) with Add and Remove.
function rowsEditor(id, heads, items, makeRow, blank) {
  const body = h('tbody', {});
  const removable = (tr) => { tr.append(h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => tr.remove() }, t('common.remove')))); return tr; };
  for (const it of items) body.append(removable(makeRow(it)));
  return h('div', {},
    h('table', { class: 'list draft', id }, h('thead', {}, h('tr', {}, heads.map((x) => h('th', {}, x)), h('th', {}))), body),
    h('button', { type: 'button', class: 'link', 'data-add': id, onclick: () => body.append(removable(makeRow(blank))) }, t('plans.add')));
}

// The value of a field in a row: numbers as numbers, left out when blank.
function rowValues(tr, fields) {
  const out = {};
  for (const [f, kind] of fields) {
    const v = tr.querySelector(`[data-field=${f}]`).value.trim();
    if (v !== '') out[f] = kind === 'number' ? Number(v) : v;
  }
  return out;
}

export function plansPage(main, me) {
  const canWrite = mayWrite(me, 'plan');
  const head = h('div', { class: 'toolbar' });
  const live = h('section', { class: 'card', id: 'plans-live' });
  const draft = h('section', { class: 'card', id: 'plans-draft' });
  const sim = h('section', { class: 'card', id: 'plans-sim' });
  const versions = h('section', { class: 'card', id: 'plans-versions' });
  let teams = [];
  let names = {};
  let team = null;
  let people = {};
  let docs = {};     // kind -> {versions, live}
  let readDraft = null;
  let gone = false;

  function toolbar() {
    mount(head, h('h1', {}, t('plans.title')),
      teams.length > 1
        ? h('select', { id: 'team', onchange: (ev) => { team = ev.target.value; load(); } },
          teams.map((id) => h('option', { value: id, selected: id === team }, names[id] || id)))
        : h('span', { id: 'team' }, names[team] || team));
  }

  // The draft form, filled with the plan in force (or blank rows), effective from this month.
  function draftForm() {
    const sc = docs.scorecard.live;
    const cm = docs.commission.live;
    const scMetrics = rowsEditor('draft-metrics', [t('plans.metric'), t('plans.weight'), t('plans.cap')],
      sc ? sc.metrics : [{}], (m) => h('tr', { class: 'sc-metric' },
        cell(t('plans.metric'), metricSelect('metric', m.metric)),
        cell(t('plans.weight'), input('weight', m.weight, { placeholder: '0.25' })),
        cell(t('plans.cap'), input('cap', m.cap, { placeholder: '1.5' }))), {});
    const bands = rowsEditor('draft-bands', [t('plans.band'), t('plans.min')], sc ? sc.bands : [{}], (b) => h('tr', { class: 'band-row' },
      cell(t('plans.band'), input('name', b.name, { inputmode: 'text', placeholder: 'A' })),
      cell(t('plans.min'), input('min', b.min, { placeholder: '80' }))), {});
    const tiers = rowsEditor('draft-tiers', [t('plans.from'), t('plans.rate')], cm ? cm.tiers : [{}], (x) => h('tr', { class: 'tier' },
      cell(t('plans.from'), input('from', x.from, { placeholder: '0.8' })),
      cell(t('plans.rate'), input('rate', x.rate, { placeholder: '0.02' }))), {});
    const scFrom = h('input', { id: 'sc-from', type: 'date', value: monthStart() });
    const cmFrom = h('input', { id: 'cm-from', type: 'date', value: monthStart() });
    const cmMetric = metricSelect('cm-metric', cm?.metric || 'sales_amount');
    cmMetric.id = 'cm-metric';
    const accAbove = h('input', { id: 'acc-above', inputmode: 'decimal', value: num(cm?.accelerator?.above), placeholder: '1.0' });
    const accMult = h('input', { id: 'acc-mult', inputmode: 'decimal', value: num(cm?.accelerator?.multiplier), placeholder: '1.5' });
    const errors = h('ul', { class: 'error', id: 'plan-errors' });
    const done = h('p', { class: 'saved', id: 'published' });

    readDraft = () => {
      const scDraft = {
        effective_from: scFrom.value,
        metrics: [...draft.querySelectorAll('tr.sc-metric')].map((tr) => rowValues(tr, [['metric', 'text'], ['weight', 'number'], ['cap', 'number']])),
        bands: [...draft.querySelectorAll('tr.band-row')].map((tr) => rowValues(tr, [['name', 'text'], ['min', 'number']])),
      };
      const cmDraft = {
        effective_from: cmFrom.value, metric: cmMetric.value,
        tiers: [...draft.querySelectorAll('tr.tier')].map((tr) => rowValues(tr, [['from', 'number'], ['rate', 'number']])),
      };
      if (accAbove.value.trim() !== '' || accMult.value.trim() !== '') {
        cmDraft.accelerator = { above: Number(accAbove.value), multiplier: Number(accMult.value) };
      }
      return { scorecard: scDraft, commission: cmDraft };
    };

    const simulate = async () => {
      mount(errors);
      try {
        const answer = await post(`/api/v1/teams/${encodeURIComponent(team)}/simulations?period=month`, readDraft());
        if (!gone) simulation(answer);
      } catch (e) {
        mount(errors, fieldErrors(e).map((x) => h('li', {}, x)));
      }
    };

    // Publishing stores each kind whose draft differs from the plan in force (dates aside).
    const publish = async () => {
      mount(errors);
      mount(done);
      const d = readDraft();
      const same = (a, b) => {
        if (!b) return false;
        const x = { ...a };
        const y = plain(b);
        delete x.effective_from;
        delete y.effective_from;
        return JSON.stringify(x) === JSON.stringify(y);
      };
      const kinds = Object.keys(KINDS).filter((k) => !same(d[k], docs[k].live));
      if (!kinds.length) return mount(done, t('plans.unchanged'));
      try {
        const stored = [];
        for (const k of kinds) {
          const r = await api('PUT', `/api/v1/teams/${encodeURIComponent(team)}/${KINDS[k]}`, d[k]);
          stored.push(t('plans.stored', { kind: t(`plans.kind.${k}`), v: r.version }));
        }
        await load();
        draft.querySelector('#published')?.replaceChildren(stored.join(' · '));
      } catch (e) {
        mount(errors, fieldErrors(e).map((x) => h('li', {}, x)));
      }
    };

    mount(draft,
      h('h2', {}, t('plans.draft')),
      h('p', { class: 'hint' }, t(canWrite ? 'plans.draft_help' : 'plans.draft_help_read')),
      h('h3', {}, t('plans.kind.scorecard')),
      scMetrics,
      h('p', { class: 'hint' }, t('plans.weights_help')),
      h('h3', {}, t('plans.bands')),
      bands,
      h('label', { class: 'inline' }, h('span', {}, t('plans.effective_from')), scFrom),
      h('h3', {}, t('plans.kind.commission')),
      h('label', { class: 'inline' }, h('span', {}, t('plans.commission_metric')), cmMetric),
      tiers,
      h('p', { class: 'hint' }, t('plans.tiers_help')),
      h('div', { class: 'acc' },
        h('label', { class: 'inline' }, h('span', {}, t('plans.acc_above')), accAbove),
        h('label', { class: 'inline' }, h('span', {}, t('plans.acc_mult')), accMult)),
      h('label', { class: 'inline' }, h('span', {}, t('plans.effective_from')), cmFrom),
      errors,
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'simulate', onclick: simulate }, t('plans.simulate')),
        canWrite ? h('button', { type: 'button', class: 'primary', id: 'publish', onclick: publish }, t('plans.publish')) : null),
      done);
  }

  // Live and draft per salesperson, side by side, as the simulation answered.
  function simulation(answer) {
    const rows = (answer.salespeople || []).map((p) => {
      const sc = p.scorecard || {};
      const cm = p.commission || {};
      const score = (x) => (x ? String(x.score) : t('common.none'));
      const band = (x) => (x ? x.band ?? t('plans.no_band') : t('common.none'));
      const comm = (x) => (x ? money(x.commission) : t('common.none'));
      return h('tr', { 'data-salesperson': p.salesperson_id },
        cell(t('plans.person'), people[p.salesperson_id] || p.salesperson_id),
        cell(t('plans.live_score'), score(sc.live), { 'data-col': 'live-score' }),
        cell(t('plans.draft_score'), score(sc.draft), { 'data-col': 'draft-score' }),
        cell(t('plans.score_diff'), scoreDiff(sc.difference), { 'data-col': 'score-diff' }),
        cell(t('plans.live_band'), band(sc.live), { 'data-col': 'live-band' }),
        cell(t('plans.draft_band'), band(sc.draft), { 'data-col': 'draft-band' }),
        cell(t('plans.live_commission'), comm(cm.live), { 'data-col': 'live-commission' }),
        cell(t('plans.draft_commission'), comm(cm.draft), { 'data-col': 'draft-commission' }),
        cell(t('plans.commission_diff'), moneyDiff(cm.difference), { 'data-col': 'commission-diff' }));
    });
    const heads = ['person', 'live_score', 'draft_score', 'score_diff', 'live_band', 'draft_band',
      'live_commission', 'draft_commission', 'commission_diff'].map((k) => t(`plans.${k}`));
    mount(sim, h('h2', {}, t('plans.simulation', { period: periodLabel(answer.period) })),
      rows.length ? table('sim-table', heads, rows) : h('p', { class: 'empty', id: 'sim-empty' }, t('plans.sim_nobody')));
  }

  async function load() {
    toolbar();
    mount(sim, h('h2', {}, t('plans.simulator')), h('p', { class: 'empty', id: 'sim-empty' }, t('plans.sim_help')));
    try {
      const [sc, cm, ps] = await Promise.all([
        get(`/api/v1/teams/${encodeURIComponent(team)}/scorecard`),
        get(`/api/v1/teams/${encodeURIComponent(team)}/commission-plan`),
        peopleOf(team, get).catch(() => ({})),
      ]);
      if (gone) return;
      docs = {
        scorecard: { versions: sc.versions || [], live: inForce(sc.versions || []) },
        commission: { versions: cm.versions || [], live: inForce(cm.versions || []) },
      };
      people = ps;
      mount(live, h('h2', {}, t('plans.live')),
        h('h3', {}, t('plans.kind.scorecard')), scorecardView(docs.scorecard.live),
        h('h3', {}, t('plans.kind.commission')), commissionView(docs.commission.live));
      mount(versions, h('h2', {}, t('plans.versions')),
        versionsView('scorecard', docs.scorecard.versions, docs.scorecard.live),
        versionsView('commission', docs.commission.versions, docs.commission.live));
      draftForm();
      main.dataset.team = team;
    } catch (e) {
      if (gone) return;
      const none = e instanceof ApiError && (e.status === 404 || e.status === 403);
      mount(live, h('p', { class: none ? 'empty' : 'error' }, none ? t('plans.not_yours') : t('error.load', { detail: e.message })));
    }
  }

  async function start() {
    if (me.role === 'salesperson') return mount(main, h('p', { class: 'empty', id: 'plans-not-yours' }, t('plans.not_yours')));
    try {
      teams = await teamsOf(me, get);
      const list = await get('/api/v1/teams?limit=500').catch(() => ({ items: [] }));
      names = Object.fromEntries((list.items || []).map((x) => [x.id, x.name || x.id]));
      team = teams[0];
      if (gone) return;
      if (!team) return mount(main, h('p', { class: 'empty' }, t('empty.no_team')));
      await load();
    } catch (e) {
      if (!gone) mount(live, h('p', { class: 'error' }, t('error.load', { detail: e.message })));
    }
  }

  mount(main, head, h('div', { class: 'columns even' }, h('div', {}, live, versions), draft), sim);
  start();
  return () => { gone = true; };
}
