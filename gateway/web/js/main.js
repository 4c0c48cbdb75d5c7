// The console's shell: who is signed in, the header, and the client-side routes.
import { ApiError, get, post, whenSignedOut } from './api.js';
import { h, mount } from './dom.js';
import { currentLang, setLang, setUser, t } from './i18n.js';
import { loginPage } from './pages/login.js';
import { todayPage } from './pages/today.js';
import { customersPage } from './pages/customers.js';
import { customerPage } from './pages/customer.js';
import { alertsCenterPage } from './pages/alerts.js';
import { targetsPage } from './pages/targets.js';
import { mayWrite } from './roles.js';
import { leaderboardPage } from './pages/leaderboard.js';
import { salespersonPage } from './pages/salesperson.js';
import { plansPage } from './pages/plans.js';
import { adminPage } from './pages/admin.js';
import { poolPage } from './pages/pool.js';
import { trainingPage } from './pages/training.js';

// A route of one segment more ('/customers/*') takes any id there.
const routes = { '/login': loginPage, '/today': todayPage };
routes['/customers'] = customersPage;
routes['/customers/*'] = customerPage;
routes['/alerts'] = alertsCenterPage;
routes['/targets'] = targetsPage;
routes['/leaderboard'] = leaderboardPage;
routes['/salespeople/*'] = salespersonPage;
routes['/plans'] = plansPage;
routes['/pool'] = poolPage;
routes['/training'] = trainingPage;
routes['/me'] = (main, me) => salespersonPage(main, me, me.salesperson_id);
// Users, keys and team membership: admins only (the API refuses others all the same).
routes['/admin'] = (main, me) => {
  if (me.role === 'admin') return adminPage(main, me);
  mount(main, h('div', { class: 'not-found', 'data-view': 'not-found' },
    h('h1', {}, t('error.not_found')), h('p', { class: 'empty' }, t('admin.forbidden'))));
  return null;
};
// The header's links, in order, each with who sees it (null: everyone signed in).
const nav = [['/today', null]];
nav.push(['/customers', null]);
nav.push(['/pool', null]);
nav.push(['/alerts', null]);
nav.push(['/targets', (me) => mayWrite(me, 'target')]);
nav.push(['/leaderboard', (me) => me.role !== 'salesperson']);
nav.push(['/plans', (me) => me.role !== 'salesperson']);
nav.push(['/me', (me) => Boolean(me.salesperson_id)]);
nav.push(['/admin', (me) => me.role === 'admin']);
nav.push(['/training', (me) => me.role !== 'salesperson']);
// Where a user starts: a salesperson on their own page, the others on Today.
const home = (user) => (user.role === 'salesperson' && user.salesperson_id ? '/me' : '/today');
const app = document.getElementById('app');
let me = null;
let leave = null; // the current page's clean-up (closes its alert stream)

export function go(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

const toggle = () => { setLang(currentLang() === 'en' ? 'zh-CN' : 'en'); render(); };

function header() {
  const signOut = async () => {
    await post('/api/v1/auth/logout').catch(() => {});
    me = null;
    setUser(null);
    go('/login');
  };
  return h('header', { class: 'top' },
    h('strong', { class: 'brand' }, t('app.name')),
    h('nav', {}, nav.filter(([, who]) => !who || who(me)).map(([href]) => h('a', {
      href, 'aria-current': section(location.pathname) === href ? 'page' : null,
    }, t(`nav${href.replace('/', '.')}`)))),
    h('span', { class: 'grow' }),
    h('span', { class: 'who' }, me.name || me.id),
    h('button', { type: 'button', class: 'link', id: 'lang', onclick: toggle }, t('lang.switch')),
    h('button', { type: 'button', class: 'link', id: 'signout', onclick: signOut }, t('nav.signout')));
}

// The section of a path: its first segment ('/customers/c-1' -> '/customers').
const section = (path) => `/${path.split('/')[1]}`;

async function render() {
  leave?.();
  leave = null;
  let path = location.pathname;
  if (!me && path !== '/login') {
    try {
      me = await get('/api/v1/auth/me');
      setUser(me.id);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      return go('/login', true);
    }
  }
  if (path === '/' || (path === '/login' && me)) return go(home(me), true);
  const page = routes[path] ?? routes[`${section(path)}/*`];
  if (path === '/login') {
    document.title = `${t('login.title')} · ${t('app.name')}`;
    return mount(app, page({
      signedIn: (user) => { me = user; setUser(user.id); go(home(user)); },
      switchLang: toggle,
    }));
  }
  const main = h('main', {});
  mount(app, header(), main);
  if (!page) return mount(main, h('p', { class: 'empty' }, t('error.not_found')));
  document.title = `${t(`nav${section(path).replace('/', '.')}`)} · ${t('app.name')}`;
  leave = page(main, me);
}

whenSignedOut(() => { if (me) { me = null; go('/login'); } });
window.addEventListener('popstate', render);
// The console's own links change the page without loading it again.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest?.('a[href^="/"]');
  if (!a || a.target || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  go(a.getAttribute('href'));
});
render();
