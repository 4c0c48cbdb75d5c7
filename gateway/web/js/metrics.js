// The metrics of docs/metrics.md and how each one's values read: amounts as money,
// counts grouped, the two rates as percentages, the others (activities per order,
// feedback, scores) as the API's number. Formatting only: the values are the API's.
import { h } from './dom.js';
import { count, money, percent, t } from './i18n.js';

export const METRICS = ['sales_amount', 'orders', 'visits', 'calls', 'meetings', 'new_customers',
  'collections', 'coverage', 'order_completion_rate', 'avg_order_value', 'activity_to_order',
  'feedback_score', 'tickets_opened', 'tickets_closed', 'nps', 'training_hours', 'trainings',
  'tickets_overdue', 'receivables_overdue', 'dso', 'nps_promoters', 'nps_detractors'];
// Counts and amounts: what has a target pace (by=pace) and a trend worth drawing.
export const ACCUMULATING = ['sales_amount', 'orders', 'visits', 'calls', 'meetings', 'new_customers',
  'collections', 'tickets_opened', 'tickets_closed', 'training_hours', 'trainings', 'nps_promoters',
  'nps_detractors'];

const UNITS = {
  sales_amount: 'money', collections: 'money', avg_order_value: 'money',
  coverage: 'percent', order_completion_rate: 'percent',
  activity_to_order: 'number', feedback_score: 'number', score: 'number',
  nps: 'percent', training_hours: 'number',
  receivables_overdue: 'money', dso: 'number',
};

export function unitOf(metric) { return UNITS[metric] || 'count'; }

export function formatMetric(metric, v) {
  if (v === null || v === undefined) return t('common.none');
  switch (unitOf(metric)) {
    case 'money': return money(v);
    case 'percent': return percent(v);
    case 'number': return String(v);
    default: return count(v);
  }
}

// The metric's name: the console's label where it has one, else the API's Chinese name.
export function metricName(metric, zh) {
  const key = `metric.${metric}`;
  const label = t(key);
  return label === key ? (zh || metric) : label;
}

// "Lower is better" beside a metric whose API `direction` says so (overdue, DSO: the
// target is a ceiling, attainment is 100 % within it); nothing for the others.
export function directionHint(direction) {
  return direction === 'lower_is_better'
    ? h('span', { class: 'muted direction', 'data-field': 'direction', title: t('metric.lower_is_better_why') },
      t('metric.lower_is_better'))
    : null;
}
