// Leaderboard / 排行榜: the salespeople of a team (or the company, for callers who see
// every team) ranked by a metric — by its value, or by attainment or pace against each
// one's target — or by score, for a day, week, month, quarter or year
// (GET /api/v1/leaderboards). Ranks, movement and values are the API's, formatted only.
import { ApiError, get } from '../api.js';
import { h, mount } from '../dom.js';
import { percent, periodLabel, t } from '../i18n.js';
import { ACCUMULATING, METRICS, directionHint, formatMetric, metricName } from '../metrics.js';
import { personLink, workdaysText } from '../kpi.js';
import { teamsNamed } from '../paged.js';

const PERIODS = ['day', 'week', 'month', 'quarter', 'year'];
const KEY = 'nq.board';

// Where the caller may look: their teams, or (roles without teams) every team and the
// company; with the teams' names ({id: name}) for the picker.
async function scopesOf(me) {
  const { ids, names } = await teamsNamed(me, get, true);
  const teams = ids.map((id) => `team:${id}`);
  return { scopes: me.teams?.length ? teams : ['company', ...teams], names };
}

function movement(e) {
  const m = e.movement;
  if (m > 0) return h('span', { class: 'move up', 'data-field': 'movement', title: t('board.up', { n: m }) }, `▲${m}`);
  if (m < 0) return h('span', { class: 'move down', 'data-field': 'movement', title: t('board.down', { n: -m }) }, `▼${-m}`);
  return h('span', { class: 'move same', 'data-field': 'movement', title: t('board.same') }, '–');
}

function table(board, sel) {
  const entries = board.entries || [];
  if (!entries.length) return h('p', { class: 'empty' }, t('board.empty'));
  const plan = Boolean(board.by);
  // Names without figures: say what fills the board in.
  const nothing = (v) => v === null || v === undefined || Number(v) === 0;
  // All at 0 on a lower-is-better metric is the best state, not a missing one.
  const allZero = entries.every((e) => e.value !== null && e.value !== undefined && Number(e.value) === 0);
  const note = plan && entries.every((e) => e.target === null || e.target === undefined) ? 'board.no_targets'
    : !plan && allZero && board.direction === 'lower_is_better' ? 'board.all_zero_lower'
      : entries.every((e) => nothing(e.value)) ? 'board.no_figures' : null;
  const value = (e) => (plan ? percent(e.value) : formatMetric(sel.metric, e.value));
  const cell = (field, text) => h('td', { 'data-field': field }, text);
  // A lower-is-better metric: by its value the lowest ranks first; against targets the
  // target is a ceiling (attainment 100 % within it).
  const lower = board.direction === 'lower_is_better'
    ? h('p', { class: 'hint', id: 'board-direction' }, directionHint(board.direction),
      t(plan ? 'board.lower_ceiling' : 'board.lower_first'))
    : null;
  return [note ? h('p', { class: 'empty', id: 'board-note' }, t(note)) : null, lower,
    h('div', { class: 'scroll' }, h('table', { class: 'board', id: 'board' },
    h('thead', {}, h('tr', {},
      h('th', {}, t('board.rank')), h('th', {}, t('board.move')), h('th', {}, t('board.name')),
      h('th', {}, plan ? t(`board.by.${board.by}`) : metricName(sel.metric)),
      plan ? [h('th', {}, t('kpi.actual')), h('th', {}, t('kpi.target')), h('th', {}, t('board.gap'))] : null)),
    h('tbody', {}, entries.map((e) => h('tr', { 'data-salesperson': e.salesperson_id },
      cell('rank', e.rank), h('td', {}, movement(e)), h('td', {}, personLink(e.salesperson_id, e.name)),
      cell('value', value(e)),
      plan ? [cell('actual', formatMetric(sel.metric, e.actual)), cell('target', formatMetric(sel.metric, e.target)),
        cell('gap', formatMetric(sel.metric, e.gap))] : null)))))];
}

export function leaderboardPage(main, me) {
  const saved = JSON.parse(localStorage.getItem(KEY) || '{}');
  const sel = { metric: 'sales_amount', by: 'value', period: 'month', scope: null, ...saved };
  const head = h('div', { class: 'toolbar' });
  const body = h('section', { class: 'card', id: 'board-box' }, h('p', {}, t('common.loading')));
  let scopes = [];
  let teamNames = {};
  let gone = false;
  let loads = 0;

  const set = (k, v) => { sel[k] = v; localStorage.setItem(KEY, JSON.stringify(sel)); load(); };
  function toolbar(board) {
    const option = (value, label, current) => h('option', { value, selected: value === current }, label);
    const byChoices = sel.metric === 'score' ? ['value']
      : ACCUMULATING.includes(sel.metric) ? ['value', 'attainment', 'pace'] : ['value', 'attainment'];
    mount(head,
      h('h1', {}, t('nav.leaderboard')),
      h('select', { id: 'board-scope', 'aria-label': t('board.scope'), onchange: (ev) => set('scope', ev.target.value) },
        scopes.map((s) => option(s, s === 'company' ? t('board.company') : teamNames[s.slice(5)] || s.slice(5), sel.scope))),
      h('select', { id: 'board-metric', 'aria-label': t('board.metric'), onchange: (ev) => set('metric', ev.target.value) },
        [...METRICS, 'score'].map((m) => option(m, m === 'score' ? t('board.score') : metricName(m), sel.metric))),
      h('select', { id: 'board-by', 'aria-label': t('board.by'), onchange: (ev) => set('by', ev.target.value) },
        byChoices.map((b) => option(b, t(`board.by.${b}`), sel.by))),
      h('div', { class: 'tabs', role: 'group' }, PERIODS.map((p) => h('button', {
        type: 'button', class: 'tab', 'data-period': p, 'aria-pressed': String(p === sel.period),
        onclick: () => set('period', p),
      }, t(`period.${p}`)))),
      board ? h('span', { class: 'period', id: 'board-period' }, periodLabel(board.period)) : null,
      board?.workdays ? h('span', { class: 'workdays' }, workdaysText(board.workdays)) : null);
  }

  async function load() {
    const mine = ++loads;
    if (sel.metric === 'score' || (sel.by === 'pace' && !ACCUMULATING.includes(sel.metric))) sel.by = 'value';
    toolbar(null);
    const q = new URLSearchParams({ scope: sel.scope, metric: sel.metric, period: sel.period });
    if (sel.by !== 'value') q.set('by', sel.by);
    try {
      const board = await get(`/api/v1/leaderboards?${q}`);
      if (gone || mine !== loads) return;
      toolbar(board);
      body.dataset.query = q.toString();
      mount(body, table(board, sel));
    } catch (e) {
      if (gone || mine !== loads) return;
      mount(body, h('p', { class: 'error' }, e instanceof ApiError && (e.status === 403 || e.status === 404)
        ? t('board.not_allowed') : t('error.load', { detail: e.message })));
    }
  }

  (async () => {
    if (me.role === 'salesperson') return mount(body, h('p', { class: 'empty' }, t('board.not_allowed')));
    try {
      ({ scopes, names: teamNames } = await scopesOf(me));
    } catch (e) {
      return mount(body, h('p', { class: 'error' }, e instanceof ApiError && e.status === 403
        ? t('board.not_allowed') : t('error.load', { detail: e.message })));
    }
    if (!scopes.length) return mount(body, h('p', { class: 'empty' }, t('empty.no_teams_at_all')));
    if (!scopes.includes(sel.scope)) sel.scope = scopes[0];
    load();
  })();
  mount(main, head, body);
  return () => { gone = true; };
}
