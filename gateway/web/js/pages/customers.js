// Customers / 客户: the list the caller sees (GET /api/v1/customers) with class, owner,
// status, last contact and next follow-up due; filters (team, owner, class, status,
// overdue follow-up) kept in the address, so a filtered list can be shared and reloaded.
import { get } from '../api.js';
import { h, mount } from '../dom.js';
import { shortTime, t } from '../i18n.js';
import { filterSelect, pagedList, peopleOf, qs, teamsNamed } from '../paged.js';

export const CLASSES = ['key', 'normal', 'potential'];
export const STATUSES = ['active', 'dormant', 'lost', 'pool'];
const FILTERS = ['team', 'owner', 'class', 'status', 'overdue'];
const choice = (...args) => filterSelect('customers.filter', ...args);

// The follow-up cell: the due time, marked overdue once it has passed.
export function dueCell(c, overdueListed) {
  if (!c.followup_due_at) return h('span', { class: 'muted' }, t('customers.no_followup'));
  const overdue = overdueListed || Date.parse(c.followup_due_at) <= Date.now();
  return h('span', { class: overdue ? 'overdue' : '' }, shortTime(c.followup_due_at),
    overdue ? h('span', { class: 'badge bad' }, t('customers.overdue')) : null);
}

export function customersPage(main, me) {
  const params = new URLSearchParams(location.search);
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const bar = h('div', { class: 'filters', id: 'customer-filters' });
  const body = h('tbody', { id: 'customer-rows' });
  let people = {};
  let teams = [];
  let teamNames = {};
  let gone = false;

  const owner = (id) => (id ? people[id] || id : t('customers.pool'));
  const row = (c) => h('tr', { 'data-customer-id': c.id },
    h('td', { 'data-label': t('customers.col.name') },
      h('a', { href: `/customers/${encodeURIComponent(c.id)}`, class: 'strong' }, c.name || c.id)),
    h('td', { 'data-label': t('customers.col.class'), 'data-field': 'class' }, t(`class.${c.class}`)),
    h('td', { 'data-label': t('customers.col.owner'), 'data-field': 'owner' }, owner(c.owner_id)),
    h('td', { 'data-label': t('customers.col.status'), 'data-field': 'status' }, t(`cstatus.${c.status || 'active'}`)),
    h('td', { 'data-label': t('customers.col.last_contact'), 'data-field': 'last_contact' },
      c.last_contact_at ? shortTime(c.last_contact_at) : t('customers.never')),
    h('td', { 'data-label': t('customers.col.due'), 'data-field': 'due' }, dueCell(c, f.overdue === 'followup')));
  const list = pagedList({
    box: body,
    row,
    fetchPage: (cursor) => get(`/api/v1/customers?${qs({
      team: f.team, owner: f.owner, class: f.class, status: f.status, overdue: f.overdue, limit: 50, cursor,
    })}`),
    empty: () => h('tr', {}, h('td', { colspan: 6, class: 'empty' },
      t(f.overdue ? 'customers.empty_overdue' : (FILTERS.some((k) => f[k]) ? 'customers.empty_filtered' : 'customers.empty')))),
  });

  function set(k, v) {
    f[k] = v;
    if (k === 'team') f.owner = '';
    history.replaceState(null, '', `/customers${FILTERS.some((x) => f[x]) ? `?${qs(f)}` : ''}`);
    if (k === 'team') return loadPeople().then(list.reload);
    return list.reload();
  }

  function filters() {
    mount(bar,
      teams.length > 1 ? choice('team', teams, f.team, (v) => teamNames[v] || v, (ev) => set('team', ev.target.value)) : null,
      choice('owner', Object.keys(people), f.owner, owner, (ev) => set('owner', ev.target.value)),
      choice('class', CLASSES, f.class, (v) => t(`class.${v}`), (ev) => set('class', ev.target.value)),
      choice('status', STATUSES, f.status, (v) => t(`cstatus.${v}`), (ev) => set('status', ev.target.value)),
      h('label', { class: 'filter check' },
        h('input', { type: 'checkbox', id: 'f-overdue', checked: f.overdue === 'followup',
          onchange: (ev) => set('overdue', ev.target.checked ? 'followup' : '') }),
        h('span', {}, t('customers.filter.overdue'))));
  }

  async function loadPeople() {
    people = await peopleOf(f.team, get).catch(() => ({}));
    if (!gone) filters();
  }

  async function start() {
    ({ ids: teams, names: teamNames } = await teamsNamed(me, get).catch(() => ({ ids: [], names: {} })));
    if (gone) return;
    await loadPeople();
    list.reload();
  }

  mount(main,
    h('div', { class: 'toolbar' }, h('h1', {}, t('customers.title'))),
    bar,
    h('section', { class: 'card' },
      h('table', { class: 'list', id: 'customers' },
        h('thead', {}, h('tr', {}, ['name', 'class', 'owner', 'status', 'last_contact', 'due']
          .map((c) => h('th', {}, t(`customers.col.${c}`))))),
        body),
      list.foot));
  start();
  return () => { gone = true; };
}
