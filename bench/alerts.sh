#!/usr/bin/env bash
# bench/alerts.sh — benchmark alerting: event -> alert on the SSE stream while events flow,
# and a burst of alerts delivered to a local webhook receiver at its rate limit.
#
#   bench/alerts.sh
#
# Starts a suite of its own with nq-supervise (free ports, the run command's Redis
# persistence, NQ_LOG_LEVEL) and runs bench/alerts_probe.py inside it:
#   1. nq-bench writes NQ_BENCH_LOAD_RATE events/s (4 connections, batches of 200) for
#      NQ_BENCH_DURATION s; meanwhile a big order is posted every NQ_BENCH_MARK_MS ms and the
#      time from its POST's answer to its alert on GET /api/v1/alerts/stream is measured,
#      and split: -> the alert's raised_at, -> its alert stream entry, -> the SSE frame;
#   2. a webhook channel (a receiver in the probe) with rate_per_min NQ_BENCH_HOOK_RATE;
#      NQ_BENCH_BURST big orders posted in batches of 500; the receiver is watched until
#      every alert arrived (single messages or digests): lost, duplicates, messages a clock
#      minute and in any rolling 60 s.
# `top` is sampled in the middle of the load. The report (JSON) and the sample go to
# NQ_BENCH_OUT, the logs to NQ_BENCH_OUT/logs.
#
# Settings (environment, defaults in brackets):
#   NQ_BUILD_DIR        [/tmp/build-bench-alerts] a Release build; built when it has no nq-bench
#   NQ_BENCH_DURATION   [60] seconds of load
#   NQ_BENCH_LOAD_RATE  [10000] events/s of the load
#   NQ_BENCH_MARK_MS    [50] one marker order every this many ms
#   NQ_BENCH_BURST      [10000] alerts of the burst
#   NQ_BENCH_HOOK_RATE  [600] the webhook channel's rate_per_min (1-600)
#   NQ_BENCH_OUT        [/tmp/nq-bench-results/alerts-<UTC date-time>]
#   NQ_BENCH_BURST_WAIT_S [900] how long the probe waits for the burst to arrive
#   NQ_LOG_LEVEL        [warn] the suite's log level (info: nq-alerting's cycle_stats)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${NQ_BUILD_DIR:-/tmp/build-bench-alerts}
export NQ_BIN_DIR=$BUILD_DIR/bin
export NQ_RATE_KEY_RPS=${NQ_RATE_KEY_RPS:-10000000}
export NQ_RATE_KEY_BURST=${NQ_RATE_KEY_BURST:-10000000}
OUT=${NQ_BENCH_OUT:-/tmp/nq-bench-results/alerts-$(date -u +%Y%m%dT%H%M%SZ)}
export NQ_BENCH_OUT=$OUT

if [[ ${1:-} == --in-suite ]]; then # run by nq-supervise, inside the suite
    (
        sleep $((${NQ_BENCH_DURATION:-60} / 2))
        top -b -n 2 -d 2 -w 200 | awk '/^top -/{n++} n==2' | head -n 30 >"$OUT/alerts-top.txt"
    ) &
    python3 "$ROOT/bench/alerts_probe.py" >"$OUT/alerts.json"
    wait
    exit 0
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit 0
fi
if [[ ! -x $NQ_BIN_DIR/nq-bench || ! -x $NQ_BIN_DIR/nq-supervise ]]; then
    echo "bench/alerts.sh: building Release into $BUILD_DIR" >&2
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j2 >/dev/null
fi
mkdir -p "$OUT/logs"
SUITE_DIR=$(mktemp -d /tmp/nq-bench-suite.XXXXXX)
trap 'rm -rf "$SUITE_DIR"' EXIT
rc=0
NQ_LOG_LEVEL=${NQ_LOG_LEVEL:-warn} "$NQ_BIN_DIR/nq-supervise" --dir "$SUITE_DIR" --bin "$NQ_BIN_DIR" --free-ports \
    --redis-aof --scorers 1 --ready-timeout 30 --stop-timeout 10 -- \
    "$ROOT/bench/alerts.sh" --in-suite || rc=$?
cp "$SUITE_DIR"/log/*.log "$OUT/logs/" 2>/dev/null || true
cat "$OUT/alerts.json"
exit "$rc"
