// Admin / 管理 (/admin, admins only): users (GET/POST/PATCH /api/v1/users), API keys
// (GET/POST/DELETE /api/v1/apikeys) and a team's members and coordinators (GET, then
// PUT /api/v1/teams/{id}). The API's answers are shown as they are; a 400 lists each
// field named and why.
import { ApiError, api, get, post } from '../api.js';
import { h, mount } from '../dom.js';
import { shortTime, t } from '../i18n.js';
import { peopleOf, teamsNamed } from '../paged.js';

const ROLES = ['coordinator', 'salesperson', 'manager', 'admin'];
const SCOPES = ['read', 'ingest', 'admin'];

// A failure under a form: each field error, or the message.
function showErrors(box, e) {
  const list = e instanceof ApiError && e.body?.errors?.length ? e.body.errors : [{ reason: e.message }];
  mount(box, list.map((x) => h('li', { 'data-field': x.field || '' }, x.field ? `${x.field}: ${x.reason}` : x.reason)));
}

const field = (label, input) => h('label', {}, h('span', {}, label), input);
const select = (id, values, current, label) => h('select', { id },
  values.map((v) => h('option', { value: v, selected: v === current }, label(v))));
// Checkboxes of ids named by `names`, those of `on` ticked; read back with ticked(box).
const checks = (cls, ids, names, on) => h('div', { class: `checks ${cls}` }, ids.map((id) => h('label', { class: 'inline' },
  h('input', { type: 'checkbox', value: id, checked: on.includes(id) }), h('span', {}, names[id] || id))));
const ticked = (box) => [...box.querySelectorAll('input:checked')].map((i) => i.value);

export function adminPage(main, me) {
  let teams = { ids: [], names: {} };
  let people = {};
  let gone = false;
  const userRows = h('tbody', { id: 'user-rows' });
  const keyRows = h('tbody', { id: 'key-rows' });
  const userForm = h('div', { id: 'user-form' });
  const keyForm = h('div', { id: 'key-form' });
  const teamBox = h('div', { id: 'team-members' });
  const teamNames = (ids) => (ids.length ? ids.map((id) => teams.names[id] || id).join('、') : t('common.none'));
  const when = (s) => (s ? shortTime(s) : t('admin.never'));

  // ---- users
  function userEditor(u) {
    const errors = h('ul', { class: 'error', id: 'user-errors' });
    const inputs = {
      id: h('input', { id: 'u-id', value: u?.id || '', disabled: Boolean(u), autocomplete: 'off' }),
      name: h('input', { id: 'u-name', value: u?.name || '' }),
      role: select('u-role', ROLES, u?.role || 'coordinator', (r) => t(`role.${r}`)),
      salesperson: select('u-sp', ['', ...Object.keys(people)], u?.salesperson_id || '', (id) => (id ? people[id] : t('common.none'))),
      password: h('input', { id: 'u-password', type: 'password', autocomplete: 'new-password' }),
    };
    const teamChecks = checks('u-teams', teams.ids, teams.names, u?.teams || []);
    async function save(ev) {
      ev.preventDefault();
      const body = { name: inputs.name.value.trim(), role: inputs.role.value, teams: ticked(teamChecks),
        salesperson_id: inputs.salesperson.value || null };
      if (!u) Object.assign(body, { id: inputs.id.value.trim(), password: inputs.password.value });
      if (!body.name) delete body.name;
      try {
        if (u) await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, body);
        else await post('/api/v1/users', body);
        mount(userForm);
        loadUsers();
      } catch (e) { showErrors(errors, e); }
    }
    return h('form', { class: 'edit card', id: 'user-edit', onsubmit: save },
      h('h2', {}, u ? t('admin.user.edit', { id: u.id }) : t('admin.user.add')),
      u ? null : field(t('admin.user.id'), inputs.id),
      field(t('admin.user.name'), inputs.name),
      field(t('admin.user.role'), inputs.role),
      h('fieldset', {}, h('legend', {}, t('admin.user.teams')), teams.ids.length ? teamChecks : h('p', { class: 'hint' }, t('admin.no_teams'))),
      field(t('admin.user.salesperson'), inputs.salesperson),
      u ? null : field(t('admin.user.password'), inputs.password),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'user-save' }, t('admin.save')),
        h('button', { type: 'button', onclick: () => mount(userForm) }, t('admin.cancel'))),
      errors);
  }

  function passwordEditor(u) {
    const errors = h('ul', { class: 'error', id: 'user-errors' });
    const input = h('input', { id: 'u-new-password', type: 'password', autocomplete: 'new-password' });
    async function save(ev) {
      ev.preventDefault();
      try {
        await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, { password: input.value });
        mount(userForm, h('p', { class: 'saved', id: 'password-saved' }, t('admin.user.password_set', { id: u.id })));
      } catch (e) { showErrors(errors, e); }
    }
    return h('form', { class: 'edit card', id: 'password-edit', onsubmit: save },
      h('h2', {}, t('admin.user.reset', { id: u.id })),
      field(t('admin.user.new_password'), input),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'password-save' }, t('admin.save')),
        h('button', { type: 'button', onclick: () => mount(userForm) }, t('admin.cancel'))),
      errors);
  }

  async function setStatus(u, status, cell) {
    try {
      await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, { status });
      loadUsers();
    } catch (e) { mount(cell, h('span', { class: 'error' }, e.message)); }
  }

  // A button that asks once more before it acts, in place.
  function confirming(label, ask, action, attrs) {
    const cell = h('span', { class: 'inline' });
    const first = h('button', { type: 'button', ...attrs, onclick: () => mount(cell,
      h('span', { class: 'muted' }, ask),
      h('button', { type: 'button', class: 'danger', 'data-action': 'confirm', onclick: () => action(cell) }, t('admin.confirm')),
      h('button', { type: 'button', 'data-action': 'cancel', onclick: () => mount(cell, first) }, t('admin.cancel'))) }, label);
    return mount(cell, first);
  }

  const userRow = (u) => h('tr', { 'data-user-id': u.id, 'data-status': u.status },
    h('td', { 'data-label': t('admin.user.name') }, h('span', {}, h('strong', {}, u.name), h('span', { class: 'muted' }, ` ${u.id}`))),
    h('td', { 'data-label': t('admin.user.role'), 'data-field': 'role' }, t(`role.${u.role}`)),
    h('td', { 'data-label': t('admin.user.teams'), 'data-field': 'teams' }, teamNames(u.teams)),
    h('td', { 'data-label': t('admin.user.status'), 'data-field': 'status' },
      h('span', { class: u.status === 'disabled' ? 'badge bad' : 'badge' }, t(`ustatus.${u.status}`))),
    h('td', { 'data-label': t('admin.user.last_login'), 'data-field': 'last_login' }, when(u.last_login_at)),
    h('td', { 'data-label': t('admin.actions'), class: 'row-actions' },
      h('button', { type: 'button', class: 'link', 'data-action': 'edit', onclick: () => mount(userForm, userEditor(u)) }, t('admin.edit')),
      h('button', { type: 'button', class: 'link', 'data-action': 'password', onclick: () => mount(userForm, passwordEditor(u)) }, t('admin.user.reset_short')),
      u.id === me.id ? null : u.status === 'active'
        ? confirming(t('admin.user.disable'), t('admin.user.disable_ask'), (cell) => setStatus(u, 'disabled', cell), { class: 'link', 'data-action': 'disable' })
        : h('button', { type: 'button', class: 'link', 'data-action': 'enable', onclick: (ev) => setStatus(u, 'active', ev.target.parentNode) }, t('admin.user.enable'))));

  async function loadUsers() {
    try {
      const list = await get('/api/v1/users');
      if (gone) return;
      const items = list.items || [];
      mount(userRows, items.length ? items.map(userRow)
        : h('tr', {}, h('td', { colspan: 6, class: 'empty' }, t('admin.users.empty'))));
    } catch (e) {
      mount(userRows, h('tr', {}, h('td', { colspan: 6, class: 'error' }, t('error.load', { detail: e.message }))));
    }
  }

  // ---- API keys
  function keyEditor() {
    const errors = h('ul', { class: 'error', id: 'key-errors' });
    const name = h('input', { id: 'k-name', autocomplete: 'off' });
    const scope = select('k-scope', SCOPES, 'read', (s) => t(`scope.${s}`));
    const sources = h('input', { id: 'k-sources', placeholder: 'erp, crm' });
    const teamChecks = checks('k-teams', teams.ids, teams.names, []);
    async function save(ev) {
      ev.preventDefault();
      const body = { name: name.value.trim(), scope: scope.value, teams: ticked(teamChecks) };
      const src = sources.value.split(/[,，\s]+/).filter(Boolean);
      if (src.length) body.sources = src;
      try {
        const made = await post('/api/v1/apikeys', body);
        mount(keyForm, shownOnce(made));
        loadKeys();
      } catch (e) { showErrors(errors, e); }
    }
    return h('form', { class: 'edit card', id: 'key-edit', onsubmit: save },
      h('h2', {}, t('admin.key.add')),
      field(t('admin.key.name'), name),
      field(t('admin.key.scope'), scope),
      h('fieldset', {}, h('legend', {}, t('admin.key.teams')), teams.ids.length ? teamChecks : h('p', { class: 'hint' }, t('admin.no_teams'))),
      field(t('admin.key.sources'), sources),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'key-save' }, t('admin.key.create')),
        h('button', { type: 'button', onclick: () => mount(keyForm) }, t('admin.cancel'))),
      errors);
  }

  // The new key, shown this once, with a copy button.
  function shownOnce(made) {
    const copied = h('span', { class: 'saved', id: 'key-copied' });
    const copy = async () => {
      try { await navigator.clipboard.writeText(made.key); mount(copied, t('admin.key.copied')); } catch { mount(copied, t('admin.key.copy_by_hand')); }
    };
    return h('div', { class: 'card once', id: 'new-key' },
      h('h2', {}, t('admin.key.made', { name: made.name })),
      h('p', { class: 'hint' }, t('admin.key.once')),
      h('code', { class: 'secret', id: 'new-key-text' }, made.key),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'key-copy', onclick: copy }, t('admin.key.copy')), copied,
        h('button', { type: 'button', onclick: () => mount(keyForm) }, t('admin.done'))));
  }

  async function revoke(k, cell) {
    try {
      await api('DELETE', `/api/v1/apikeys/${encodeURIComponent(k.id)}`);
      loadKeys();
    } catch (e) { mount(cell, h('span', { class: 'error' }, e.message)); }
  }

  const keyRow = (k) => h('tr', { 'data-key-id': k.id, 'data-status': k.status },
    h('td', { 'data-label': t('admin.key.name') }, h('span', {}, h('strong', {}, k.name), h('span', { class: 'muted' }, ` ${k.id}`))),
    h('td', { 'data-label': t('admin.key.scope'), 'data-field': 'scope' }, t(`scope.${k.scope}`)),
    h('td', { 'data-label': t('admin.user.teams'), 'data-field': 'teams' }, k.teams.length ? teamNames(k.teams) : t('admin.key.every_team')),
    h('td', { 'data-label': t('admin.key.created') }, when(k.created_at)),
    h('td', { 'data-label': t('admin.key.last_used'), 'data-field': 'last_used' }, when(k.last_used_at)),
    h('td', { 'data-label': t('admin.user.status'), 'data-field': 'status' },
      k.status === 'revoked' ? h('span', { class: 'badge bad' }, t('kstatus.revoked')) : h('span', { class: 'badge' }, t('kstatus.live'))),
    h('td', { 'data-label': t('admin.actions'), class: 'row-actions' }, k.status === 'revoked' ? null
      : confirming(t('admin.key.revoke'), t('admin.key.revoke_ask'), (cell) => revoke(k, cell), { class: 'link', 'data-action': 'revoke' })));

  async function loadKeys() {
    try {
      const list = await get('/api/v1/apikeys');
      if (gone) return;
      const items = list.items || [];
      mount(keyRows, items.length ? items.map(keyRow)
        : h('tr', {}, h('td', { colspan: 7, class: 'empty' }, t('admin.keys.empty'))));
    } catch (e) {
      mount(keyRows, h('tr', {}, h('td', { colspan: 7, class: 'error' }, t('error.load', { detail: e.message }))));
    }
  }

  // ---- a team's members and coordinators
  async function loadTeam(id) {
    if (!id) return mount(teamBox, h('p', { class: 'empty' }, t('admin.no_teams')));
    mount(teamBox, h('p', { class: 'hint' }, t('common.loading')));
    try {
      const [team, users] = await Promise.all([get(`/api/v1/teams/${encodeURIComponent(id)}`), get('/api/v1/users')]);
      if (gone) return;
      const coordinators = (users.items || []).filter((u) => u.role === 'coordinator' || u.role === 'manager' || (team.coordinators || []).includes(u.id));
      const userNames = Object.fromEntries(coordinators.map((u) => [u.id, `${u.name} (${u.id})`]));
      const members = [...new Set([...(team.members || []), ...Object.keys(people)])];
      const memberChecks = checks('t-members', members, people, team.members || []);
      const coordChecks = checks('t-coordinators', coordinators.map((u) => u.id), userNames, team.coordinators || []);
      const errors = h('ul', { class: 'error', id: 'team-errors' });
      const saved = h('span', { class: 'saved', id: 'team-saved' });
      async function save(ev) {
        ev.preventDefault();
        mount(errors);
        try {
          await api('PUT', `/api/v1/teams/${encodeURIComponent(id)}`,
            { name: team.name || id, coordinators: ticked(coordChecks), members: ticked(memberChecks) });
          mount(saved, t('admin.team.saved'));
        } catch (e) { showErrors(errors, e); }
      }
      mount(teamBox, h('form', { class: 'edit', id: 'team-edit', onsubmit: save },
        h('fieldset', {}, h('legend', {}, t('admin.team.members')), members.length ? memberChecks : h('p', { class: 'hint' }, t('admin.team.no_people'))),
        h('fieldset', {}, h('legend', {}, t('admin.team.coordinators')), coordinators.length ? coordChecks : h('p', { class: 'hint' }, t('admin.team.no_coordinators'))),
        h('p', { class: 'hint' }, t('admin.team.note')),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'team-save' }, t('admin.save')), saved),
        errors));
    } catch (e) {
      mount(teamBox, h('p', { class: 'error' }, t('error.load', { detail: e.message })));
    }
  }

  const head = (cols) => h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, t(c)))));
  const teamPicker = h('span', { id: 'team-picker' });
  mount(main,
    h('div', { class: 'toolbar' }, h('h1', {}, t('admin.title'))),
    h('section', { class: 'card', id: 'users' },
      h('div', { class: 'toolbar small' }, h('h2', {}, t('admin.users')),
        h('button', { type: 'button', id: 'user-add', onclick: () => mount(userForm, userEditor(null)) }, t('admin.user.add'))),
      userForm,
      h('table', { class: 'list' }, head(['admin.user.name', 'admin.user.role', 'admin.user.teams', 'admin.user.status', 'admin.user.last_login', 'admin.actions']), userRows)),
    h('section', { class: 'card', id: 'keys' },
      h('div', { class: 'toolbar small' }, h('h2', {}, t('admin.keys')),
        h('button', { type: 'button', id: 'key-add', onclick: () => mount(keyForm, keyEditor()) }, t('admin.key.add'))),
      keyForm,
      h('table', { class: 'list' }, head(['admin.key.name', 'admin.key.scope', 'admin.user.teams', 'admin.key.created', 'admin.key.last_used', 'admin.user.status', 'admin.actions']), keyRows)),
    h('section', { class: 'card', id: 'team' },
      h('div', { class: 'toolbar small' }, h('h2', {}, t('admin.team.title')), teamPicker),
      teamBox));

  (async () => {
    [teams, people] = await Promise.all([teamsNamed(me, get, true).catch(() => teams), peopleOf('', get).catch(() => ({}))]);
    if (gone) return;
    mount(teamPicker, teams.ids.length ? select('admin-team', teams.ids, teams.ids[0], (id) => teams.names[id] || id) : null);
    teamPicker.querySelector('select')?.addEventListener('change', (ev) => loadTeam(ev.target.value));
    loadUsers();
    loadKeys();
    loadTeam(teams.ids[0]);
  })();
  return () => { gone = true; };
}
