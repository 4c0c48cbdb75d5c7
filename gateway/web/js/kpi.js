// A metric against its target, as GET /api/v1/kpis/... answers it: the actual, target,
// attainment, pace on working days and projection, each the API's number, formatted.
import { h } from './dom.js';
import { currentLang, percent, t } from './i18n.js';
import { directionHint, formatMetric, metricName } from './metrics.js';

export function kpiCard(metric, m) {
  const field = (name, label, value) =>
    h('div', { class: 'kv' }, h('dt', {}, label), h('dd', { 'data-field': name }, value));
  const hasTarget = m.target !== null && m.target !== undefined;
  return h('article', { class: 'kpi', 'data-metric': metric },
    h('h3', {}, metricName(metric, m.zh), directionHint(m.direction)),
    h('p', { class: 'big', 'data-field': 'actual' }, formatMetric(metric, m.actual)),
    hasTarget ? h('meter', { min: 0, max: 1, low: 0.6, high: 0.9999, optimum: 1, value: m.attainment ?? 0 }) : null,
    h('dl', {},
      field('target', t('kpi.target'), hasTarget ? formatMetric(metric, m.target) : t('kpi.no_target')),
      field('attainment', t('kpi.attainment'), percent(m.attainment)),
      field('pace', t('kpi.pace'), percent(m.pace)),
      field('projection', t('kpi.projection'), formatMetric(metric, m.projection))),
    m.note ? h('p', { class: 'note' }, noteText(m)) : null);
}

// "Working days: 3.4 of 5 elapsed" — the API's workdays ({total, elapsed}).
export function workdaysText(wd) {
  if (!wd) return '';
  if (wd.elapsed === null || wd.elapsed === undefined) return t('period.workdays_total', { total: wd.total });
  return t('period.workdays', { elapsed: wd.elapsed, total: wd.total });
}

// A link to a salesperson's page (the shell routes it without a reload).
export function personLink(id, name) {
  return h('a', { href: `/salespeople/${encodeURIComponent(id)}`, class: 'person', 'data-salesperson-link': id },
    name || id);
}

// The API's note of a line: `note` is English, `note_zh` Chinese.
export function noteText(o) {
  if (!o?.note && !o?.note_zh) return '';
  return currentLang() === 'en' ? (o.note ?? o.note_zh) : (o.note_zh ?? o.note);
}
