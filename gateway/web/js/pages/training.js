// Required courses / 必修课程 (/training): a team's required courses for a month, each
// member's done and missing ones and the team's completion (GET /api/v1/training?scope=
// team:<t>&period=<month>), figures as the API gives them. Who may write rules (manager,
// admin) edits the team's own list (PUT /api/v1/teams/<t>/training/required), one course a
// line; the company's list (GET /api/v1/training/required) comes first for everyone.
import { api, ApiError, get } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { personLink } from '../kpi.js';
import { peopleOf, teamsNamed } from '../paged.js';
import { mayWrite } from '../roles.js';

// This month in Asia/Shanghai, "2026-11" (the periods of the API).
function thisMonth() {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
    .formatToParts(new Date());
  return `${p.find((x) => x.type === 'year').value}-${p.find((x) => x.type === 'month').value}`;
}

const list = (names) => (names?.length ? names.join('、') : '—');
const pct = (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`);

// A refused write: the server's reason and each field it names.
function refusal(e) {
  const fields = e instanceof ApiError ? (e.body?.errors || []).map((x) => `${x.field}: ${x.reason}`) : [];
  const detail = e instanceof ApiError ? e.body?.detail || e.message : e.message;
  return h('p', { class: 'error', role: 'alert', id: 'required-error' },
    t('training.refused'), h('br', {}), h('span', { class: 'muted' }, [detail, ...fields].filter(Boolean).join(' · ')));
}

function summary(answer) {
  const req = answer.required_courses || [];
  if (!req.length) return h('p', { class: 'empty', id: 'training-none' }, t('training.none_required'));
  return [
    h('p', {}, h('strong', {}, t('training.required')), ' ', h('span', { id: 'training-required' }, list(req))),
    h('p', { id: 'training-completion' }, t('training.completion', {
      done: String(answer.required_completed ?? 0), members: String(answer.members ?? 0),
      pct: pct(answer.required_completion),
    })),
  ];
}

function table(answer, names) {
  const people = answer.salespeople || [];
  if (!people.length) return h('p', { class: 'empty' }, t('training.no_members'));
  const cell = (field, text) => h('td', { 'data-field': field }, text);
  return h('div', { class: 'scroll' }, h('table', { class: 'board courses', id: 'training-table' },
    h('thead', {}, h('tr', {}, h('th', {}, t('board.name')), h('th', {}, t('training.done')),
      h('th', {}, t('training.missing')), h('th', {}, t('training.taken')))),
    h('tbody', {}, people.map((p) => h('tr', {
      'data-salesperson': p.salesperson_id, class: p.required?.missing?.length ? 'missing' : null,
    },
    h('td', {}, personLink(p.salesperson_id, names[p.salesperson_id])),
    cell('done', list(p.required?.done)), cell('missing', list(p.required?.missing)),
    cell('trainings', [String(p.trainings ?? 0),
      p.courses_truncated ? h('span', { class: 'hint', 'data-field': 'truncated' }, ` ${t('training.truncated')}`) : null]))))));
}

export function trainingPage(main, me) {
  const sel = { team: new URLSearchParams(location.search).get('team') || '', period: thisMonth() };
  const head = h('div', { class: 'toolbar' });
  const top = h('section', { class: 'card', id: 'training-summary' }, h('p', {}, t('common.loading')));
  const body = h('section', { class: 'card', id: 'training-box' });
  const editor = h('section', { class: 'card', id: 'required-editor' });
  let teams = [];
  let teamNames = {};
  let gone = false;
  let loads = 0;

  function toolbar() {
    mount(head,
      h('h1', {}, t('nav.training')),
      h('select', { id: 'training-team', 'aria-label': t('board.scope'), onchange: (ev) => { sel.team = ev.target.value; load(); } },
        teams.map((id) => h('option', { value: id, selected: id === sel.team }, teamNames[id] || id))),
      h('input', { type: 'month', id: 'training-period', value: sel.period, 'aria-label': t('training.month'),
        onchange: (ev) => { if (ev.target.value) { sel.period = ev.target.value; load(); } } }));
  }

  // The team's own list, editable by who may write rules; the company's shown above it.
  function edit(company, own) {
    const mine = h('textarea', { id: 'required-courses', rows: 4, 'aria-label': t('training.team_list') });
    mine.value = (own || []).join('\n');
    const save = h('button', { type: 'button', id: 'required-save', onclick: async () => {
      save.disabled = true;
      const courses = mine.value.split('\n').map((s) => s.trim()).filter(Boolean);
      try {
        await api('PUT', `/api/v1/teams/${encodeURIComponent(sel.team)}/training/required`, { courses });
        if (!gone) load();
      } catch (e) {
        if (!gone) { save.disabled = false; editor.append(refusal(e)); }
      }
    } }, t('training.save'));
    mount(editor, h('h2', {}, t('training.set')),
      h('p', { class: 'hint' }, t('training.company_list'), ' ', h('span', { id: 'required-company' }, list(company))),
      h('label', { for: 'required-courses' }, t('training.team_list')),
      h('p', { class: 'hint' }, t('training.one_a_line')), mine, h('div', {}, save));
  }

  async function load() {
    const mine = ++loads;
    toolbar();
    const q = new URLSearchParams({ scope: `team:${sel.team}`, period: sel.period });
    try {
      const [answer, names, company, own] = await Promise.all([
        get(`/api/v1/training?${q}`), peopleOf(sel.team, get).catch(() => ({})),
        get('/api/v1/training/required'), get(`/api/v1/teams/${encodeURIComponent(sel.team)}/training/required`)]);
      if (gone || mine !== loads) return;
      body.dataset.query = q.toString();
      mount(top, summary(answer));
      mount(body, table(answer, names));
      if (mayWrite(me, 'rules')) edit(company.courses, own.courses);
      else mount(editor, h('p', { class: 'hint', id: 'required-who' }, t('training.who_sets')));
    } catch (e) {
      if (gone || mine !== loads) return;
      mount(top, h('p', { class: 'error' }, e instanceof ApiError && (e.status === 403 || e.status === 404)
        ? t('board.not_allowed') : t('error.load', { detail: e.message })));
      mount(body);
    }
  }

  (async () => {
    if (me.role === 'salesperson') return mount(top, h('p', { class: 'empty' }, t('board.not_allowed')));
    try {
      ({ ids: teams, names: teamNames } = await teamsNamed(me, get, true));
    } catch (e) {
      return mount(top, h('p', { class: 'error' }, t('error.load', { detail: e.message })));
    }
    if (!teams.length) return mount(top, h('p', { class: 'empty' }, t('empty.no_teams_at_all')));
    if (!teams.includes(sel.team)) [sel.team] = teams;
    load();
  })();
  mount(main, head, top, body, editor);
  return () => { gone = true; };
}
