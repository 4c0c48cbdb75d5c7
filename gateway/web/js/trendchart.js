// A salesperson's trend (GET /api/v1/salespeople/{id}/trend) as two lines: the last
// periods and the same periods a year earlier. The values are the API's.
import { chartIn } from './chart.js';
import { periodLabel, t } from './i18n.js';
import { formatMetric } from './metrics.js';

// The API's value as a number for the axis only (amounts are decimal strings).
const plot = (v) => (v === null || v === undefined ? null : Number(v));

const nothing = (v) => v === null || v === undefined || Number(v) === 0;

// The note under the chart's box that says what to do when there is nothing to draw.
function emptyNote(box, show) {
  let note = box.nextElementSibling?.classList.contains('trend-empty') ? box.nextElementSibling : null;
  if (show && !note && box.parentNode) {
    note = document.createElement('p');
    note.className = 'empty trend-empty';
    box.after(note);
  }
  if (note) {
    note.hidden = !show;
    note.textContent = t('trend.empty');
  }
  box.hidden = show;
}

export async function trendChart(box, trend, metric, chart) {
  const points = trend?.points || [];
  const blank = points.every((p) => nothing(p.kpis?.[metric]) && nothing(p.last_year?.kpis?.[metric]));
  emptyNote(box, blank);
  if (blank) {
    chart?.dispose();
    return null;
  }
  chart = await chartIn(box, chart);
  const now = t('trend.this_year');
  const before = t('trend.last_year');
  chart.setOption({
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatMetric(metric, v) },
    legend: { data: [now, before], top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: points.map((p) => periodLabel(p.period)) },
    yAxis: { type: 'value' },
    series: [
      { name: now, type: 'line', data: points.map((p) => plot(p.kpis?.[metric])) },
      { name: before, type: 'line', lineStyle: { type: 'dashed' },
        data: points.map((p) => plot(p.last_year?.kpis?.[metric])) },
    ],
  }, true);
  return chart;
}
