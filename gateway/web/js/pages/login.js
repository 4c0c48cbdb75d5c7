// Sign-in: POST /api/v1/auth/login; the session cookie and the CSRF cookie follow.
import { ApiError, post } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function loginPage({ signedIn, switchLang }) {
  const error = h('p', { class: 'error', id: 'login-error', role: 'alert', hidden: true });
  const user = h('input', { name: 'user', id: 'user', autocomplete: 'username', required: true });
  const password = h('input', {
    name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const submit = async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      signedIn(await post('/api/v1/auth/login', { user: user.value.trim(), password: password.value }));
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      error.textContent = t(status === 401 ? 'login.wrong' : status === 429 ? 'login.locked' : 'login.failed');
      error.hidden = false;
      password.select();
    }
  };
  return h('main', { class: 'login' },
    h('button', { type: 'button', class: 'link', id: 'lang', onclick: switchLang }, t('lang.switch')),
    h('form', { class: 'card', id: 'login-form', onsubmit: submit },
      h('h1', {}, t('app.name'), ' · ', t('login.title')),
      h('label', {}, t('login.user'), user),
      h('label', {}, t('login.password'), password),
      error,
      h('button', { type: 'submit', class: 'primary' }, t('login.submit')),
      h('p', { class: 'hint' }, t('login.hint'))));
}
