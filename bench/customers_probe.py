#!/usr/bin/env python3
"""customers_probe.py — the customers benchmark's steps, run by bench/customers.sh inside a
suite (NQ_URL, NQ_API_KEY, NQ_REDIS_PORT, NQ_SUITE_DIR set by nq-supervise; NQ_BIN_DIR by
the script).

1. org: TEAMS teams, SALESPEOPLE salespeople (sp-00001.., team by number), CUSTOMERS
   customers c-000001.. (owner sp = (i-1) % SALESPEOPLE + 1 as nq-bench's customers mix
   posts them; class, status, region, industry, tags and a Chinese name drawn from i), imported
   with `nqctl import` (customers in IMPORT_JOBS parallel parts); used_memory before/after.
2. events: nq-bench --mix customers (visits, calls, meetings, orders, invoices, payments,
   feedback, tickets, competitor intel, each by the customer's owner, spread over the month)
   at LOAD_RATE until EVENTS are accepted; the index group's entries-read sampled every
   second (indexing rate) until its lag is 0; used_memory after.
3. the activity path with and without the customers indexer (SIGSTOP/SIGCONT of
   nq-customers), PAIRS interleaved pairs of PATH_S s flat out; after each paused run the
   indexer's catch-up rate (its backlog drained, nothing else writing).
4. reads, READS sequential GETs each over one keep-alive connection: list pages of 50 under
   several filters (and cursor pages), a timeline page of 50, a summary, receivables for a
   team; p50/p90/p99/max in ms, with the load average.
Prints one JSON object.
"""
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

URL = urllib.parse.urlparse(os.environ["NQ_URL"])
KEY = os.environ["NQ_API_KEY"]
RPORT = os.environ["NQ_REDIS_PORT"]
SUITE = os.environ["NQ_SUITE_DIR"]
BIN = os.environ["NQ_BIN_DIR"]
OUT = os.environ["NQ_BENCH_OUT"]
CUSTOMERS = int(os.environ.get("NQ_BENCH_CUSTOMERS", "1000000"))
EVENTS = int(os.environ.get("NQ_BENCH_EVENTS", "10000000"))
SALESPEOPLE = int(os.environ.get("NQ_BENCH_SALESPEOPLE", str(max(1, CUSTOMERS // 1000))))
TEAM_SIZE = int(os.environ.get("NQ_BENCH_TEAM_SIZE", "20"))
TEAMS = max(1, (SALESPEOPLE + TEAM_SIZE - 1) // TEAM_SIZE)
IMPORT_JOBS = int(os.environ.get("NQ_BENCH_IMPORT_JOBS", "4"))
LOAD_RATE = int(os.environ.get("NQ_BENCH_LOAD_RATE", "0"))
PAIRS = int(os.environ.get("NQ_BENCH_PAIRS", "3"))
PATH_S = int(os.environ.get("NQ_BENCH_PATH_S", "20"))
READS = int(os.environ.get("NQ_BENCH_READS", "1000"))
LOADED = os.path.join(SUITE, "bench-loaded.json")  # written once a data set is loaded
PROGRESS_S = 10  # a progress line this often during the import, the events, the indexing
COMPANY_READS = int(os.environ.get("NQ_BENCH_COMPANY_READS", "5"))
DRAIN = int(os.environ.get("NQ_BENCH_DRAIN", "0"))
DRAIN_RUNS = int(os.environ.get("NQ_BENCH_DRAIN_RUNS", "1"))
# customers c-000001..c-HOT get about HOT_EVENTS more events each before the reads, so
# that a timeline page of 50 is full (random customers have a few events each)
HOT = min(CUSTOMERS, int(os.environ.get("NQ_BENCH_HOT", "200")))
HOT_EVENTS = 60

CITIES = "华东 华南 华北 西南 东北 西北 华中 江浙 沪宁 京津 粤港 川渝".split()
WORDS = "贸易 科技 实业 机电 电子 化工 医药 食品 物流 建材 纺织 汽配 家居 能源 精密 网络".split()
REGIONS = "east south north southwest northeast northwest central overseas".split()
INDUSTRIES = "retail manufacturing logistics pharma food energy electronics textiles".split()
TAGS = "vip;老客户 新客户 vip 重点跟进 招投标 ".split(" ")


def log(msg):
    print("customers_probe: %s" % msg, file=sys.stderr, flush=True)


def loadavg():
    return open("/proc/loadavg").read().split()[0:3]


def redis(*args):
    return subprocess.run(["redis-cli", "-p", RPORT] + [str(a) for a in args],
                          capture_output=True, text=True, check=True).stdout


def used_memory():
    for line in redis("info", "memory").splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    raise SystemExit("no used_memory in INFO")


def customer_memory(n=300):
    """MEMORY USAGE of n random customers' hashes (their encoding counted) and of the
    customers' sort indexes, as imported."""
    ids = redis("srandmember", "nq:customers", n).split()
    total, listpack = 0, 0
    for cid in ids:
        total += int(redis("memory", "usage", "nq:cust:" + cid) or 0)
        listpack += redis("object", "encoding", "nq:cust:" + cid).strip() == "listpack"
    sorts = {k: int(redis("memory", "usage", k, "samples", "0") or 0)
             for k in redis("keys", "nq:ix:customers:sort=*").split()}
    return {"hash_bytes_avg": round(total / max(len(ids), 1)),
            "hash_listpack_share": round(listpack / max(len(ids), 1), 3),
            "hash_max_listpack_value": redis("config", "get", "hash-max-listpack-value")
            .split()[-1],
            "sort_index_bytes_per_customer": {k: round(v / CUSTOMERS) for k, v in sorts.items()}}


def index_group():
    """entries-read and lag of the customers indexer's group ("index")."""
    raw = subprocess.run(["redis-cli", "-p", RPORT, "xinfo", "groups", "nq:activities"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    groups, cur = {}, None
    for i in range(0, len(raw) - 1, 2):
        k, v = raw[i].strip(), raw[i + 1].strip()
        if k == "name":
            cur = groups.setdefault(v, {})
        elif cur is not None:
            cur[k] = v
    g = groups.get("index", {})
    lag = g.get("lag", "")
    return int(g.get("entries-read", "0") or 0), (int(lag) if lag.isdigit() else None)


def eta(done, total, t0):
    """"12,345 of 1,000,000 (2,345/s, 7:01 left)" of a phase begun at monotonic t0."""
    el = max(time.monotonic() - t0, 0.001)
    rate = done / el
    left = (total - done) / rate if rate > 0 and total > done else 0
    return "%s of %s (%s/s, %d:%02d left, load %s)" % (
        format(done, ","), format(total, ","), format(round(rate), ","), left // 60,
        left % 60, " ".join(loadavg()))


def aof_bytes():
    info = redis("info", "persistence")
    d = dict(l.split(":", 1) for l in info.splitlines() if ":" in l)
    base = os.path.join(SUITE, "redis")
    total = 0
    for root, _, files in os.walk(base):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files
                     if "aof" in f or f.endswith(".rdb"))
    return total, d.get("aof_rewrite_in_progress", "0"), d.get("rdb_bgsave_in_progress", "0")


def cpu_seconds():
    """CPU seconds (user + system) used so far by each process of the suite."""
    out, tick = {}, os.sysconf("SC_CLK_TCK")
    for f in sorted(os.listdir(os.path.join(SUITE, "run"))):
        if not f.endswith(".pid"):
            continue
        try:
            stat = open("/proc/%s/stat" % open(os.path.join(SUITE, "run", f)).read().strip())
            fields = stat.read().rsplit(")", 1)[1].split()
            out[f[:-4]] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            pass
    info = dict(l.split(":", 1) for l in redis("info", "cpu").splitlines() if ":" in l)
    out["redis"] = float(info.get("used_cpu_user", 0)) + float(info.get("used_cpu_sys", 0))
    return out


def pid_of(name):
    return int(open(os.path.join(SUITE, "run", name + ".pid")).read())


# ---- 1. the org ------------------------------------------------------------------------

def customer_row(i):
    owner = "sp-%05d" % ((i - 1) % SALESPEOPLE + 1) if i % 50 else ""
    status = "pool" if not owner else ("dormant" if i % 17 == 0 else ("lost" if i % 29 == 0
                                                                        else "active"))
    name = "%s%s%s有限公司%d" % (CITIES[(i // 5) % len(CITIES)], WORDS[(i // 7) % len(WORDS)],
                              WORDS[(i // 3) % len(WORDS)], i)
    return "c-%06d,%s,%s,%s,%s,%s,%s,%s,%d.00,%d\n" % (
        i, name, ("key", "normal", "potential")[i % 3], owner, status,
        REGIONS[i % len(REGIONS)], INDUSTRIES[(i // 8) % len(INDUSTRIES)],
        TAGS[i % len(TAGS)], 50000 + (i % 20) * 10000, (30, 60, 90)[i % 3])


def import_org(d):
    with open(os.path.join(d, "teams.csv"), "w") as f:
        f.write("id,name\n")
        for t in range(1, TEAMS + 1):
            f.write("t-%03d,基准%d组\n" % (t, t))
    with open(os.path.join(d, "salespeople.csv"), "w") as f:
        f.write("id,name,team_id\n")
        for s in range(1, SALESPEOPLE + 1):
            f.write("sp-%05d,业务员%d,t-%03d\n" % (s, s, (s - 1) // TEAM_SIZE + 1))
    head = "id,name,class,owner_id,status,region,industry,tags,credit_limit,payment_terms_days\n"
    parts = [open(os.path.join(d, "customers-%d.csv" % j), "w") for j in range(IMPORT_JOBS)]
    for p in parts:
        p.write(head)
    for i in range(1, CUSTOMERS + 1):
        parts[i % IMPORT_JOBS].write(customer_row(i))
    for p in parts:
        p.close()
    times = {}
    for kind in ("teams", "salespeople"):
        t0 = time.monotonic()
        subprocess.run([BIN + "/nqctl", "import", kind, os.path.join(d, kind + ".csv")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[kind] = round(time.monotonic() - t0, 1)
    t0, cpu0 = time.monotonic(), cpu_seconds()
    done = threading.Event()

    def progress():
        while not done.wait(PROGRESS_S):
            n = int(redis("scard", "nq:customers") or 0)
            log("import: %s customers" % eta(n, CUSTOMERS, t0))

    th = threading.Thread(target=progress, daemon=True)
    th.start()
    procs = [subprocess.Popen([BIN + "/nqctl", "import", "customers",
                               os.path.join(d, "customers-%d.csv" % j)],
                              stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(d, "import-%d.txt" % j), "w"))
             for j in range(IMPORT_JOBS)]
    for p in procs:
        if p.wait() != 0:
            raise SystemExit("nqctl import customers failed (see %s/import-*.txt)" % d)
    done.set()
    th.join()
    times["customers"] = round(time.monotonic() - t0, 1)
    times["customers_per_s"] = round(CUSTOMERS / max(times["customers"], 0.001))
    cpu1 = cpu_seconds()  # what a customer cost each process (nqctl's not counted)
    times["cpu_ms_per_customer"] = {k: round((cpu1[k] - cpu0.get(k, 0)) * 1000 / CUSTOMERS, 3)
                                    for k in cpu1}
    times["loadavg"] = loadavg()
    return times


# ---- 2. events and the indexer ---------------------------------------------------------

def nq_bench(args, tag):
    path = os.path.join(OUT, "bench-%s.json" % tag)
    with open(path, "w") as f:
        subprocess.run([BIN + "/nq-bench", "--url", os.environ["NQ_URL"], "--mix", "customers",
                        "--customers", str(CUSTOMERS), "--salespeople", str(SALESPEOPLE),
                        "--spread", "month", "--redis-port", RPORT, "--scored-wait", "0",
                        "--pids-dir", os.path.join(SUITE, "run"), "--json"] + args,
                       stdout=f, check=False)
    try:
        return json.load(open(path))
    except ValueError:
        raise SystemExit("nq-bench %s: no report (see %s)" % (tag, path))


def wait_indexed(samples, timeout_s=4 * 3600, quiet=False, per_entry=1.0):
    """Sample the index group every second until its lag is 0, with a progress
    line (events indexed of those waiting, at per_entry events a log entry, and
    the time left) every PROGRESS_S."""
    t0 = time.monotonic()
    t_end, shown, first = t0 + timeout_s, t0, None
    while time.monotonic() < t_end:
        read, lag = index_group()
        samples.append((time.time(), read, lag))
        if lag == 0:
            return True
        first = read if first is None else first
        if not quiet and time.monotonic() - shown >= PROGRESS_S and lag is not None:
            shown = time.monotonic()
            log("indexing: events %s" % eta(round((read - first) * per_entry),
                                              round((read - first + lag) * per_entry), t0))
        time.sleep(1)
    return False


def catch_up():
    """A kept data set may hold a backlog the indexer had not reached (a load cut short):
    index it before the reads, and say how fast that went."""
    samples, t0 = [], time.monotonic()
    entries = max(int(redis("xlen", "nq:activities")), 1)
    per_entry = int(redis("get", "nq:stats:accepted") or 0) / entries
    ok = wait_indexed(samples, per_entry=per_entry)
    overall, best = rate_of(samples)
    out = {"caught_up": ok, "s": round(time.monotonic() - t0, 1),
           "events": round((samples[-1][1] - samples[0][1]) * per_entry) if samples else 0,
           "events_per_s": round((overall or 0) * per_entry),
           "best_10s_events_per_s": round((best or 0) * per_entry), "loadavg": loadavg()}
    log("caught up: %s" % json.dumps(out))
    return out


def rate_of(samples):
    """Entries/s the group read over samples (t, entries_read, lag), and its best 10 s."""
    if len(samples) < 2:
        return None, None
    (t0, r0, _), (t1, r1, _) = samples[0], samples[-1]
    best = 0
    for i in range(len(samples)):
        for j in range(i + 1, len(samples)):
            if samples[j][0] - samples[i][0] >= 10:
                best = max(best, (samples[j][1] - samples[i][1]) / (samples[j][0] - samples[i][0]))
                break
    return (r1 - r0) / max(t1 - t0, 0.001), best


def load_events():
    """nq-bench runs until EVENTS are accepted; the group sampled meanwhile."""
    samples, accepted, runs = [], 0, 0
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            read, lag = index_group()
            samples.append((time.time(), read, lag))
            stop.wait(1)

    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    t0 = time.monotonic()
    while accepted < EVENTS:
        left = EVENTS - accepted
        # about 60 s a run at the rate seen so far (or asked for)
        rate = LOAD_RATE or (accepted / (time.monotonic() - t0) if accepted else 40000)
        dur = max(5, min(600, int(left / max(rate, 1000)) + 1))
        args = ["--connections", "8", "--batch", "500", "--duration", str(min(dur, 60)),
                "--rate", str(LOAD_RATE)]
        rep = nq_bench(args, "load-%d" % runs)
        runs += 1
        accepted += int(rep.get("events_accepted", 0))
        log("events: %s; last run %d/s" % (eta(accepted, EVENTS, t0),
                                              rep.get("accepted_per_s", 0)))
    load_s = time.monotonic() - t0
    log("events loaded in %.0f s; indexing what is left" % load_s)
    ok = wait_indexed(samples, per_entry=accepted / max(int(redis("xlen", "nq:activities")), 1))
    stop.set()
    th.join()
    entries = int(redis("xlen", "nq:activities"))
    overall, best = rate_of(samples)
    per_entry = accepted / max(entries, 1)
    lag_end = [s[2] for s in samples if s[0] <= samples[0][0] + load_s]
    return {"accepted": accepted, "log_entries": entries, "load_s": round(load_s, 1),
            "accepted_per_s": round(accepted / load_s), "caught_up": ok,
            "indexed_after_load_s": round(samples[-1][0] - samples[0][0] - load_s, 1),
            "lag_at_load_end": lag_end[-1] if lag_end else None,
            "indexed_events_per_s": round((overall or 0) * per_entry),
            "indexed_best_10s_events_per_s": round((best or 0) * per_entry),
            "loadavg": loadavg()}


def activity_path():
    """Interleaved: flat-out writes with the indexer paused, then running."""
    pid = pid_of("nq-customers")
    runs = []
    args = ["--connections", "8", "--batch", "500", "--rate", "0", "--duration", str(PATH_S)]
    try:
        for n in range(PAIRS):
            for indexer in (False, True):
                if not indexer:
                    os.kill(pid, signal.SIGSTOP)
                la = loadavg()
                rep = nq_bench(args, "path-%d-%s" % (n, "on" if indexer else "off"))
                row = {"pair": n, "indexer": indexer, "accepted_per_s":
                       round(rep.get("accepted_per_s", 0)),
                       "ack_p99_ms": rep.get("latency_ms", {}).get("p99"), "loadavg": la}
                if not indexer:
                    os.kill(pid, signal.SIGCONT)
                    samples = []
                    _, lag = index_group()
                    row["backlog_entries"] = lag
                    t0 = time.monotonic()
                    wait_indexed(samples, per_entry=rep.get("events_accepted", 0) / max(lag or 1, 1))
                    drain = time.monotonic() - t0
                    # the backlog is this run's events: indexed in `drain` s, nothing else
                    # writing (sampled each second, so a lower bound for short drains)
                    row["catchup_s"] = round(drain, 1)
                    row["catchup_events_per_s"] = round(rep.get("events_accepted", 0) /
                                                        max(drain, 1))
                else:
                    wait_indexed([], quiet=True)
                runs.append(row)
                log("activity path: %s" % json.dumps(row))
    finally:
        os.kill(pid, signal.SIGCONT)
    return runs


# ---- drain: the indexer alone on a backlog ----------------------------------------------

def groups_lag():
    """{group: lag} of every consumer group of the log."""
    raw = redis("xinfo", "groups", "nq:activities").split("\n")
    out, cur = {}, None
    for i in range(0, len(raw) - 1, 2):
        k, v = raw[i].strip(), raw[i + 1].strip()
        if k == "name":
            cur = v
        elif k == "lag" and cur is not None:
            out[cur] = int(v) if v.isdigit() else None
    return out


def redis_info(section):
    d = {}
    for line in redis("info", section).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            d[k] = v.strip()
    return d


def redis_cpu_s(part=None):
    """Redis's main process CPU seconds: user + sys, or one of them."""
    i = redis_info("cpu")
    return sum(float(i["used_cpu_" + p]) for p in ([part] if part else ["user", "sys"]))


def commandstats():
    """{command: (calls, usec)} since the last resetstat."""
    out = {}
    for k, v in redis_info("commandstats").items():
        f = dict(kv.split("=") for kv in v.split(","))
        out[k[len("cmdstat_"):]] = (int(f["calls"]), int(f["usec"]))
    return out


def quiet(timeout_s=600):
    """Every group but the indexer's caught up and Redis idle for a second."""
    t_end = time.monotonic() + timeout_s
    while time.monotonic() < t_end:
        lags = groups_lag()
        if all(v == 0 for g, v in lags.items() if g != "index"):
            c0 = redis_cpu_s()
            time.sleep(1)
            if redis_cpu_s() - c0 < 0.05:
                return
        else:
            time.sleep(1)


def script_costs():
    """The commands of over 20 µs logged since the drain began (SLOWLOG; the script calls,
    not the fast commands inside them), by client and command, scripts by their first key:
    {label: (calls, usec)}."""
    raw = subprocess.run(["redis-cli", "-p", RPORT, "-2", "--json", "slowlog", "get", "-1"],
                         capture_output=True, text=True, errors="replace", check=True).stdout
    out = {}
    for e in json.loads(raw or "[]"):
        args, who = e[3], (e[5] if len(e) > 5 else "") or "?"
        label = args[0].lower() if args else "?"
        if label in ("evalsha", "eval") and len(args) > 3:
            label += " " + re.sub(r"\d+", "#", args[3] if args[2] != "0" else "-")
        label = re.sub(r"\d+", "#", who) + " " + label
        calls, usec = out.get(label, (0, 0))
        out[label] = (calls + 1, usec + int(e[2]))
    return out


def drain_run(n):
    """DRAIN events loaded with nq-customers stopped, then the time its backlog takes."""
    pid = pid_of("nq-customers")
    os.kill(pid, signal.SIGSTOP)
    accepted = 0
    try:
        t_load = time.monotonic()
        while accepted < DRAIN:  # about the seconds left at the rate seen so far
            rate = accepted / (time.monotonic() - t_load) if accepted else 20000
            dur = max(2, min(60, int((DRAIN - accepted) / max(rate, 1000)) + 1))
            rep = nq_bench(["--connections", "8", "--batch", "500", "--rate", "0",
                            "--duration", str(dur)], "drain-%d" % n)
            accepted += int(rep.get("events_accepted", 0))
        quiet()
        lag0 = groups_lag().get("index")
        redis("config", "resetstat")
        redis("config", "set", "slowlog-log-slower-than", "20")
        redis("config", "set", "slowlog-max-len", "300000")
        redis("slowlog", "reset")
        cpu0, user0, la0, t0 = redis_cpu_s(), redis_cpu_s("user"), loadavg(), time.monotonic()
    finally:
        os.kill(pid, signal.SIGCONT)
    while groups_lag().get("index") != 0:
        time.sleep(0.2)
    t1 = time.monotonic()
    cpu1, user1 = redis_cpu_s(), redis_cpu_s("user")
    stats_ = commandstats()
    forks = int(redis_info("stats").get("total_forks", "0"))
    while int(redis("zcard", "nq:followup:dirty") or 0) > 0:  # contacts' refreshes left
        time.sleep(0.2)
    t_refresh = time.monotonic()
    wait_looks()  # the receivables looks that the batches asked for
    t2 = time.monotonic()
    cpu2 = redis_cpu_s()
    scripts = sorted(script_costs().items(), key=lambda kv: -kv[1][1])[:12]
    redis("config", "set", "slowlog-log-slower-than", "10000")
    redis("slowlog", "reset")
    top = sorted(stats_.items(), key=lambda kv: -kv[1][1])[:8]
    row = {"run": n, "events": accepted, "log_entries": lag0, "drain_s": round(t1 - t0, 2),
           "events_per_s": round(accepted / max(t1 - t0, 0.001)),
           "redis_cpu_us_per_event": round((cpu1 - cpu0) * 1e6 / accepted, 1),
           "redis_user_cpu_us_per_event": round((user1 - user0) * 1e6 / accepted, 1),
           "redis_forks": forks,  # snapshots and AOF rewrites during the drain (CoW: sys)
           "refresh_after_s": round(t_refresh - t1, 2),
           "looks_after_s": round(t2 - t1, 2),
           "with_looks_events_per_s": round(accepted / max(t2 - t0, 0.001)),
           "with_looks_redis_cpu_us_per_event": round((cpu2 - cpu0) * 1e6 / accepted, 1),
           "commands": {k: {"calls": c, "usec_per_call": round(u / max(c, 1), 1),
                            "us_per_event": round(u / accepted, 2)} for k, (c, u) in top},
           "top_level": {k: {"calls": c, "usec_per_call": round(u / max(c, 1), 1),
                             "us_per_event": round(u / accepted, 2)} for k, (c, u) in scripts},
           "loadavg_start": la0, "loadavg_end": loadavg()}
    log("drain: %s" % json.dumps(row))
    return row


# ---- 4. reads ----------------------------------------------------------------------------

class Client:
    def __init__(self):
        self.c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=60)

    def get(self, path, unavailable_ok=False):
        """(ms, body) of a 200; with unavailable_ok a 503 gives (ms, None)."""
        t0 = time.perf_counter()
        self.c.request("GET", path, headers={"Authorization": "Bearer " + KEY})
        r = self.c.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if unavailable_ok and r.status == 503:
            return ms, None
        if r.status != 200:
            raise SystemExit("GET %s: %d %s" % (path, r.status, body[:300]))
        return ms, body


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p / 100.0))], 2) if xs else None


def stats(xs, extra=None):
    d = {"n": len(xs), "p50": pct(xs, 50), "p90": pct(xs, 90), "p99": pct(xs, 99),
         "max": round(max(xs), 2) if xs else None, "loadavg": loadavg()}
    d.update(extra or {})
    return d


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


def list_paths(rng):
    """Path makers, one per list shape: filters, search, sorts, cursor pages."""
    sp = lambda: "sp-%05d" % rng.randint(1, SALESPEOPLE)
    team = lambda: "t-%03d" % rng.randint(1, TEAMS)
    qtext = lambda: rng.choice(CITIES) + rng.choice(WORDS)
    return {
        "class": lambda: q("/api/v1/customers", **{"class": rng.choice(["key", "normal",
                                                                      "potential"]),
                                                   "limit": 50}),
        "owner": lambda: q("/api/v1/customers", owner=sp(), limit=50),
        "owner_class": lambda: q("/api/v1/customers", owner=sp(), **{"class": "key",
                                                                     "limit": 50}),
        "team": lambda: q("/api/v1/customers", team=team(), limit=50),
        "team_class_status": lambda: q("/api/v1/customers", team=team(),
                                       **{"class": "key", "status": "active", "limit": 50}),
        "region_tag": lambda: q("/api/v1/customers", region=rng.choice(REGIONS), tag="vip",
                                limit=50),
        "status_pool": lambda: q("/api/v1/customers", status="pool", limit=50),
        "overdue_team": lambda: q("/api/v1/customers", overdue="followup", team=team(),
                                  limit=50),
        "q": lambda: q("/api/v1/customers", q=qtext(), limit=50),
        "q_owner": lambda: q("/api/v1/customers", q=rng.choice(WORDS), owner=sp(), limit=50),
        "sort_last_contact_team": lambda: q("/api/v1/customers", team=team(),
                                            sort="last_contact", limit=50),
        "sort_name_team": lambda: q("/api/v1/customers", team=team(), sort="name", limit=50),
        "sort_name_class": lambda: q("/api/v1/customers", sort="-name", limit=50,
                                     **{"class": "potential"}),
    }


def read_lists(c, rng):
    out = {}
    for name, make in list_paths(rng).items():
        xs, items = [], 0
        for _ in range(READS):
            ms, body = c.get(make())
            xs.append(ms)
            items += len(json.loads(body).get("items", []))
        out[name] = stats(xs, {"items_per_page": round(items / READS, 1), "example": make()})
        log("list %s: %s" % (name, json.dumps(out[name])))
    # cursor pages: walk 20 pages deep along each of a few filters, timing every page
    for name in ("class", "team", "q", "sort_last_contact_team", "sort_name_team"):
        xs, starts = [], 0
        make = list_paths(rng)[name]
        while len(xs) < READS and starts < READS: # a list of one page adds nothing
            starts += 1
            path, cursor = make(), None
            for _ in range(20):
                ms, body = c.get(path + ("&cursor=" + urllib.parse.quote(cursor) if cursor
                                         else ""))
                if cursor:
                    xs.append(ms)
                cursor = json.loads(body).get("next_cursor")
                if not cursor:
                    break
        out[name + "_cursor"] = stats(xs)
        log("list %s_cursor: %s" % (name, json.dumps(out[name + "_cursor"])))
    return out


def load_hot():
    """About HOT_EVENTS more events for each of the HOT customers (by their owners, as
    the customers' own mix: c-i's owner is sp-i for i <= SALESPEOPLE), then indexed."""
    rate = 2000
    rep = nq_bench(["--customers", str(HOT), "--connections", "2", "--batch", "100",
                    "--rate", str(rate), "--duration", str(max(1, HOT * HOT_EVENTS // rate))],
                   "hot")
    log("hot customers: %s events for %d customers" % (rep.get("events_accepted"), HOT))
    return {"customers": HOT, "events": rep.get("events_accepted"), "catch_up": catch_up()}


def read_customers(c, rng):
    out = {}
    for name, make in (
            ("timeline", lambda: "/api/v1/customers/c-%06d/timeline?limit=50"
             % rng.randint(1, CUSTOMERS)),
            ("timeline_hot", lambda: "/api/v1/customers/c-%06d/timeline?limit=50"
             % rng.randint(1, HOT)),
            ("timeline_types", lambda: "/api/v1/customers/c-%06d/timeline?limit=50&types="
             "order,invoice,payment" % rng.randint(1, CUSTOMERS)),
            ("summary", lambda: "/api/v1/customers/c-%06d/summary" % rng.randint(1, CUSTOMERS))):
        xs, items = [], 0
        for _ in range(READS):
            ms, body = c.get(make())
            xs.append(ms)
            items += len(json.loads(body).get("items", []) or [])
        out[name] = stats(xs, {"items_per_page": round(items / READS, 1)})
        log("%s: %s" % (name, json.dumps(out[name])))
    n = max(20, READS // 10)
    # for now: the kept totals; at today's date: per customer (as "now" was read before)
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    team = lambda: "team:t-%03d" % rng.randint(1, TEAMS)
    for name, scope, at in (("receivables_team", team, None),
                            ("receivables_team_per_customer", team, today),
                            ("receivables_salesperson",
                             lambda: "salesperson:sp-%05d" % rng.randint(1, SALESPEOPLE), None),
                            ("receivables_company", lambda: "company", None),
                            ("receivables_company_per_customer", lambda: "company", today)):
        # a company read per customer at 1,000,000 can outlast the gateway's deadline (503):
        # counted as unavailable, not fatal
        xs, custs, equal, unavailable = [], 0, 0, 0
        # the company read per customer goes through every customer (at 1,000,000 about
        # 50 times a team's): COMPANY_READS of those, or they would take hours
        for _ in range(min(n, COMPANY_READS) if name.startswith("receivables_company") else n):
            params = {"scope": scope()}
            if at:
                params["at"] = at
            ms, body = c.get(q("/api/v1/receivables", **params), unavailable_ok=True)
            if body is None:
                unavailable += 1
                continue
            xs.append(ms)
            one = json.loads(body)
            custs += one.pop("customers", 0)
            if at is None:  # the same figures as per customer?
                _, other = c.get(q("/api/v1/receivables", scope=params["scope"], at=today),
                                 unavailable_ok=True)
                if other is None:
                    unavailable += 1
                    continue
                other = json.loads(other)
                other.pop("customers", None)
                equal += one == other
        out[name] = stats(xs, {"customers_per_read": round(custs / max(len(xs), 1)),
                               "unavailable_503": unavailable})
        if at is None:
            out[name]["equal_to_per_customer"] = "%d/%d" % (equal, len(xs))
            out[name]["totals_mark"] = redis("get", "nq:ar:totals").strip()  # "ready": kept
        log("%s: %s" % (name, json.dumps(out[name])))
    return out


def wait_index_layout(timeout_s=3600):
    """nq-customers builds the list indexes of a data set indexed under an older layout
    (NQ_INDEX_LAYOUT) once, on connect: the reads wait for it."""
    keys_h = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common",
                          "include", "nq", "keys.h")
    want = re.search(r'#define NQ_INDEX_LAYOUT "([^"]*)"', open(keys_h).read()).group(1)
    t0 = time.monotonic()
    while redis("get", "nq:ix:layout").strip() != want:
        if time.monotonic() - t0 > timeout_s:
            raise SystemExit("the list indexes were not built in %d s" % timeout_s)
        time.sleep(1)
    log("list indexes at layout %s after %.0f s" % (want, time.monotonic() - t0))
    return round(time.monotonic() - t0, 1)


def wait_looks():
    """The indexer's receivables looks (and so the kept totals) caught up."""
    for _ in range(600):
        if int(redis("zcount", "nq:ar:due", "-inf", int(time.time() * 1000)) or 0) == 0:
            return
        time.sleep(0.5)


def rewrite_aof(res, key):
    """A kept data set (NQ_BENCH_KEEP): rewrite the AOF while nothing writes, so
    that the next run loads a snapshot rather than replaying every command."""
    if not os.environ.get("NQ_BENCH_KEEP"):
        return
    t0 = time.monotonic()
    redis("bgrewriteaof")
    while aof_bytes()[1] != "0" or "aof_rewrite_scheduled:1" in redis("info", "persistence"):
        time.sleep(2)
    res[key] = round(time.monotonic() - t0, 1)
    log("AOF rewritten for the kept data set in %.0f s (%s bytes)"
        % (res[key], format(aof_bytes()[0], ",")))


def load(res):
    """Steps 1 and 2: the org and the customers, then the events, indexed; memory
    and AOF size per customer and per event. Marks the suite's directory as
    loaded, and when it is kept (NQ_BENCH_KEEP) rewrites the AOF once, while
    nothing writes, so that a later run reloads it quickly. With NQ_BENCH_DRAIN, the
    indexer's drain runs instead of the events: returns "drained"."""
    t_load = time.monotonic()
    mem0, aof0 = used_memory(), aof_bytes()[0]
    log("importing %d teams, %d salespeople, %d customers" % (TEAMS, SALESPEOPLE, CUSTOMERS))
    redis("config", "resetstat")
    res["import_s"] = import_org(SUITE)
    with open(os.path.join(OUT, "redis-import.txt"), "w") as f:  # what the import cost Redis
        f.write(redis("info", "commandstats") + redis("info", "cpu"))
    mem1, aof1 = used_memory(), aof_bytes()[0]
    log("imported: %s" % json.dumps(res["import_s"]))
    res["customer_memory"] = customer_memory()
    log("customer memory: %s" % json.dumps(res["customer_memory"]))
    if DRAIN > 0:  # instead of the events: the indexer's drain alone
        res["drain"] = [drain_run(n) for n in range(DRAIN_RUNS)]
        return "drained"
    redis("config", "resetstat")
    res["events"] = load_events()
    mem2, aof2 = used_memory(), aof_bytes()[0]
    with open(os.path.join(OUT, "redis-events.txt"), "w") as f:  # what the load cost Redis
        f.write(redis("info", "commandstats") + redis("info", "cpu"))
    log("events: %s" % json.dumps(res["events"]))
    accepted = max(res["events"]["accepted"], 1)
    res["memory"] = {
        "used_memory_start": mem0, "after_customers": mem1, "after_events": mem2,
        "per_customer_bytes": round((mem1 - mem0) / CUSTOMERS),
        "per_event_bytes": round((mem2 - mem1) / accepted),
        "activity_log_bytes": int(redis("memory", "usage", "nq:activities", "samples", "100")
                                  or 0),
        "aof_per_customer_bytes": round((aof1 - aof0) / CUSTOMERS),
        "aof_per_event_bytes": round((aof2 - aof1) / accepted), "aof_bytes": aof2}
    res["memory"]["per_event_without_log_bytes"] = round(
        (mem2 - mem1 - res["memory"]["activity_log_bytes"]) / accepted)
    log("memory: %s" % json.dumps(res["memory"]))
    res["load_s"] = round(time.monotonic() - t_load, 1)
    rewrite_aof(res, "aof_rewrite_s")
    with open(LOADED, "w") as f:
        json.dump({"customers": CUSTOMERS, "salespeople": SALESPEOPLE, "teams": TEAMS,
                   "events": res["events"]["accepted"], "memory": res["memory"],
                   "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, f)


def main():
    rng = random.Random(19)
    res = {"customers": CUSTOMERS, "events_asked": EVENTS, "salespeople": SALESPEOPLE,
           "teams": TEAMS, "team_size": TEAM_SIZE, "start_loadavg": loadavg()}
    # the bench's Redis: no snapshot or AOF rewrite forks while loading (bench/customers.sh)
    for k, v in (("save", ""), ("auto-aof-rewrite-percentage", "0")):
        redis("config", "set", k, v)
    if os.path.exists(LOADED):
        res["loaded"] = json.load(open(LOADED))
        log("reusing the data set loaded in %s: %s" % (SUITE, json.dumps(res["loaded"])))
        if (res["loaded"]["customers"], res["loaded"]["salespeople"]) != (CUSTOMERS, SALESPEOPLE):
            raise SystemExit("the kept data set has %d customers and %d salespeople: set "
                             "NQ_BENCH_CUSTOMERS and NQ_BENCH_SALESPEOPLE to them"
                             % (res["loaded"]["customers"], res["loaded"]["salespeople"]))
        res["catch_up"] = catch_up()
    elif load(res) == "drained":
        json.dump(res, sys.stdout, indent=1)
        print()
        return
    res["index_layout_wait_s"] = wait_index_layout()
    wait_looks()
    c = Client()
    redis("config", "resetstat")
    t0 = time.monotonic()
    res["hot"] = load_hot()
    res["reads"] = read_customers(c, rng)
    res["lists"] = read_lists(c, rng)
    res["reads_s"] = round(time.monotonic() - t0, 1)
    with open(os.path.join(OUT, "redis-reads.txt"), "w") as f:
        f.write(redis("info", "commandstats") + redis("info", "cpu"))
    if PAIRS > 0:
        t0 = time.monotonic()
        res["activity_path"] = activity_path()
        res["activity_path_s"] = round(time.monotonic() - t0, 1)
        if os.environ.get("NQ_BENCH_REWRITE_AFTER", "1") != "0":
            rewrite_aof(res, "aof_rewrite_end_s")  # the path's events, written since
    res["end_loadavg"] = loadavg()
    res["used_memory_end"] = used_memory()
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
