#!/usr/bin/env python3
"""alerts_probe.py — the alerting benchmark's measurements, run by bench/alerts.sh inside a
suite (NQ_URL, NQ_API_KEY and NQ_REDIS_PORT set by nq-supervise).

1. latency: while nq-bench writes LOAD_RATE events/s, a big order of sp-albench is posted
   every MARK_MS; each one's time from the POST's answer (the event accepted) and from
   the POST's start to its alert arriving on GET /api/v1/alerts/stream (SSE).
2. burst: a local webhook receiver (this process, threads) is the team's channel with
   rate_per_min RATE; BURST big orders are posted in batches of 500; then the receiver
   is watched until every one of their alerts arrived (in single messages or digests),
   counting messages per minute, duplicates and what never came.
Prints one JSON object.
"""
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

URL = urllib.parse.urlparse(os.environ["NQ_URL"])
KEY = os.environ["NQ_API_KEY"]
TEAM, SP, CUST = "t-albench", "sp-albench", "cust-albench"


def conn():
    return http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)


def call(c, method, path, body=None):
    headers = {"Authorization": "Bearer " + KEY}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    c.request(method, path, body=data, headers=headers)
    r = c.getresponse()
    text = r.read()
    if r.status >= 300:
        sys.exit("%s %s: %d %s" % (method, path, r.status, text[:300]))
    return json.loads(text) if text else None


def order(eid):
    ms = int(time.time() * 1000)
    at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)
    return {"event_id": eid, "type": "order", "salesperson_id": SP, "customer_id": CUST,
            "occurred_at": at, "amount": "99000.00"}


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p / 100.0))], 2) if xs else None


def summary(xs):
    return {"n": len(xs), "p50": pct(xs, 50), "p90": pct(xs, 90), "p99": pct(xs, 99),
            "max": round(max(xs), 2) if xs else None}


def stream_ms(sid):
    try:
        return int(sid.split("-")[0])
    except (AttributeError, ValueError):
        return None


def time_ms(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000
    except (AttributeError, ValueError):
        return None


def max_in_window(times, window):
    """The most of the sorted times in any window [t - window, t]."""
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while times[lo] < t - window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


# ---- SSE ------------------------------------------------------------------------------

seen = {}  # event_id -> monotonic time its alert arrived on the stream
alert_of = {}  # event_id -> its alert's id (the webhook's items carry the id)
stages = {}  # event_id -> (wall ms on arrival, alert stream entry's ms, the alert's raised_at ms)
seen_lock = threading.Lock()


def sse_reader(ready):
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=3600)
    c.request("GET", "/api/v1/alerts/stream",
              headers={"Authorization": "Bearer " + KEY, "Accept": "text/event-stream"})
    r = c.getresponse()
    if r.status != 200:
        sys.exit("SSE: %d" % r.status)
    ready.set()
    event, data, sid = None, None, None
    while True:
        line = r.fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\n")
        if line.startswith("id: "):
            sid = line[4:]
        elif line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "":
            if event == "alert" and data:
                now, wall = time.monotonic(), time.time() * 1000
                a = json.loads(data)
                with seen_lock:
                    if a.get("event_id") not in seen:
                        stages[a.get("event_id")] = (wall, stream_ms(sid), time_ms(a.get("raised_at")))
                    seen.setdefault(a.get("event_id"), now)
                    alert_of[a.get("event_id")] = a.get("id")
            event, data, sid = None, None, None


# ---- the webhook receiver -------------------------------------------------------------

got = []  # (monotonic time, wall-clock minute, [alert ids]) per message
got_lock = threading.Lock()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        ids = [a.get("id") for a in body.get("alerts", [])]
        with got_lock:
            got.append((time.monotonic(), int(time.time() // 60), ids))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def main():
    duration = int(os.environ.get("NQ_BENCH_DURATION", "60"))
    load_rate = int(os.environ.get("NQ_BENCH_LOAD_RATE", "10000"))
    mark_ms = int(os.environ.get("NQ_BENCH_MARK_MS", "50"))
    burst = int(os.environ.get("NQ_BENCH_BURST", "10000"))
    rate = int(os.environ.get("NQ_BENCH_HOOK_RATE", "600"))
    bin_dir = os.environ["NQ_BIN_DIR"]
    c = conn()
    call(c, "PUT", "/api/v1/teams/" + TEAM, {"name": "压测组"})
    call(c, "PUT", "/api/v1/salespeople/" + SP,
         {"name": "压测员", "team_id": TEAM, "status": "active"})
    call(c, "PUT", "/api/v1/customers/" + CUST,
         {"name": "压测客户", "class": "key", "owner_id": SP})
    ready = threading.Event()
    threading.Thread(target=sse_reader, args=(ready,), daemon=True).start()
    ready.wait(10)

    # 1. latency under load
    load = subprocess.Popen(
        [bin_dir + "/nq-bench", "--url", os.environ["NQ_URL"], "--connections", "4",
         "--batch", "200", "--rate", str(load_rate), "--duration", str(duration),
         "--redis-port", os.environ["NQ_REDIS_PORT"], "--spread", "now", "--json"],
        stdout=subprocess.PIPE)
    time.sleep(3)  # the load at its rate
    marks = {}  # event id -> (sent, acked)
    end = time.monotonic() + duration - 8
    n = 0
    next_at = time.monotonic()
    while time.monotonic() < end:
        eid = "albench-mark-%d" % n
        n += 1
        t0 = time.monotonic()
        call(c, "POST", "/api/v1/activities", [order(eid)])
        marks[eid] = (t0, time.monotonic(), time.time() * 1000)
        next_at += mark_ms / 1000.0
        time.sleep(max(0, next_at - time.monotonic()))
    time.sleep(3)
    load_report = json.loads(load.communicate()[0] or b"{}")
    with seen_lock:
        from_ack = [(seen[e] - a) * 1000 for e, (s, a, w) in marks.items() if e in seen]
        from_send = [(seen[e] - s) * 1000 for e, (s, a, w) in marks.items() if e in seen]
        missing = [e for e in marks if e not in seen]
        # where the time goes (wall clock, one host): the answer -> alerting starts the
        # raise (read, evaluated), -> the raise script's entry in the alert stream, -> SSE
        split = {"to_raise_ms": [], "raise_script_ms": [], "to_sse_ms": []}
        slow = {"to_raise_ms": 0, "raise_script_ms": 0, "to_sse_ms": 0}
        cut = pct(from_ack, 99) if from_ack else None
        for e, (s, a, w) in marks.items():
            st = stages.get(e)
            if not st or st[1] is None or st[2] is None:
                continue
            parts = {"to_raise_ms": st[2] - w, "raise_script_ms": st[1] - st[2],
                     "to_sse_ms": st[0] - st[1]}
            for k, v in parts.items():
                split[k].append(v)
            if cut is not None and (seen[e] - a) * 1000 >= cut:
                slow[max(parts, key=parts.get)] += 1

    # 2. burst to a webhook at its rate limit
    ThreadingHTTPServer.request_queue_size = 1024  # the sender's requests come concurrently
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    call(c, "POST", "/api/v1/teams/%s/channels" % TEAM,
         {"kind": "webhook", "name": "bench", "secret": "bench-secret-0123456789",
          "webhook": "http://127.0.0.1:%d/hook" % srv.server_address[1], "rate_per_min": rate})
    time.sleep(1)
    want = set()
    t_burst = time.monotonic()
    for b in range(0, burst, 500):
        batch = [order("albench-burst-%d" % i) for i in range(b, min(burst, b + 500))]
        want.update(e["event_id"] for e in batch)
        call(c, "POST", "/api/v1/activities", batch)
    t_posted = time.monotonic()
    deadline = t_posted + float(os.environ.get("NQ_BENCH_BURST_WAIT_S", "900"))
    while time.monotonic() < deadline:  # every alert raised (seen on the SSE stream)
        with seen_lock:
            if all(e in alert_of for e in want):
                break
        time.sleep(0.5)
    with seen_lock:
        raised = len([e for e in want if e in alert_of])
        want = {alert_of[e] for e in want if e in alert_of}
    while time.monotonic() < deadline:
        with got_lock:
            have = {e for _, _, ids in got for e in ids if e in want}
        if have >= want:
            break
        time.sleep(1)
    with got_lock:
        msgs = list(got)
    ids = [e for _, _, es in msgs for e in es if e in want]
    times = [t for t, _, es in msgs if t >= t_burst]
    per_msg = sorted(len([e for e in es if e in want]) for _, _, es in msgs)
    # messages per clock minute, and (the sender's limit) in any rolling 60 s
    minutes = {}
    for _, m, _ in msgs:
        minutes[m] = minutes.get(m, 0) + 1
    out = {
        "latency": {"load_rate": load_rate, "mark_ms": mark_ms, "marks": len(marks),
                    "missing": len(missing), "from_ack_ms": summary(from_ack),
                    "from_send_ms": summary(from_send),
                    "stages_ms": {k: summary(v) for k, v in split.items()},
                    "slowest_1pct_dominated_by": slow,
                    "load": load_report},
        "burst": {"alerts": burst, "raised": raised, "rate_per_min": rate,
                  "post_s": round(t_posted - t_burst, 2),
                  "delivered_distinct": len(set(ids)), "duplicates": len(ids) - len(set(ids)),
                  "lost": burst - len(set(ids)), "messages": len(msgs),
                  "max_messages_in_a_clock_minute": max(minutes.values(), default=0),
                  "largest_message_alerts": max((len(es) for _, _, es in msgs), default=0),
                  "all_delivered_after_s": round(max(times) - t_burst, 2) if times else None,
                  "max_messages_in_a_rolling_60s": max_in_window(sorted(t for t, _, _ in msgs), 60.0),
                  "alerts_per_message_p50": per_msg[len(per_msg) // 2] if per_msg else None,
                  "single_messages": sum(1 for k in per_msg if k == 1)},
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
