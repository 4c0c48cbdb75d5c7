// Public pool / 公海 (/pool): a team's customers without owner
// (GET /api/v1/customers?team=<t>&status=pool), with when each went there and whose it was.
// A salesperson claims one (POST .../claim); who may write the org gives one to a
// salesperson of the team with a reason (POST .../assign). A refusal shows the server's
// reason (claim limit reached, no longer in the pool) on the row.
import { api, ApiError, get } from '../api.js';
import { h, mount } from '../dom.js';
import { shortTime, t } from '../i18n.js';
import { pagedList, peopleOf, qs, teamsNamed } from '../paged.js';
import { mayWrite } from '../roles.js';

// The owner before the pool: the entry before the last of the history (the last is the pool's),
// with the name the API gives beside its id.
export function previousOwner(c) {
  const hist = c.owner_history || [];
  for (let i = hist.length - 2; i >= 0; i--) if (hist[i].owner_id) return hist[i];
  return null;
}

// Why an owner changed, as the service writes it (docs/customers.md), in the page's words.
const REASONS = [
  [/^pool: not contacted (\d+) days$/, (m) => t('pool.reason.swept', { n: m[1] })],
  [/^claim$/, () => t('pool.reason.claim')],
  [/^claim: by (.+)$/, (m) => t('pool.reason.claim_by', { who: m[1] })],
  [/^assign: (round_robin|least_loaded)$/, (m) => t(`pool.reason.rule.${m[1]}`)],
  [/^assign: by ([^:]+): (.+)$/, (m) => t('pool.reason.assign_why', { who: m[1], why: m[2] })],
  [/^assign: by ([^:]+)$/, (m) => t('pool.reason.assign', { who: m[1] })],
];
export function reasonText(reason) {
  for (const [re, text] of REASONS) {
    const m = re.exec(reason || '');
    if (m) return text(m);
  }
  return reason || '';
}

// A refusal of a claim or an assignment: the reason's words and the server's own text.
function refusal(e) {
  const detail = e instanceof ApiError ? e.body?.detail || e.message : e.message;
  const code = /^(\w+)[:：]/.exec(detail || '')?.[1] || (e instanceof ApiError ? e.body?.error : null);
  const known = code && t(`pool.refused.${code}`) !== `pool.refused.${code}` ? t(`pool.refused.${code}`) : null;
  const fields = e instanceof ApiError ? (e.body?.errors || []).map((x) => `${x.field}: ${x.reason}`) : [];
  return h('p', { class: 'error', role: 'alert', 'data-refused': code || String(e.status || '') },
    known || t('pool.refused.other'), h('br', {}), h('span', { class: 'muted' }, [detail, ...fields].filter(Boolean).join(' · ')));
}

export function poolPage(main, me) {
  const claims = me.role === 'salesperson' && Boolean(me.salesperson_id);
  const assigns = mayWrite(me, 'org');
  const body = h('tbody', { id: 'pool-rows' });
  const bar = h('div', { class: 'filters', id: 'pool-filters' });
  const note = h('p', { class: 'hint', id: 'pool-note' });
  let team = new URLSearchParams(location.search).get('team') || '';
  let teams = [];
  let teamNames = {};
  let people = {}; // the team's salespeople: the picker
  let everyone = {}; // whoever the caller sees: previous owners' names
  let gone = false;

  const name = (id) => people[id] || everyone[id] || id;

  // Take a row away once its customer has an owner, and say who.
  function taken(tr, c, text) {
    tr.replaceWith(h('tr', { 'data-customer-id': c.id, 'data-taken': c.owner_id },
      h('td', { colspan: 6, class: 'saved' }, text)));
  }

  async function act(tr, cell, c, path, payload, done) {
    cell.querySelectorAll('button, select, input').forEach((el) => { el.disabled = true; });
    cell.querySelector('[role=alert]')?.remove();
    try {
      const next = await api('POST', `/api/v1/customers/${encodeURIComponent(c.id)}/${path}`, payload);
      taken(tr, next, done(next));
    } catch (e) {
      cell.append(refusal(e));
      cell.querySelectorAll('button, select, input').forEach((el) => { el.disabled = false; });
    }
  }

  function actions(tr, c) {
    const cell = h('td', { 'data-label': t('pool.col.action'), class: 'row-actions' });
    if (claims) {
      cell.append(h('button', { type: 'button', 'data-action': 'claim',
        onclick: () => act(tr, cell, c, 'claim', {}, () => t('pool.claimed', { name: c.name || c.id })) }, t('pool.claim')));
    }
    if (assigns) {
      const pick = h('select', { 'data-field': 'salesperson', 'aria-label': t('pool.assign_to') },
        h('option', { value: '' }, t('pool.assign_to')),
        Object.entries(people).map(([id, n]) => h('option', { value: id }, n)));
      const why = h('input', { 'data-field': 'reason', maxlength: 120, placeholder: t('pool.reason_hint') });
      const go = h('button', { type: 'button', 'data-action': 'assign', disabled: true,
        onclick: () => act(tr, cell, c, 'assign', { salesperson_id: pick.value, ...(why.value.trim() ? { reason: why.value.trim() } : {}) },
          (next) => t('pool.assigned', { name: c.name || c.id, to: name(next.owner_id) })) }, t('pool.assign'));
      pick.onchange = () => { go.disabled = !pick.value; };
      cell.append(h('span', { class: 'inline' }, pick, why, go));
    }
    return cell;
  }

  function row(c) {
    const tr = h('tr', { 'data-customer-id': c.id });
    const prev = previousOwner(c);
    tr.append(
      h('td', { 'data-label': t('customers.col.name') },
        h('a', { href: `/customers/${encodeURIComponent(c.id)}`, class: 'strong' }, c.name || c.id)),
      h('td', { 'data-label': t('customers.col.class'), 'data-field': 'class' }, t(`class.${c.class || 'normal'}`)),
      h('td', { 'data-label': t('customers.col.last_contact'), 'data-field': 'last_contact' },
        c.last_contact_at ? shortTime(c.last_contact_at) : t('customers.never')),
      h('td', { 'data-label': t('pool.col.since'), 'data-field': 'since' }, shortTime(c.since)),
      h('td', { 'data-label': t('pool.col.previous'), 'data-field': 'previous', 'data-owner-id': prev?.owner_id || '' },
        prev ? prev.owner_name || name(prev.owner_id) : t('common.none')),
      actions(tr, c));
    return tr;
  }

  const list = pagedList({
    box: body,
    row,
    fetchPage: (cursor) => get(`/api/v1/customers?${qs({ team, status: 'pool', limit: 50, cursor })}`),
    empty: () => h('tr', {}, h('td', { colspan: 6, class: 'empty' }, t('pool.empty'))),
  });

  async function choose(id) {
    team = id;
    history.replaceState(null, '', `/pool${team ? `?${qs({ team })}` : ''}`);
    main.querySelector('#pool-table')?.setAttribute('data-team', team);
    people = assigns && team ? await peopleOf(team, get).catch(() => ({})) : {};
    if (gone) return;
    mount(note, t(claims ? 'pool.note.claim' : 'pool.note.assign', { team: teamNames[team] || team }));
    list.reload();
  }

  function filters() {
    if (teams.length < 2) return mount(bar);
    return mount(bar, h('label', { class: 'filter' }, h('span', {}, t('customers.filter.team')),
      h('select', { id: 'f-team', onchange: (ev) => choose(ev.target.value) },
        teams.map((id) => h('option', { value: id, selected: id === team }, teamNames[id] || id)))));
  }

  async function start() {
    try {
      if (claims) { // a salesperson: their own team's pool
        const sp = await get(`/api/v1/salespeople/${encodeURIComponent(me.salesperson_id)}`);
        teams = sp.team_id ? [sp.team_id] : [];
        teamNames = sp.team_id ? { [sp.team_id]: sp.team_name || sp.team_id } : {};
      } else {
        ({ ids: teams, names: teamNames } = await teamsNamed(me, get, true));
      }
      everyone = await peopleOf(undefined, get).catch(() => ({}));
    } catch (e) {
      if (!gone) mount(body, h('tr', {}, h('td', { colspan: 6, class: 'error' }, t('error.load', { detail: e.message }))));
      return;
    }
    if (gone) return;
    if (!teams.length) {
      mount(body, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, t('pool.no_team'))));
      return;
    }
    if (!teams.includes(team)) team = teams[0];
    filters();
    choose(team);
  }

  mount(main,
    h('div', { class: 'toolbar' }, h('h1', {}, t('pool.title'))),
    bar,
    note,
    h('section', { class: 'card' },
      h('table', { class: 'list', id: 'pool-table' },
        h('thead', {}, h('tr', {}, ['customers.col.name', 'customers.col.class', 'customers.col.last_contact',
          'pool.col.since', 'pool.col.previous', 'pool.col.action'].map((k) => h('th', {}, t(k))))),
        body),
      list.foot));
  start();
  return () => { gone = true; };
}
