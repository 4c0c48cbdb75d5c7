// Targets / 目标 (/targets): a team's targets for a period (GET/PUT
// /api/v1/targets/teams/{id}/{period}/{key}), and their split among its members
// (POST .../split: even, weights or last period) — first a proposal to review per
// person, then the same request with confirm to write it. The period's key comes from
// the API (the team overview of that period), never from the browser's clock.
import { api, ApiError, get, post } from '../api.js';
import { h, mount } from '../dom.js';
import { metricValue, money, pick, t } from '../i18n.js';
import { peopleOf, teamsNamed } from '../paged.js';
import { mayWrite } from '../roles.js';

// Every metric a target may be set for, by unit (docs/metrics.md): how its input reads.
const METRICS = {
  sales_amount: 'money', orders: 'count', visits: 'count', calls: 'count', meetings: 'count',
  new_customers: 'count', collections: 'money', coverage: 'ratio', order_completion_rate: 'ratio',
  avg_order_value: 'money', activity_to_order: 'ratio', feedback_score: 'score', tickets_opened: 'count',
};
const PERIODS = ['month', 'week', 'quarter', 'year', 'day'];
const METHODS = ['even', 'weights', 'last_period'];

// A target as the page shows it: money and counts like the KPIs, ratios as the API gives them.
function shown(metric, v) {
  if (v === null || v === undefined) return t('common.none');
  return METRICS[metric] === 'money' ? money(v) : metricValue(metric, v);
}

// An input's text as the API takes it: money as a decimal string, the rest as numbers.
const asSent = (metric, s) => (METRICS[metric] === 'money' ? s : Number(s));

function fieldErrors(e) {
  if (!(e instanceof ApiError)) return [e.message];
  return e.body?.errors?.length ? e.body.errors.map((x) => `${x.field}: ${x.reason}`) : [e.message];
}

export function targetsPage(main, me) {
  const canWrite = mayWrite(me, 'target');
  const head = h('div', { class: 'toolbar' });
  const form = h('form', { class: 'targets', id: 'targets-form' });
  const split = h('section', { class: 'card', id: 'split' });
  const proposalBox = h('div', { id: 'proposal' });
  let teams = [];
  let teamNames = {};
  let team = null;
  let teamName = '';
  let period = 'month';
  let key = '';
  let members = [];
  let people = {};
  let gone = false;

  function toolbar() {
    const keyInput = h('input', { id: 'period-key', value: key, size: 10,
      onchange: (ev) => { key = ev.target.value.trim(); load(); } });
    mount(head,
      h('h1', {}, t('targets.title')),
      teams.length > 1 ? h('select', { id: 'team', onchange: (ev) => { team = ev.target.value; start(true); } },
        teams.map((id) => h('option', { value: id, selected: id === team }, teamNames[id] || id))) : h('span', { id: 'team' }, teamName || team),
      h('select', { id: 'period', onchange: (ev) => { period = ev.target.value; start(true); } },
        PERIODS.map((p) => h('option', { value: p, selected: p === period }, t(`targets.period.${p}`)))),
      h('label', { class: 'inline' }, h('span', {}, t('targets.key')), keyInput));
  }

  // The team's targets as a form: set ones as values, derived ones as placeholders.
  function targetsForm(answer) {
    const set = answer.targets || {};
    const derived = answer.derived || {};
    const errors = h('ul', { class: 'error', id: 'targets-errors' });
    const rows = Object.keys(METRICS).map((m) => h('label', { class: 'target', 'data-metric': m },
      h('span', {}, t(`tmetric.${m}`)),
      h('input', {
        name: m, value: set[m] ?? '', inputmode: METRICS[m] === 'count' ? 'numeric' : 'decimal', disabled: !canWrite,
        placeholder: derived[m] !== undefined ? t('targets.derived', { v: shown(m, derived[m]) }) : t(`targets.unit.${METRICS[m]}`),
      })));
    const incomplete = Object.entries(answer.incomplete || {}).map(([m, months]) =>
      h('li', {}, t('targets.incomplete', { metric: t(`tmetric.${m}`), months: months.join(', ') })));
    mount(form,
      h('div', { class: 'target-grid' }, rows),
      incomplete.length ? h('ul', { class: 'hint' }, incomplete) : null,
      Object.keys(set).length ? null : h('p', { class: 'empty', id: 'targets-empty' }, t(canWrite ? 'targets.empty' : 'targets.empty_read')),
      errors,
      canWrite ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'save-targets' }, t('targets.save'))) : null);
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const body = {};
      for (const m of Object.keys(METRICS)) {
        const v = form.elements[m].value.trim();
        if (v !== '') body[m] = asSent(m, v);
      }
      try {
        await api('PUT', path(), { targets: body });
        await load();
        head.append(h('span', { class: 'saved', id: 'saved' }, t('common.saved')));
      } catch (e) {
        mount(errors, fieldErrors(e).map((x) => h('li', {}, x)));
      }
    };
    return Object.keys(set).length > 0;
  }

  function splitForm(hasTargets) {
    if (!canWrite) return mount(split);
    if (!hasTargets) return mount(split, h('h2', {}, t('split.title')), h('p', { class: 'empty' }, t('split.need_targets')));
    let method = 'even';
    const weights = h('div', { class: 'weights', hidden: true }, members.map((id) => h('label', { class: 'inline' },
      h('span', {}, people[id] || id), h('input', { name: `w.${id}`, 'data-salesperson': id, inputmode: 'decimal', value: '1', size: 4 }))));
    const minShare = h('input', { id: 'min-share', inputmode: 'decimal', placeholder: '0', size: 4 });
    const errors = h('ul', { class: 'error', id: 'split-errors' });
    const request = (confirm) => {
      const body = { method };
      if (method === 'weights') {
        body.weights = Object.fromEntries([...weights.querySelectorAll('input')].map((i) => [i.dataset.salesperson, Number(i.value)]));
      }
      if (minShare.value.trim()) body.min_share = Number(minShare.value);
      if (confirm) body.confirm = true;
      return body;
    };
    const ask = async (confirm) => {
      mount(errors);
      try {
        const answer = await post(`${path('split')}`, request(confirm));
        proposal(answer, () => ask(true));
      } catch (e) {
        mount(errors, fieldErrors(e).map((x) => h('li', {}, x)));
      }
    };
    mount(split,
      h('h2', {}, t('split.title')),
      members.length ? null : h('p', { class: 'empty' }, t('split.no_members')),
      h('div', { class: 'tabs', role: 'group' }, METHODS.map((m) => h('button', {
        type: 'button', class: 'tab', 'data-method': m, 'aria-pressed': String(m === method),
        onclick: (ev) => {
          method = m;
          ev.currentTarget.parentElement.querySelectorAll('.tab').forEach((b) => b.setAttribute('aria-pressed', String(b === ev.currentTarget)));
          weights.hidden = m !== 'weights';
        },
      }, t(`split.${m}`)))),
      h('p', { class: 'hint' }, t('split.help')),
      weights,
      h('label', { class: 'inline' }, h('span', {}, t('split.min_share')), minShare),
      errors,
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'propose', onclick: () => ask(false) }, t('split.propose'))),
      proposalBox);
  }

  // The proposal per person: one row each, one column per metric, the team's target last.
  function proposal(answer, confirm) {
    const metrics = Object.keys(answer.team_targets || {});
    const ids = Object.keys(answer.proposal || {});
    const warn = (answer.warnings || []).map((w) => h('li', {},
      w.salesperson_id ? `${people[w.salesperson_id] || w.salesperson_id} · ` : '', `${t(`tmetric.${w.metric}`)}: `,
      pick({ reason: w.zh ?? w.reason, reason_en: w.reason }, 'reason')));
    mount(proposalBox,
      h('h3', {}, t(answer.confirmed ? 'split.confirmed' : 'split.proposal', { method: t(`split.${answer.method}`) })),
      h('table', { class: 'list proposal', id: 'proposal-table', 'data-confirmed': String(answer.confirmed) },
        h('thead', {}, h('tr', {}, h('th', {}, t('split.person')), metrics.map((m) => h('th', {}, t(`tmetric.${m}`))))),
        h('tbody', {},
          ids.map((id) => h('tr', { 'data-salesperson': id },
            h('td', { 'data-label': t('split.person') }, people[id] || id),
            metrics.map((m) => h('td', { 'data-label': t(`tmetric.${m}`), 'data-metric': m }, shown(m, answer.proposal[id][m]))))),
          h('tr', { class: 'total' }, h('td', { 'data-label': t('split.person') }, t('split.team_target')),
            metrics.map((m) => h('td', { 'data-label': t(`tmetric.${m}`) }, shown(m, answer.team_targets[m])))))),
      warn.length ? h('ul', { class: 'warnings', id: 'split-warnings' }, warn) : null,
      answer.confirmed
        ? h('p', { class: 'saved', id: 'split-done' }, t('split.done', { n: ids.length }))
        : h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'confirm-split', onclick: confirm }, t('split.confirm'))));
  }

  const path = (tail) => `/api/v1/targets/teams/${encodeURIComponent(team)}/${period}/${encodeURIComponent(key)}${tail ? `/${tail}` : ''}`;

  async function load() {
    toolbar();
    mount(proposalBox);
    try {
      const answer = await get(path());
      if (gone) return;
      splitForm(targetsForm(answer));
    } catch (e) {
      if (gone) return;
      const none = e instanceof ApiError && e.status === 404;
      mount(form, h('p', { class: none ? 'empty' : 'error' }, none ? t('targets.empty_read') : t('error.load', { detail: e.message })));
      mount(split);
    }
  }

  // The team's members and the current key of the period (from the API), then the targets.
  async function start(keepTeam) {
    try {
      if (!keepTeam) {
        ({ ids: teams, names: teamNames } = await teamsNamed(me, get));
        team = teams[0];
      }
      if (!team) return mount(main, h('p', { class: 'empty' }, t(me.role === 'salesperson' ? 'targets.not_yours' : 'empty.no_team')));
      const [overview, info, ps] = await Promise.all([
        get(`/api/v1/kpis/teams/${encodeURIComponent(team)}?period=${period}`),
        get(`/api/v1/teams/${encodeURIComponent(team)}`),
        peopleOf(team, get).catch(() => ({})),
      ]);
      if (gone) return;
      key = overview.period.key;
      teamName = overview.name || team;
      members = info.members || [];
      people = ps;
      await load();
    } catch (e) {
      if (!gone) mount(form, h('p', { class: 'error' }, t('error.load', { detail: e.message })));
    }
  }

  mount(main, head, h('div', { class: 'columns even' }, h('section', { class: 'card' }, h('h2', {}, t('targets.team')), form), split));
  start(false);
  return () => { gone = true; };
}
