#!/usr/bin/env bash
# bench/customers.sh — benchmark customer management at scale: lists, timeline, summary,
# team receivables, the customers indexer's rate and its cost on the activity path, and
# Redis memory per customer and per event.
#
#   bench/customers.sh                                            # 1,000,000 / 10,000,000
#   NQ_BENCH_CUSTOMERS=100000 NQ_BENCH_EVENTS=1000000 bench/customers.sh   # a tenth
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
#      random customers, receivables of random teams and salespeople, list pages of 50
#      under 12 filter sets and cursor pages 2-20 of four of them;
#   4. NQ_BENCH_PAIRS interleaved pairs of NQ_BENCH_PATH_S s flat-out writes: the
#      customers indexer stopped (SIGSTOP), then running; after each stopped run its
#      catch-up rate on the backlog.
# Redis used_memory before and after the import and the events. The report (JSON, with
# the load average at each figure), nq-bench's reports and the logs go to NQ_BENCH_OUT.
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
#   NQ_BENCH_PAIRS        [3] pairs of step 4 (0: skip it)
#   NQ_BENCH_PATH_S       [20] seconds of each run of step 4
#   NQ_BENCH_OUT          [/tmp/nq-bench-results/customers-<UTC date-time>]
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
SUITE_DIR=$(mktemp -d /tmp/nq-bench-suite.XXXXXX)
trap 'rm -rf "$SUITE_DIR"' EXIT
{
    date -u
    uptime
    free -g
    nproc
} >"$OUT/machine.txt"
rc=0
NQ_LOG_LEVEL=warn "$NQ_BIN_DIR/nq-supervise" --dir "$SUITE_DIR" --bin "$NQ_BIN_DIR" --free-ports \
    --redis-aof --scorers 1 --ready-timeout 30 --stop-timeout 10 -- \
    "$ROOT/bench/customers.sh" --in-suite || rc=$?
cp "$SUITE_DIR"/log/*.log "$OUT/logs/" 2>/dev/null || true
cat "$OUT/customers.json"
exit "$rc"
