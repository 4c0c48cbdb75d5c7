// Cursor paging for the lists of the API ({items, next_cursor}): pages are appended
// under a "Load more" button; a sparse page (fewer items than asked, a cursor still
// there) is followed at once, a few pages at most, so the list never looks empty
// while more may match. Only the newest listing renders.
import { h, mount } from './dom.js';
import { t } from './i18n.js';

const FOLLOW = 5; // empty pages followed before asking the user to go on

export function pagedList({ box, fetchPage, row, empty }) {
  let cursor = null;
  let runs = 0;
  let rows = [];
  let loading = false; // between a reload and its first page
  const more = h('button', { type: 'button', class: 'more', 'data-action': 'more' }, t('list.more'));
  const foot = h('div', { class: 'list-foot' });

  async function next(run, first) {
    more.disabled = true;
    try {
      for (let i = 0; i < FOLLOW; i++) {
        const page = await fetchPage(cursor);
        if (run !== runs) return;
        cursor = page.next_cursor ?? null;
        const items = page.items || [];
        rows = rows.concat(items);
        box.append(...items.map(row));
        if (items.length || cursor === null) break;
      }
      loading = false;
      if (first && !rows.length && cursor === null) mount(box, empty());
      mount(foot, cursor !== null ? more : null);
      box.dataset.complete = String(cursor === null);
      more.disabled = false;
    } catch (e) {
      if (run !== runs) return;
      loading = false;
      mount(foot, h('p', { class: 'error' }, t('error.load', { detail: e.message })), more);
      more.disabled = false;
    }
  }
  more.onclick = () => next(runs, false);

  return {
    foot,
    get loading() { return loading; },
    reload() {
      const run = ++runs;
      loading = true;
      cursor = null;
      rows = [];
      box.dataset.complete = 'false';
      mount(box);
      mount(foot, h('p', { class: 'hint' }, t('common.loading')));
      return next(run, true);
    },
    // Replaces one row in place (an alert after an action or a change seen live).
    replace(el, item) { el.replaceWith(row(item)); },
    // Puts a new item first (one raised while the page is open), the empty state gone.
    prepend(item) {
      box.querySelector(':scope > .empty')?.remove();
      box.prepend(row(item));
    },
  };
}

// A query string of the set values ({a: 'x', b: ''} -> "a=x"); `keep` names those sent even empty.
export function qs(params, keep = []) {
  return Object.entries(params)
    .filter(([k, v]) => v !== undefined && v !== null && (v !== '' || keep.includes(k)))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

// The teams a user works with: their own, or every team for roles without teams.
export async function teamsOf(me, get) {
  if (me.teams?.length) return me.teams;
  if (me.role === 'salesperson') return [];
  const list = await get('/api/v1/teams?limit=500');
  return (list.items || []).map((team) => team.id);
}

// The teams a user works with and their names: {ids, names: {id: name}}. One list call
// (GET /api/v1/teams holds only the caller's teams), none for a user of a single team
// unless `always` (pages name a lone team from their own answer).
export async function teamsNamed(me, get, always = false) {
  if (!me.teams?.length && me.role === 'salesperson') return { ids: [], names: {} };
  if (me.teams?.length === 1 && !always) return { ids: me.teams, names: {} };
  const items = (await get('/api/v1/teams?limit=500')).items || [];
  const names = Object.fromEntries(items.map((x) => [x.id, x.name || x.id]));
  return { ids: me.teams?.length ? me.teams : items.map((x) => x.id), names };
}

// Salespeople the caller sees (of one team, or all), by id: {id: name}.
export async function peopleOf(team, get) {
  const list = await get(`/api/v1/salespeople?${qs({ team, limit: 500 })}`);
  return Object.fromEntries((list.items || []).map((p) => [p.id, p.name || p.id]));
}

// A filter of a list: a select of values with "all" first, labelled `${prefix}.${id}`.
export function filterSelect(prefix, id, values, current, label, onchange) {
  return h('label', { class: 'filter' }, h('span', {}, t(`${prefix}.${id}`)),
    h('select', { id: `f-${id}`, onchange },
      h('option', { value: '' }, t('common.all')),
      values.map((v) => h('option', { value: v, selected: v === current }, label(v)))));
}
