// A customer / 客户详情 (/customers/{id}): the record (GET /api/v1/customers/{id}), edited
// with PATCH by who may write the org (only the fields changed are sent), its owner
// history, and its timeline (GET .../timeline) by kind: contacts, orders, feedback,
// tickets, receivables; its competitor intel this year (GET /api/v1/intel?customer=).
// Every figure is the API's, formatted only; names are the API's beside the ids.
import { api, ApiError, get } from '../api.js';
import { h, mount } from '../dom.js';
import { money, shortTime, t } from '../i18n.js';
import { pagedList, peopleOf, qs } from '../paged.js';
import { mayWrite } from '../roles.js';
import { CLASSES, STATUSES, dueCell } from './customers.js';
import { reasonText } from './pool.js';

// The timeline's tabs: the event types of each (docs/api.md, POST /api/v1/activities).
const VIEWS = {
  all: '',
  contacts: 'visit,call,meeting',
  orders: 'order,order_fulfilled,order_cancelled,return',
  feedback: 'feedback',
  tickets: 'ticket_opened,ticket_closed',
  receivables: 'invoice,payment',
};
// The fields an editor sends, each read from its input as the API takes it.
const TEXT = ['name', 'region', 'industry', 'credit_limit'];
const CONTACT = ['name', 'title', 'phone', 'email'];

const field = (name, label, value) =>
  h('div', { class: 'kv' }, h('dt', {}, label), h('dd', { 'data-field': name }, value ?? t('common.none')));

// One event of the timeline: when, what, who, how much, and its own words.
function eventRow(e, people) {
  const said = [e.purpose, e.outcome, e.text, e.notes, e.ticket_id && `#${e.ticket_id}`, e.order_id && `#${e.order_id}`,
    e.rating !== undefined && t('timeline.rating', { n: e.rating }), e.nps !== undefined && `NPS ${e.nps}`,
    e.priority && t(`priority.${e.priority}`), e.competitor, e.product].filter(Boolean).join(' · ');
  return h('li', { class: `event ${e.type}`, 'data-event-id': e.event_id, 'data-type': e.type },
    h('time', {}, shortTime(e.occurred_at)),
    h('span', { class: 'type' }, t(`event.${e.type}`)),
    h('span', { class: 'who' }, e.salesperson_name || people[e.salesperson_id] || e.salesperson_id),
    e.amount !== undefined ? h('span', { class: 'amount', 'data-field': 'amount' }, money(e.amount)) : null,
    e.price !== undefined ? h('span', { class: 'amount', 'data-field': 'price' }, money(e.price)) : null,
    e.due_at ? h('span', { class: 'muted' }, t('timeline.due', { at: shortTime(e.due_at) })) : null,
    said ? h('p', { class: 'said' }, said) : null);
}

function details(c, people, canEdit) {
  const contacts = (c.contacts || []).map((p) => h('li', {},
    h('strong', {}, p.name), p.title ? ` · ${p.title}` : '', p.phone ? ` · ${p.phone}` : '', p.email ? ` · ${p.email}` : ''));
  return h('dl', { class: 'details', id: 'customer-details' },
    field('class', t('customers.col.class'), t(`class.${c.class}`)),
    field('owner', t('customers.col.owner'), c.owner_id ? c.owner_name || people[c.owner_id] || c.owner_id
      : h('a', { href: `/pool${c.pool_team ? `?team=${encodeURIComponent(c.pool_team)}` : ''}`, title: t('customer.pool_link') },
        c.pool_team ? t('customer.in_pool', { team: c.pool_team_name || c.pool_team }) : t('customers.pool'))),
    field('status', t('customers.col.status'), t(`cstatus.${c.status || 'active'}`)),
    field('region', t('customer.region'), c.region),
    field('industry', t('customer.industry'), c.industry),
    field('tags', t('customer.tags'), c.tags?.length ? c.tags.join('、') : null),
    field('credit_limit', t('customer.credit_limit'), c.credit_limit !== undefined ? money(c.credit_limit) : null),
    field('payment_terms_days', t('customer.payment_terms'),
      c.payment_terms_days !== undefined ? t('customer.days', { n: c.payment_terms_days }) : null),
    field('last_contact', t('customers.col.last_contact'), c.last_contact_at ? shortTime(c.last_contact_at) : t('customers.never')),
    field('cadence', t('customer.cadence'), c.cadence_days ? t('customer.every_days', { n: c.cadence_days }) : null),
    field('due', t('customers.col.due'), dueCell(c, false)),
    field('since', t(c.owner_id ? 'customer.since' : 'customer.pool_since'), shortTime(c.since)),
    field('updated_at', t('customer.updated_at'), shortTime(c.updated_at)),
    h('div', { class: 'kv wide' }, h('dt', {}, t('customer.contacts')),
      h('dd', {}, contacts.length ? h('ul', { class: 'contacts' }, contacts) : t(canEdit ? 'customer.no_contacts' : 'customer.no_contacts_read'))));
}

function history(c, people) {
  const rows = [...(c.owner_history || [])].reverse();
  if (!rows.length) return h('p', { class: 'empty' }, t('customer.no_history'));
  return h('ul', { class: 'history', id: 'owner-history' }, rows.map((o) => h('li', {},
    h('time', {}, shortTime(o.from)), ' ',
    h('strong', {}, o.owner_id ? o.owner_name || people[o.owner_id] || o.owner_id : t('customers.pool')),
    o.reason ? h('span', { class: 'muted', 'data-reason': o.reason }, ` · ${reasonText(o.reason)}`) : null)));
}

// Fen (an integer of the API) as yuan text with two decimals, exactly: 98050 -> "980.50".
export function fenText(fen) {
  const f = BigInt(fen);
  const a = f < 0n ? -f : f;
  return `${f < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

// The customer's competitor intel of the period (GET /api/v1/intel?customer=): per competitor and
// product the mentions, the latest price and its range, and the newest notes with who wrote them.
function intel(box, answer, people) {
  const items = answer.items || [];
  if (!items.length) return mount(box, h('p', { class: 'empty' }, t('intel.empty')));
  const price = (p) => (p ? [
    h('span', { 'data-field': 'last_price' }, money(fenText(p.last.price_fen))),
    h('span', { class: 'muted' }, ` · ${shortTime(p.last.at)} · `,
      t('intel.range', { n: p.observations, min: money(fenText(p.min_fen)), max: money(fenText(p.max_fen)) })),
  ] : h('span', { 'data-field': 'last_price', class: 'muted' }, t('intel.no_price')));
  mount(box, h('ul', { class: 'intel' }, items.map((it) => h('li', {
    'data-competitor': it.competitor, 'data-product': it.product,
  },
  h('div', { class: 'intel-head' },
    h('strong', { 'data-field': 'competitor' }, it.competitor),
    it.product ? h('span', { 'data-field': 'product' }, ` · ${it.product}`) : null,
    h('span', { class: 'badge', 'data-field': 'mentions' }, t('intel.mentions', { n: it.mentions }))),
  h('p', { class: 'intel-price' }, h('span', { class: 'muted' }, `${t('intel.last_price')} `), price(it.price)),
  (it.notes || []).length ? h('ul', { class: 'intel-notes' }, it.notes.slice(0, 3).map((n) => h('li', { 'data-field': 'note' },
    h('time', {}, shortTime(n.at)), ' ',
    h('span', { class: 'who' }, n.salesperson_name || people[n.salesperson_id] || n.salesperson_id), ' ',
    h('span', { class: 'said' }, n.text)))) : null))));
}

// The editor: the record's fields as inputs; save sends what changed, a 400 marks its fields.
function editor(c, people, saved) {
  // The record as the form starts from: the API's defaults where a field is not stored.
  c = { ...c, class: c.class || 'normal', status: c.status || 'active' };
  const owners = ['', ...new Set([...(c.owner_id ? [c.owner_id] : []), ...Object.keys(people)])];
  const input = (name, attrs = {}) => h('input', { name, value: c[name] ?? '', ...attrs });
  const select = (name, values, label) => h('select', { name },
    values.map((v) => h('option', { value: v, selected: (c[name] ?? '') === v }, label(v))));
  const contactRow = (p = {}) => h('div', { class: 'contact-row' },
    CONTACT.map((k) => h('input', { name: `contact.${k}`, value: p[k] ?? '', placeholder: t(`contact.${k}`) })),
    h('button', { type: 'button', class: 'link', onclick: (ev) => ev.currentTarget.parentElement.remove() }, t('common.remove')));
  const contacts = h('div', { class: 'contacts-edit' }, (c.contacts || []).map(contactRow));
  const errors = h('ul', { class: 'error', id: 'edit-errors' });
  const labelled = (key, control) => h('label', { 'data-for': control.name }, h('span', {}, t(key)), control);

  const form = h('form', { class: 'edit', id: 'customer-edit' },
    labelled('customer.name', input('name', { required: true, maxlength: 100 })),
    labelled('customers.col.class', select('class', CLASSES, (v) => t(`class.${v}`))),
    labelled('customers.col.owner', select('owner_id', owners,
      (v) => (v ? people[v] || v : t('customers.pool')))),
    labelled('customer.owner_reason', input('owner_reason', { value: '', maxlength: 200 })),
    labelled('customers.col.status', select('status', STATUSES, (v) => t(`cstatus.${v}`))),
    labelled('customer.region', input('region', { maxlength: 64 })),
    labelled('customer.industry', input('industry', { maxlength: 64 })),
    labelled('customer.tags', input('tags', { value: (c.tags || []).join(', '), placeholder: t('customer.tags_hint') })),
    labelled('customer.credit_limit', input('credit_limit', { inputmode: 'decimal', placeholder: '50000.00' })),
    labelled('customer.payment_terms', input('payment_terms_days', { type: 'number', min: 0, max: 365 })),
    h('fieldset', {}, h('legend', {}, t('customer.contacts')), contacts,
      h('button', { type: 'button', class: 'link', onclick: () => contacts.append(contactRow()) }, t('customer.add_contact'))),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.save'))));

  // The body of the PATCH: each field whose value differs from the record's.
  function changes() {
    const v = (name) => form.elements[name].value.trim();
    const body = {};
    for (const k of TEXT) if (v(k) !== String(c[k] ?? '')) body[k] = v(k) || null; // null clears it
    for (const k of ['class', 'status']) if (v(k) !== (c[k] ?? '')) body[k] = v(k);
    if (v('owner_id') !== (c.owner_id ?? '')) {
      body.owner_id = v('owner_id') || null;
      if (v('owner_reason')) body.owner_reason = v('owner_reason');
    }
    const days = v('payment_terms_days');
    if (days !== String(c.payment_terms_days ?? '')) body.payment_terms_days = days === '' ? null : Number(days);
    const tags = v('tags').split(/[,，]/).map((s) => s.trim()).filter(Boolean);
    if (JSON.stringify(tags) !== JSON.stringify(c.tags || [])) body.tags = tags;
    const typed = [...contacts.querySelectorAll('.contact-row')].map((r) => Object.fromEntries(CONTACT
      .map((k) => [k, r.querySelector(`[name="contact.${k}"]`).value.trim()]).filter(([, x]) => x)))
      .filter((p) => Object.keys(p).length);
    const norm = (list) => JSON.stringify((list || []).map((p) => Object.fromEntries(CONTACT.filter((k) => p[k]).map((k) => [k, p[k]]))));
    if (norm(typed) !== norm(c.contacts)) body.contacts = typed;
    return body;
  }

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    form.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
    const body = changes();
    if (!Object.keys(body).length) return mount(errors, h('li', { class: 'hint' }, t('customer.nothing_changed')));
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      saved(await api('PATCH', `/api/v1/customers/${encodeURIComponent(c.id)}`, body));
    } catch (e) {
      const list = e instanceof ApiError && e.body?.errors?.length ? e.body.errors : [{ reason: e.message }];
      mount(errors, list.map((x) => h('li', { 'data-field': x.field || '' }, x.field ? `${x.field}: ${x.reason}` : x.reason)));
      for (const x of list) form.querySelector(`[data-for="${(x.field || '').split(/[.[]/)[0]}"]`)?.classList.add('invalid');
      button.disabled = false;
    }
  };
  return form;
}

export function customerPage(main, me) {
  const id = decodeURIComponent(location.pathname.split('/')[2] || '');
  const timeline = h('ul', { class: 'timeline', id: 'timeline' });
  const intelBox = h('div', { id: 'intel' }, t('common.loading'));
  let view = 'all';
  let people = {};
  let gone = false;

  const list = pagedList({
    box: timeline,
    row: (e) => eventRow(e, people),
    fetchPage: (cursor) => get(`/api/v1/customers/${encodeURIComponent(id)}/timeline?${qs({ types: VIEWS[view], limit: 20, cursor })}`),
    empty: () => h('li', { class: 'empty' }, t(view === 'all' ? 'timeline.empty' : 'timeline.empty_kind')),
  });

  function render(c) {
    // a customer in a pool is changed by claim and assign unless the caller reaches every team
    const canEdit = mayWrite(me, 'org') && (Boolean(c.owner_id) || me.role !== 'coordinator');
    const tabs = Object.keys(VIEWS).map((v) => h('button', {
      type: 'button', class: 'tab', 'data-view': v, 'aria-pressed': String(v === view),
      onclick: (ev) => {
        view = v;
        ev.currentTarget.parentElement.querySelectorAll('.tab').forEach((b) => b.setAttribute('aria-pressed', String(b === ev.currentTarget)));
        list.reload();
      },
    }, t(`timeline.${v}`)));
    const edit = h('section', { class: 'card', id: 'edit-card', hidden: true });
    mount(main,
      h('div', { class: 'toolbar' },
        h('a', { href: '/customers', class: 'back' }, `← ${t('customers.title')}`),
        h('h1', { id: 'customer-name', 'data-customer-id': c.id }, c.name || c.id),
        h('span', { class: `badge ${c.class}` }, t(`class.${c.class}`)),
        canEdit ? h('button', { type: 'button', id: 'edit', onclick: () => { edit.hidden = !edit.hidden; } }, t('common.edit')) : null),
      h('div', { class: 'columns' },
        h('div', {},
          edit,
          h('section', { class: 'card' }, h('h2', {}, t('customer.details')), details(c, people, canEdit)),
          h('section', { class: 'card' }, h('h2', {}, t('customer.timeline')),
            h('div', { class: 'tabs wrap', role: 'group' }, tabs), timeline, list.foot)),
        h('div', {},
          h('section', { class: 'card' }, h('h2', {}, t('customer.owner_history')), history(c, people)),
          h('section', { class: 'card', id: 'intel-card' }, h('h2', {}, t('intel.title')), intelBox))));
    if (canEdit) mount(edit, h('h2', {}, t('customer.edit')), editor(c, people, (next) => { render(next); flash(); }));
    list.reload();
    get(`/api/v1/intel?${qs({ customer: c.id, period: 'year' })}`)
      .then((answer) => { if (!gone) intel(intelBox, answer, people); })
      .catch((e) => { if (!gone) mount(intelBox, h('p', { class: 'error' }, t('error.load', { detail: e.message }))); });
  }
  const flash = () => main.querySelector('.toolbar')?.append(h('span', { class: 'saved', id: 'saved' }, t('common.saved')));

  async function start() {
    try {
      const [c, ps] = await Promise.all([get(`/api/v1/customers/${encodeURIComponent(id)}`), peopleOf(undefined, get).catch(() => ({}))]);
      if (gone) return;
      people = ps;
      render(c);
    } catch (e) {
      if (gone) return;
      const missing = e instanceof ApiError && e.status === 404;
      mount(main, h('p', { class: missing ? 'empty' : 'error', id: 'not-found' },
        missing ? t('customer.not_found') : t('error.load', { detail: e.message })),
      h('a', { href: '/customers' }, t('customers.title')));
    }
  }
  mount(main, h('p', {}, t('common.loading')));
  start();
  return () => { gone = true; };
}
