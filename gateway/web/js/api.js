// The public API with the session cookie: JSON in and out, the CSRF token (double
// submit: the readable nq_csrf cookie) on every write, the language asked for.
import { currentLang } from './i18n.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

let onSignedOut = () => {};
export function whenSignedOut(fn) { onSignedOut = fn; }

function csrf() {
  const m = /(?:^|;\s*)nq_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : '';
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'Accept-Language': currentLang() };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (r.status === 401 && path !== '/api/v1/auth/login') onSignedOut();
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
