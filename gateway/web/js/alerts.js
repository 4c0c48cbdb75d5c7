// The live alert feed: GET /api/v1/alerts/stream (Server-Sent Events). The browser
// reconnects by itself with Last-Event-ID; when it gives up (the gateway answered an
// error), this reconnects with ?last_event_id= after a growing delay. Every alert and
// change comes whole; the newest version of each alert wins.
const STREAM = '/api/v1/alerts/stream';

export function alertFeed({ onAlert, onStatus }) {
  let source = null;
  let last = null;
  let timer = null;
  let delay = 1000;
  let closed = false;

  const take = (ev) => {
    if (ev.lastEventId) last = ev.lastEventId;
    try { onAlert(JSON.parse(ev.data)); } catch { /* not an alert: ignored */ }
  };

  function connect() {
    source = new EventSource(last ? `${STREAM}?last_event_id=${encodeURIComponent(last)}` : STREAM);
    source.addEventListener('alert', take);
    source.addEventListener('alert_changed', take);
    source.onopen = () => { delay = 1000; onStatus('live'); };
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return onStatus('reconnecting');
      onStatus('offline');
      if (!closed) timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      source?.close();
    },
  };
}

// Alerts by id, the highest version kept; newest raised first.
export class AlertList {
  constructor() { this.byId = new Map(); }

  put(a) {
    const had = this.byId.get(a.id);
    if (!had || (a.version ?? 0) >= (had.version ?? 0)) this.byId.set(a.id, { ...had, ...a });
  }

  items(limit = 20) {
    return [...this.byId.values()]
      .sort((x, y) => (y.raised_at || '').localeCompare(x.raised_at || ''))
      .slice(0, limit);
  }
}
