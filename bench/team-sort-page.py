#!/usr/bin/env python3
"""bench/team-sort-page.py — the page script of a team's sorted list
(common/lua/list_page.lua) at a company's size, in Redis alone.

    python3 bench/team-sort-page.py [customers [reads]]     # [1000000 [200]]

Starts a private redis-server (no persistence, free port), fills the indexes a
`GET /api/v1/customers?team=<t>&sort=name` page reads for `customers` customers
(1,000 a salesperson, 20 salespeople a team, Chinese names of 2-8 characters):
the company's sort index nq:ix:customers:sort=name, the list's own index, the
owner indexes and the index by owner (sort 1 only); then times `reads` first pages
and `reads` cursor pages (2-20) of random teams, pages of 50 that may look at 200
entries, two ways: walking the company's sort index and keeping the team's
(ARGV 7 absent) and walking the members' ranges of the index by owner. Prints
one JSON object: per way p50/p90/p99/max in ms (the script call, round trip
included), Redis's own time per call (INFO commandstats) and the items per
page; the load average.
"""
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUSTOMERS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
READS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
PER_SP, TEAM_SIZE = 1000, 20
SORT, OWNED, ALL = "nq:ix:customers:sort=name", "nq:ix:customers:sort=by_owner", "nq:ix:customers"
CHARS = "华为中兴联想海尔美的格力长虹深圳上海北京广州杭州成都武汉南京科技贸易物流电子机械化工"


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    def call(self, *args):
        self.s.sendall(resp(*args))
        return self.read()

    def read(self):
        line = self.f.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if kind == b"*":
            return [self.read() for _ in range(int(rest))]
        if kind == b":":
            return int(rest)
        if kind == b"-":
            raise RuntimeError(rest.decode())
        return rest


def fill(port, rng):
    """The indexes, through redis-cli --pipe, 1,000 members a ZADD."""
    with tempfile.NamedTemporaryFile(delete=False) as f:
        for sp0 in range(0, CUSTOMERS // PER_SP):
            sp = "sp-%05d" % (sp0 + 1)
            sort, owned, own, alls = [SORT], [OWNED], ["nq:ix:customers:owner=" + sp], [ALL]
            for k in range(PER_SP):
                cid = "c-%07d" % (sp0 * PER_SP + k + 1)
                name = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 8)))
                key = name.encode()[:30]
                sort += [0, key + b"\x1f" + cid.encode()]
                owned += [0, sp.encode() + b"\x1f1\x1f" + key + b"\x1f" + cid.encode()]
                own += [0, cid]
                alls += [0, cid]
            for cmd in (sort, owned, own, alls):
                f.write(resp("ZADD", *cmd))
        path = f.name
    with open(path, "rb") as f:
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=f, check=True,
                       stdout=subprocess.DEVNULL)
    os.unlink(path)


def stats(xs):
    xs = sorted(xs)
    at = lambda q: round(xs[min(len(xs) - 1, int(q * len(xs)))], 2)
    return {"n": len(xs), "p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": round(xs[-1], 2)}


def page(c, sha, team, after, owned):
    members = ["sp-%05d" % (team * TEAM_SIZE + i + 1) for i in range(TEAM_SIZE)]
    keys = [SORT, ALL] + ["nq:ix:customers:owner=" + m for m in members] + ([OWNED] if owned else [])
    argv = [after, 50, 200, "", TEAM_SIZE, "sorted"] + (["1"] + members if owned else [])
    t = time.perf_counter()
    r = c.call("EVALSHA", sha, len(keys), *keys, *argv)
    return (time.perf_counter() - t) * 1000, r


def usec_per_call(c):
    """Redis's own time per EVALSHA since the last CONFIG RESETSTAT."""
    for line in c.call("INFO", "commandstats").decode().splitlines():
        if line.startswith("cmdstat_evalsha:"):
            return float(line.split("usec_per_call=")[1].split(",")[0])
    return None


def measure(c, sha, owned, rng):
    teams = CUSTOMERS // PER_SP // TEAM_SIZE
    first, cursor, items = [], [], 0
    c.call("CONFIG", "RESETSTAT")
    for _ in range(READS):
        ms, r = page(c, sha, rng.randrange(teams), "", owned)
        first.append(ms)
        items += len(r) - 2
    while len(cursor) < READS:
        team, after = rng.randrange(teams), ""
        for _ in range(20):
            ms, r = page(c, sha, team, after, owned)
            if after:
                cursor.append(ms)
            if r[1] != 1:
                break
            after = r[0]
    return {"first": stats(first), "cursor_2_20": stats(cursor),
            "items_per_page": round(items / READS, 1), "redis_usec_per_call": usec_per_call(c)}


def main():
    rng = random.Random(7)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    d = tempfile.mkdtemp(prefix="nq-team-sort-")
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", d,
                              "--logfile", os.path.join(d, "redis.log")])
    try:
        for _ in range(100):
            try:
                c = Conn(port)
                c.call("PING")
                break
            except OSError:
                time.sleep(0.1)
        t = time.time()
        fill(port, rng)
        res = {"customers": CUSTOMERS, "teams": CUSTOMERS // PER_SP // TEAM_SIZE,
               "fill_s": round(time.time() - t, 1)}
        sha = c.call("SCRIPT", "LOAD",
                     open(os.path.join(ROOT, "common/lua/list_page.lua"), "rb").read()).decode()
        res["company_walk"] = measure(c, sha, False, rng)
        res["company_walk"]["loadavg"] = open("/proc/loadavg").read().split()[:3]
        res["members_ranges"] = measure(c, sha, True, rng)
        res["members_ranges"]["loadavg"] = open("/proc/loadavg").read().split()[:3]
        json.dump(res, sys.stdout, indent=1)
        print()
    finally:
        redis.terminate()
        redis.wait()
        subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    main()
