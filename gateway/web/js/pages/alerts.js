// Alerts center / 预警中心 (/alerts): the stored alerts the caller sees
// (GET /api/v1/alerts) filtered by state, rule, team and salesperson, a page at a time;
// acknowledge, resolve, assign and comment (POST /api/v1/alerts/{id}/{action}, with the
// CSRF header of api.js). An action's answer is the alert after it: it replaces the row.
// Live: the alert stream (js/alerts.js) replaces a listed alert when it changes and puts
// a new one matching the filters first.
import { ApiError, get, post } from '../api.js';
import { alertFeed } from '../alerts.js';
import { h, mount } from '../dom.js';
import { pick, shortTime, t } from '../i18n.js';
import { filterSelect, pagedList, peopleOf, qs, teamsNamed } from '../paged.js';
import { mayWrite } from '../roles.js';

const STATES = ['open', 'acknowledged', 'resolved'];
const FILTERS = ['state', 'rule', 'team', 'salesperson'];
const choice = (...args) => filterSelect('alerts.filter', ...args);

export function alertsCenterPage(main, me) {
  const params = new URLSearchParams(location.search);
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const bar = h('div', { class: 'filters', id: 'alert-filters' });
  const box = h('ul', { class: 'alerts center', id: 'alert-list' });
  const canAct = mayWrite(me, 'alert');
  let teams = [];
  let teamNames = {};
  let rules = [];
  let people = {};
  let gone = false;
  let feed = null;
  const status = h('span', { class: 'status', id: 'feed-status' });

  // Runs one action; the answer replaces the row, a refusal (409, 400) is shown on it.
  async function act(a, li, action, body) {
    li.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    try {
      const next = await post(`/api/v1/alerts/${encodeURIComponent(a.id)}/${action}`, body);
      list.replace(li, next);
    } catch (e) {
      const why = e instanceof ApiError ? (e.body?.errors?.[0]?.reason || e.message) : e.message;
      li.querySelector('.act-error').textContent = why;
      li.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
  }

  function row(a) {
    const li = h('li', { 'data-alert-id': a.id, 'data-state': a.state, 'data-version': a.version ?? 0, class: `alert ${a.severity || ''}` });
    const text = h('input', { class: 'comment-text', placeholder: t('alerts.comment_hint'), maxlength: 2000 });
    const who = h('select', { class: 'assignee' },
      h('option', { value: '' }, t('alerts.assign_to')),
      h('option', { value: me.id }, t('alerts.me', { name: me.name || me.id })),
      Object.entries(people).map(([id, name]) => h('option', { value: id, selected: id === a.assignee }, name)));
    const withComment = () => (text.value.trim() ? { comment: text.value.trim() } : {});
    const button = (action, label, body) => h('button', {
      type: 'button', class: action, 'data-action': action, onclick: () => act(a, li, action, body()),
    }, t(label));
    const actions = canAct ? h('div', { class: 'actions' },
      a.state === 'open' ? button('ack', 'alerts.ack', withComment) : null,
      a.state !== 'resolved' ? button('resolve', 'alerts.resolve', withComment) : null,
      a.state !== 'resolved' ? h('span', { class: 'assign' }, who, h('button', {
        type: 'button', 'data-action': 'assign',
        onclick: () => (who.value ? act(a, li, 'assign', { assignee: who.value, ...withComment() }) : who.focus()),
      }, t('alerts.assign'))) : null,
      text,
      button('comment', 'alerts.comment', () => ({ text: text.value.trim() }))) : null;
    const comments = (a.comments || []).map((c) => h('li', {},
      h('time', {}, shortTime(c.at)), ' ', h('strong', {}, c.author || ''), ' ', c.text));
    const customer = a.customer_id
      ? h('a', { href: `/customers/${encodeURIComponent(a.customer_id)}` }, a.customer_name || a.customer_id) : null;
    return mount(li,
      h('div', { class: 'title' }, pick(a, 'title')),
      h('div', { class: 'meta' },
        h('time', {}, shortTime(a.raised_at)),
        h('span', { class: `state ${a.state}`, 'data-field': 'state' }, t(`state.${a.state}`)),
        a.escalated_at ? h('span', { class: 'escalated', 'data-field': 'escalated' }, t('alerts.escalated')) : null,
        h('span', {}, t(`rule.${a.rule}`)),
        a.team_name || a.team_id ? h('span', {}, a.team_name || a.team_id) : null,
        a.salesperson_name || a.salesperson_id ? h('span', {}, a.salesperson_name || a.salesperson_id) : null,
        customer,
        a.assignee ? h('span', { 'data-field': 'assignee' }, t('alerts.assigned', { who: a.assignee === me.id ? me.name || me.id : people[a.assignee] || a.assignee })) : null),
      h('p', { class: 'why' }, pick(a, 'explanation')),
      comments.length ? h('ul', { class: 'comments' }, comments) : null,
      actions,
      h('p', { class: 'error act-error', role: 'alert' }));
  }

  const list = pagedList({
    box,
    row,
    fetchPage: (cursor) => get(`/api/v1/alerts?${qs({ ...f, limit: 50, cursor })}`),
    empty: () => h('li', { class: 'empty' }, t(FILTERS.some((k) => f[k]) ? 'alerts.empty_filtered' : 'alerts.empty_center')),
  });

  function filters() {
    const set = (k) => async (ev) => {
      f[k] = ev.target.value;
      if (k === 'team') { f.salesperson = ''; people = await peopleOf(f.team, get).catch(() => ({})); filters(); }
      history.replaceState(null, '', `/alerts${FILTERS.some((x) => f[x]) ? `?${qs(f)}` : ''}`);
      list.reload();
    };
    mount(bar,
      choice('state', STATES, f.state, (v) => t(`state.${v}`), set('state')),
      rules.length ? choice('rule', rules, f.rule, (v) => t(`rule.${v}`), set('rule')) : null,
      teams.length > 1 ? choice('team', teams, f.team, (v) => teamNames[v] || v, set('team')) : null,
      choice('salesperson', Object.keys(people), f.salesperson, (v) => people[v], set('salesperson')));
  }

  // An alert from the stream: its listed row replaced, or a new one first when it matches.
  // Skipped while a listing loads (its pages bring the alert as it is then).
  function live(a) {
    if (list.loading) return;
    const li = [...box.querySelectorAll(':scope > li[data-alert-id]')].find((el) => el.dataset.alertId === a.id);
    if (li) return (a.version ?? 0) > Number(li.dataset.version) ? list.replace(li, a) : undefined;
    const matches = (!f.state || a.state === f.state) && (!f.rule || a.rule === f.rule)
      && (!f.team || a.team_id === f.team) && (!f.salesperson || a.salesperson_id === f.salesperson);
    if (a.change === 'raised' && matches) list.prepend(a);
  }

  async function start() {
    feed = alertFeed({
      onAlert: (a) => { if (!gone) live(a); },
      onStatus: (s) => { status.textContent = t(`alerts.${s}`); status.dataset.state = s; },
    });
    ({ ids: teams, names: teamNames } = await teamsNamed(me, get).catch(() => ({ ids: [], names: {} })));
    const ruleTeam = f.team || teams[0];
    const [rs, ps] = await Promise.all([
      ruleTeam ? get(`/api/v1/teams/${encodeURIComponent(ruleTeam)}/alert-rules`).catch(() => null) : null,
      peopleOf(f.team, get).catch(() => ({})),
    ]);
    if (gone) return;
    rules = (rs?.rules || []).map((r) => r.rule);
    people = ps;
    filters();
    list.reload();
  }

  mount(main,
    h('div', { class: 'toolbar' }, h('h1', {}, t('alerts.center')), status),
    bar,
    h('section', { class: 'card' }, box, list.foot));
  start();
  return () => { gone = true; feed?.close(); };
}
