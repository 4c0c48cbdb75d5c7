// Pace per salesperson as bars (ECharts, loaded only when there is something to draw).
// The values are the leaderboard's; the axis only shows them as percentages.
import { ECHARTS_URL } from './vendor.js';
import { currentLang, t } from './i18n.js';

// ECharts itself, fetched and evaluated once: a page may start this before its data
// arrives so that both overlap.
export const loadECharts = () => import(ECHARTS_URL);

// An ECharts instance drawing in box: `chart` again when it is still alive and in the
// current language, else a new one (ECharts loaded on first use), resized with the box.
export async function chartIn(box, chart) {
  const echarts = await loadECharts();
  const lang = currentLang() === 'en' ? 'EN' : 'ZH';
  if (chart && !chart.isDisposed() && chart.__nqLang === lang) return chart;
  chart?.dispose();
  const made = echarts.init(box, null, { renderer: 'canvas', locale: lang });
  made.__nqLang = lang;
  new ResizeObserver(() => made.isDisposed() || made.resize()).observe(box);
  return made;
}

export async function paceChart(box, board, chart) {
  const rows = (board.entries || []).filter((e) => e.pace !== null && e.pace !== undefined);
  box.hidden = rows.length === 0;
  if (!rows.length) {
    chart?.dispose();
    return null;
  }
  chart = await chartIn(box, chart);
  const names = rows.map((e) => e.name || e.salesperson_id).reverse();
  chart.setOption({
    title: { text: t('behind.chart'), textStyle: { fontSize: 13 } },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
    yAxis: { type: 'category', data: names },
    series: [{
      type: 'bar',
      data: rows.map((e) => ({ value: e.pace, itemStyle: { color: e.behind ? '#d9534f' : '#2e8b57' } })).reverse(),
      label: { show: true, position: 'right', formatter: ({ value }) => `${(value * 100).toFixed(1)}%` },
    }],
  }, true);
  return chart;
}
