#!/usr/bin/env bash
# bench/timers-at-rest.sh — what N pending timer deadlines cost nq-alerting at rest.
#
# Starts a private redis-server (no persistence) on a free port, fills the timer clock
# (nq:alert:timers, services/alerting/timers.h) with N deadlines spread over the next
# 1-30 days (none due), starts one nq-alerting on it (NQ_CURVE=off, free ports), lets
# it settle for 5 s, then reads its CPU time (utime + stime, /proc/<pid>/stat) and
# Redis's (INFO cpu) over DURATION seconds. Built into NQ_BUILD_DIR [/tmp/build-bench].
#
#   bench/timers-at-rest.sh               # 100,000 deadlines, 60 s
#   bench/timers-at-rest.sh 1000000 30    # N DURATION
#   NQ_BENCH_DUE=5000 bench/timers-at-rest.sh  # then 5,000 of them made due at once: how
#                                              # long nq-alerting takes to check them all
#                                              # (customers unknown here: each is dropped)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${NQ_BUILD_DIR:-/tmp/build-bench}
N=${1:-100000}
DURATION=${2:-60}
DUE=${NQ_BENCH_DUE:-0}

say() { printf 'bench/timers-at-rest.sh: %s\n' "$*" >&2; }
[[ $N =~ ^[1-9][0-9]{0,7}$ && $DURATION =~ ^[1-9][0-9]{0,4}$ ]] ||
    { say "N (1-99999999) and DURATION (seconds) are whole numbers"; exit 2; }
command -v redis-server >/dev/null || { say "needs redis-server (scripts/install-deps.sh)"; exit 2; }
if [[ ! -x $BUILD_DIR/bin/nq-alerting ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j2 --target nq-alerting >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
DIR=$(mktemp -d /tmp/nq-bench-timers.XXXXXX)
REDIS_PID="" ALERTING_PID=""
cleanup() {
    [[ -n $ALERTING_PID ]] && kill "$ALERTING_PID" 2>/dev/null && wait "$ALERTING_PID" 2>/dev/null
    [[ -n $REDIS_PID ]] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

PORT=$(free_port)
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save '' --appendonly no \
    --hash-max-listpack-value 128 \
    --logfile "$DIR/redis.log" &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
cli() { redis-cli -p "$PORT" "$@"; }

# N deadlines, 1,000 members a ZADD, in the protocol's encoding.
NOW=$(($(date +%s) * 1000))
awk -v n="$N" -v now="$NOW" '
    function arg(s) { return "$" length(s) "\r\n" s "\r\n" }
    BEGIN {
        srand(1)
        for (i = 0; i < n; i += 1000) {
            m = (n - i < 1000) ? n - i : 1000
            printf "*%d\r\n%s%s", 2 + 2 * m, arg("ZADD"), arg("nq:alert:timers")
            for (j = i; j < i + m; j++) {
                due = now + 86400000 + int(rand() * 29 * 86400000)
                printf "%s%s", arg(sprintf("%.0f", due)), arg("customer_not_visited|bench-cust-" j)
            }
        }
    }' | cli --pipe >/dev/null
say "$(cli ZCARD nq:alert:timers) pending deadlines"

NQ_REDIS_HOST=127.0.0.1 NQ_REDIS_PORT=$PORT NQ_CURVE=off NQ_LOG_LEVEL=warn \
    NQ_CHANGES_ENDPOINT=tcp://127.0.0.1:$(free_port) NQ_ALERTS_ENDPOINT=tcp://127.0.0.1:$(free_port) \
    "$BUILD_DIR/bin/nq-alerting" >"$DIR/alerting.log" 2>&1 &
ALERTING_PID=$!
sleep 5
kill -0 "$ALERTING_PID" 2>/dev/null || { say "nq-alerting exited:"; cat "$DIR/alerting.log" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$ALERTING_PID/stat"; }
redis_cpu() { cli INFO cpu | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.3f", s}'; }
HZ=$(getconf CLK_TCK)
T0=$(ticks) R0=$(redis_cpu) S0=$(date +%s.%N)
sleep "$DURATION"
T1=$(ticks) R1=$(redis_cpu) S1=$(date +%s.%N)
awk -v t0="$T0" -v t1="$T1" -v r0="$R0" -v r1="$R1" -v s0="$S0" -v s1="$S1" -v hz="$HZ" \
    -v n="$(cli ZCARD nq:alert:timers)" 'BEGIN {
        wall = s1 - s0
        printf "pending deadlines      %d (after the run)\n", n
        printf "wall                   %.1f s\n", wall
        printf "nq-alerting CPU        %.2f s = %.2f %% of a core\n", (t1 - t0) / hz, 100 * (t1 - t0) / hz / wall
        printf "redis-server CPU       %.2f s = %.2f %% of a core\n", r1 - r0, 100 * (r1 - r0) / wall
    }'

if ((DUE > 0)); then
    # make DUE of them due now, then wait until nq-alerting has handled every one
    MEMBERS=$(cli ZRANGE nq:alert:timers 0 $((DUE - 1)) | tr '\n' ' ')
    S0=$(date +%s.%N)
    # shellcheck disable=SC2086
    printf '%s\n' $MEMBERS | awk -v due="$(($(date +%s) * 1000 - 1000))" '{print "ZADD nq:alert:timers " due " " $1}' |
        cli >/dev/null
    while (($(cli ZCARD nq:alert:timers) > N - DUE)); do sleep 0.2; done
    S1=$(date +%s.%N)
    awk -v s0="$S0" -v s1="$S1" -v k="$DUE" 'BEGIN { printf "%d due at once: all handled in %.1f s (%.0f a second)\n", k, s1 - s0, k / (s1 - s0) }'
fi
