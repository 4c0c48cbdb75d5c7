// The console's shell: who is signed in, the header, and the client-side routes.
import { ApiError, get, post, whenSignedOut } from './api.js';
import { h, mount } from './dom.js';
import { currentLang, setLang, setUser, t } from './i18n.js';
import { loginPage } from './pages/login.js';
import { todayPage } from './pages/today.js';

const routes = { '/login': loginPage, '/today': todayPage };
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
    h('nav', {}, h('a', { href: '/today', 'aria-current': 'page' }, t('nav.today'))),
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
  if (path === '/' || (path === '/login' && me)) return go('/today', true);
  const page = routes[path];
  if (path === '/login') {
    document.title = `${t('login.title')} · ${t('app.name')}`;
    return mount(app, page({
      signedIn: (user) => { me = user; setUser(user.id); go('/today'); },
      switchLang: toggle,
    }));
  }
  const main = h('main', {});
  mount(app, header(), main);
  if (!page) return mount(main, h('p', { class: 'empty' }, t('error.not_found')));
  document.title = `${t(`nav${path.replace('/', '.')}`)} · ${t('app.name')}`;
  leave = page(main, me);
}

whenSignedOut(() => { if (me) { me = null; go('/login'); } });
window.addEventListener('popstate', render);
render();
