// Messages and formats: one catalogue per language, zh-CN by default, the choice
// remembered in localStorage per user. Numbers are the API's, only formatted here.
import zh from './i18n/zh-CN.js';
import en from './i18n/en.js';

const catalogues = { 'zh-CN': zh, en };
const KEY = 'nq.lang';
let user = null;
let lang = stored(null);

function stored(id) {
  const v = localStorage.getItem(id ? `${KEY}:${id}` : KEY);
  return catalogues[v] ? v : 'zh-CN';
}

export function currentLang() { return lang; }

// The signed-in user (null: signed out): their own choice applies from now on.
export function setUser(id) {
  user = id;
  lang = id && localStorage.getItem(`${KEY}:${id}`) ? stored(id) : stored(null);
  document.documentElement.lang = lang;
}

export function setLang(l) {
  lang = catalogues[l] ? l : 'zh-CN';
  localStorage.setItem(KEY, lang);
  if (user) localStorage.setItem(`${KEY}:${user}`, lang);
  document.documentElement.lang = lang;
}

export function t(key, vars = {}) {
  const text = catalogues[lang][key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

// "1234567" -> "1,234,567"
function group(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

// A decimal string of yuan ("-1234.5") as "-¥1,234.50"; the API's text, never a float.
export function money(s) {
  if (s === null || s === undefined) return t('common.none');
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(s));
  if (!m) return String(s);
  return `${m[1]}¥${group(m[2])}.${((m[3] || '') + '00').slice(0, 2)}`;
}

export function count(n) {
  if (n === null || n === undefined) return t('common.none');
  const s = String(n);
  return /^\d+$/.test(s) ? group(s) : s;
}

// A ratio of the API (0.4950) as "49.5%".
export function percent(r) {
  if (r === null || r === undefined) return t('common.none');
  return `${(Number(r) * 100).toFixed(1)}%`;
}

// A metric's value by its kind: amounts are strings with a decimal point.
export function metricValue(metric, v) {
  return metric === 'sales_amount' || metric === 'collections' ? money(v) : count(v);
}

// A period of the API ({kind, key}) as a label: 2026-W48 / 第48周, 2026-11 / 2026年11月.
export function periodLabel(p) {
  if (!p) return '';
  if (p.kind === 'week') {
    const [, w] = p.key.split('-W');
    return t('period.week_label', { key: p.key, w: Number(w) });
  }
  if (p.kind === 'month') {
    const [y, m] = p.key.split('-');
    return t('period.month_label', { y, m: Number(m) });
  }
  return p.key;
}

// "2026-11-26T11:00:00.120+08:00" (the API's Asia/Shanghai time) as "11-26 11:00".
export function shortTime(s) {
  const m = /^\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d)/.exec(s || '');
  return m ? `${m[1]}-${m[2]} ${m[3]}` : '';
}

// The API's localised pair: text for zh, text_en for English (either when one is missing).
export function pick(o, field) {
  return (lang === 'en' ? o[`${field}_en`] : o[field]) ?? o[field] ?? o[`${field}_en`] ?? '';
}
