#!/usr/bin/env bash
# bench/customers.sh — benchmark customer management at scale: lists, timeline, summary,
# team receivables, the customers indexer's rate and its cost on the activity path, and
# Redis memory per customer and per event.
#
#   bench/customers.sh                                            # 1,000,000 / 10,000,000
#   NQ_BENCH_CUSTOMERS=100000 NQ_BENCH_EVENTS=1000000 bench/customers.sh   # a tenth
#   NQ_BENCH_KEEP=/var/tmp/nq-cust-1m bench/customers.sh          # keep the loaded data set
#   NQ_BENCH_KEEP=/var/tmp/nq-cust-1m NQ_BENCH_PAIRS=0 bench/customers.sh  # reads again on it
#
# Starts a suite of its own with nq-supervise (free ports, the run command's Redis
# persistence, NQ_LOG_LEVEL=warn) and runs bench/customers_probe.py inside it:
#   1. teams of NQ_BENCH_TEAM_SIZE salespeople, a salesperson per 1,000 customers, and the
#      customers (class, status, region, industry, tags, credit limit, a Chinese name),
#      imported with nqctl (customers in NQ_BENCH_IMPORT_JOBS parallel parts);
#   2. NQ_BENCH_EVENTS events of nq-bench --mix customers (every type about a customer,
#      each by its owner, over the month) in batches of 500 over 8 connections; the
#      customers indexer's consumer group ("index") sampled every second until its lag is 0;
#   3. reads over one keep-alive connection, NQ_BENCH_READS each: timeline and summary of
#      random customers, a timeline page of 50 of NQ_BENCH_HOT customers given 60 events more, receivables of random teams and salespeople, list pages of 50
#      under 13 filter sets and cursor pages 2-20 of five of them;
#   4. NQ_BENCH_PAIRS interleaved pairs of NQ_BENCH_PATH_S s flat-out writes: the
#      customers indexer stopped (SIGSTOP), then running; after each stopped run its
#      catch-up rate on the backlog.
# Redis used_memory (and AOF bytes) before and after the import and the events. The report
# (JSON, with the load average at each figure), nq-bench's reports and the logs go to
# NQ_BENCH_OUT. Progress lines with the time left every 10 s on stderr during the import,
# the events and the indexing.
#
# Before starting: the Redis memory the sizes need, projected from the per-customer and
# per-event bytes measured (NQ_BENCH_CUSTOMER_BYTES, NQ_BENCH_EVENT_BYTES), against
# MemAvailable; refused when it does not fit with a quarter to spare (NQ_BENCH_FORCE=1
# starts anyway).
#
# Redis: the product's persistence (AOF, appendfsync everysec, as scripts/run.sh and
# deploy/redis.conf), with two changes for the bench, set by the probe: no RDB snapshots
# (`save ""`) and no automatic AOF rewrite (`auto-aof-rewrite-percentage 0`). Each of
# those forks Redis, and a fork of a 14 GB Redis that is being written to copies pages as
# they change (copy-on-write): up to twice the memory. The AOF grows on disk instead (the
# projection prints the bytes measured per customer and per event). With NQ_BENCH_KEEP the
# AOF is rewritten after the load and after step 4, while nothing writes, so that it reloads
# quickly (a snapshot, not every command replayed).
#
# Settings (environment, defaults in brackets):
#   NQ_BUILD_DIR          [/tmp/build-bench-cust] a Release build; built when it has no nq-bench
#   NQ_BENCH_CUSTOMERS    [1000000]
#   NQ_BENCH_EVENTS       [10000000]
#   NQ_BENCH_SALESPEOPLE  [customers / 1000]
#   NQ_BENCH_TEAM_SIZE    [20] salespeople per team
#   NQ_BENCH_IMPORT_JOBS  [4] nqctl imports of customers at once
#   NQ_BENCH_LOAD_RATE    [0] events/s of step 2, 0 = flat out
#   NQ_BENCH_READS        [1000] requests of each read
#   NQ_BENCH_HOT          [200] customers c-000001.. that get about 60 more events each
#                         before the reads, for full timeline pages of 50 (timeline_hot)
#   NQ_BENCH_COMPANY_READS [5] company-wide receivables reads (each read per customer goes
#                         through every customer: ~25 s at 1,000,000 on this machine)
#   NQ_BENCH_PAIRS        [3] pairs of step 4 (0: skip it)
#   NQ_BENCH_PATH_S       [20] seconds of each run of step 4
#   NQ_BENCH_OUT          [/tmp/nq-bench-results/customers-<UTC date-time>]
#   NQ_BENCH_KEEP         [] a directory for the suite (Redis's data in it), kept after the run;
#                         when it holds a loaded data set (bench-loaded.json), steps 1 and 2
#                         are skipped and the reads (and step 4, which adds events) run on it:
#                         give the same NQ_BENCH_CUSTOMERS (and NQ_BENCH_SALESPEOPLE)
#   NQ_BENCH_REWRITE_AFTER [1] 0: with NQ_BENCH_KEEP, no AOF rewrite after step 4 (the next
#                         start then replays step 4's events)
#   NQ_BENCH_READY_S      [30, or 3600 reusing a kept data set] seconds the suite has to start
#                         (Redis loads its AOF first)
#   NQ_BENCH_FORCE        [] 1: start even when the projected memory does not fit
#   NQ_BENCH_DRAIN        [0] events: instead of steps 2-4, load this many with the indexer
#                         stopped, then time its drain (events/s, Redis CPU µs per event,
#                         commandstats); NQ_BENCH_DRAIN_RUNS [1] times
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${NQ_BUILD_DIR:-/tmp/build-bench-cust}
export NQ_BIN_DIR=$BUILD_DIR/bin
export NQ_RATE_KEY_RPS=${NQ_RATE_KEY_RPS:-10000000}
export NQ_RATE_KEY_BURST=${NQ_RATE_KEY_BURST:-10000000}
OUT=${NQ_BENCH_OUT:-/tmp/nq-bench-results/customers-$(date -u +%Y%m%dT%H%M%SZ)}
export NQ_BENCH_OUT=$OUT

if [[ ${1:-} == --in-suite ]]; then # run by nq-supervise, inside the suite
    exec python3 "$ROOT/bench/customers_probe.py" >"$OUT/customers.json"
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit 0
fi
if [[ ! -x $NQ_BIN_DIR/nq-bench || ! -x $NQ_BIN_DIR/nq-supervise ]]; then
    echo "bench/customers.sh: building Release into $BUILD_DIR" >&2
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j2 >/dev/null
fi
mkdir -p "$OUT/logs"
CUSTOMERS=${NQ_BENCH_CUSTOMERS:-1000000}
EVENTS=${NQ_BENCH_EVENTS:-10000000}
if [[ -n ${NQ_BENCH_KEEP:-} ]]; then
    SUITE_DIR=$NQ_BENCH_KEEP
    mkdir -p "$SUITE_DIR"
else
    SUITE_DIR=$(mktemp -d /tmp/nq-bench-suite.XXXXXX)
    trap 'rm -rf "$SUITE_DIR"' EXIT
fi
READY_S=${NQ_BENCH_READY_S:-30}
if [[ -f $SUITE_DIR/bench-loaded.json ]]; then
    READY_S=${NQ_BENCH_READY_S:-3600}
    echo "bench/customers.sh: reusing the data set in $SUITE_DIR: $(cat "$SUITE_DIR/bench-loaded.json" | head -c 200)" >&2
else
    # what the sizes need, from the bytes a customer and an event took in the last runs
    # (bench/README.md), against what the machine has
    CB=${NQ_BENCH_CUSTOMER_BYTES:-6042} EB=${NQ_BENCH_EVENT_BYTES:-799}
    need=$((CUSTOMERS * CB + EVENTS * EB))
    avail=$(($(awk '/^MemAvailable:/ {print $2}' /proc/meminfo) * 1024))
    disk=$(($(df -Pk "$SUITE_DIR" | awk 'NR == 2 {print $4}') * 1024))
    gib() { awk -v b="$1" 'BEGIN {printf "%.1f GiB", b / 1073741824}'; }
    echo "bench/customers.sh: projected Redis memory $(gib "$need") ($CUSTOMERS customers x $CB B" \
        "+ $EVENTS events x $EB B); available $(gib "$avail"); disk free for the AOF" \
        "$(gib "$disk") in $SUITE_DIR" >&2
    if ((need + need / 4 > avail)) && [[ ${NQ_BENCH_FORCE:-} != 1 ]]; then
        echo "bench/customers.sh: not enough memory with a quarter to spare (NQ_BENCH_FORCE=1" \
            "to start anyway)" >&2
        exit 1
    fi
fi
{
    date -u
    uptime
    free -g
    nproc
} >"$OUT/machine.txt"
rc=0
NQ_LOG_LEVEL=warn "$NQ_BIN_DIR/nq-supervise" --dir "$SUITE_DIR" --bin "$NQ_BIN_DIR" --free-ports \
    --redis-aof --scorers 1 --ready-timeout "$READY_S" --stop-timeout 120 -- \
    "$ROOT/bench/customers.sh" --in-suite || rc=$?
cp "$SUITE_DIR"/log/*.log "$OUT/logs/" 2>/dev/null || true
cat "$OUT/customers.json"
exit "$rc"
