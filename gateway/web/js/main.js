// The console's shell: who is signed in, the header, and the client-side routes.
import { ApiError, get, post, whenSignedOut } from './api.js';
import { h, mount } from './dom.js';
import { currentLang, setLang, setUser, t } from './i18n.js';
import { loginPage } from './pages/login.js';
import { todayPage } from './pages/today.js';
import { leaderboardPage } from './pages/leaderboard.js';
import { salespersonPage } from './pages/salesperson.js';

// path pattern -> page; ':name' matches one segment, handed to the page as params.name.
const routes = {
  '/login': loginPage,
  '/today': todayPage,
  '/leaderboard': leaderboardPage,
  '/salespeople/:id': salespersonPage,
};
const app = document.getElementById('app');
let me = null;
let leave = null; // the current page's clean-up (closes its alert stream)

export function go(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

// The page of a path and its parameters, or [null, {}, null].
function route(path) {
  const parts = path.split('/');
  for (const [pattern, page] of Object.entries(routes)) {
    const want = pattern.split('/');
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((w, i) => {
      if (!w.startsWith(':')) return w === parts[i];
      try { params[w.slice(1)] = decodeURIComponent(parts[i]); } catch { return false; }
      return parts[i] !== '';
    });
    if (ok) return [page, params, pattern];
  }
  return [null, {}, null];
}

const toggle = () => { setLang(currentLang() === 'en' ? 'zh-CN' : 'en'); render(); };

// A salesperson sees their own page; the others Today and the leaderboard.
function navLinks() {
  if (me.role === 'salesperson' && me.salesperson_id) {
    return [[`/salespeople/${encodeURIComponent(me.salesperson_id)}`, 'nav.me']];
  }
  return [['/today', 'nav.today'], ['/leaderboard', 'nav.leaderboard']];
}

function header() {
  const signOut = async () => {
    await post('/api/v1/auth/logout').catch(() => {});
    me = null;
    setUser(null);
    go('/login');
  };
  return h('header', { class: 'top' },
    h('strong', { class: 'brand' }, t('app.name')),
    h('nav', {}, navLinks().map(([href, label]) => h('a', {
      href, 'aria-current': location.pathname === href ? 'page' : null,
    }, t(label)))),
    h('span', { class: 'grow' }),
    h('span', { class: 'who' }, me.name || me.id),
    h('button', { type: 'button', class: 'link', id: 'lang', onclick: toggle }, t('lang.switch')),
    h('button', { type: 'button', class: 'link', id: 'signout', onclick: signOut }, t('nav.signout')));
}

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
  if (path === '/' || (path === '/login' && me)) return go(navLinks()[0][0], true);
  const [page, params, pattern] = route(path);
  if (path === '/login') {
    document.title = `${t('login.title')} · ${t('app.name')}`;
    return mount(app, page({
      signedIn: (user) => { me = user; setUser(user.id); go(navLinks()[0][0]); },
      switchLang: toggle,
    }));
  }
  const main = h('main', {});
  mount(app, header(), main);
  if (!page) return mount(main, h('p', { class: 'empty' }, t('error.not_found')));
  document.title = `${t(`nav.${pattern.split('/')[1]}`)} · ${t('app.name')}`;
  leave = page(main, me, params);
}

whenSignedOut(() => { if (me) { me = null; go('/login'); } });
window.addEventListener('popstate', render);
// Links inside the console change the route without a reload.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest?.('a[href^="/"]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || a.target) return;
  ev.preventDefault();
  if (a.getAttribute('href') !== location.pathname) go(a.getAttribute('href'));
});
render();
