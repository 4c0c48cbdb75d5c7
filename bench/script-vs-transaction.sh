#!/usr/bin/env bash
# bench/script-vs-transaction.sh — what Redis spends on the scorer's counters when
# they are written from a Lua script (one EVALSHA of HINCRBYs, as scorers did
# before commit 21c6a90) or as plain commands in a MULTI/EXEC transaction (as they
# do now), on a private redis-server with the run command's persistence
# (AOF, fsync every second; started by nq-supervise --redis-only, built into
# NQ_BUILD_DIR [/tmp/build-bench] when missing).
#
#   bench/script-vs-transaction.sh            # 300 applies of 2,000 counters each way
#   bench/script-vs-transaction.sh 100 5000   # APPLIES COUNTERS
#
# Keys and fields are drawn like the benchmark's: 200 salespeople, a day key (one
# of 8) or a month key, one of six counters. Reports the Redis CPU (user + system,
# INFO cpu) per counter written, each way, twice in alternation.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${NQ_BUILD_DIR:-/tmp/build-bench}
MEASURE=""
if [[ ${1:-} == --measure ]]; then # run by one_way, inside nq-supervise
    MEASURE=$2
    shift 2
fi
APPLIES=${1:-300}
COUNTERS=${2:-2000}
SCRIPT="for j=0,tonumber(ARGV[1])-1 do local k=2+j*3 redis.call('HINCRBY',ARGV[k],ARGV[k+1],ARGV[k+2]) end return 1"

say() { printf 'bench/script-vs-transaction.sh: %s\n' "$*" >&2; }
[[ $APPLIES =~ ^[1-9][0-9]{0,5}$ && $COUNTERS =~ ^[1-9][0-9]{0,5}$ ]] ||
    { say "APPLIES and COUNTERS are whole numbers from 1 to 999999"; exit 2; }
command -v redis-server >/dev/null || { say "needs redis-server (scripts/install-deps.sh)"; exit 2; }

PORT=${NQ_REDIS_PORT:-}

# commands MODE SHA: APPLIES applies of COUNTERS counters in the protocol's
# encoding, as one EVALSHA each (script) or MULTI, HINCRBY..., EXEC (transaction).
commands() {
    awk -v mode="$1" -v sha="$2" -v applies="$APPLIES" -v n="$COUNTERS" '
        function arg(s) { return "$" length(s) "\r\n" s "\r\n" }
        BEGIN {
            srand(1)
            split("visits calls orders sales_fen order_value_fen collections_fen", fields, " ")
            for (a = 0; a < applies; a++) {
                if (mode == "script")
                    printf "*%d\r\n%s%s%s%s", 4 + 3 * n, arg("EVALSHA"), arg(sha), arg("0"), arg(n)
                else
                    printf "*1\r\n%s", arg("MULTI")
                for (i = 0; i < n; i++) {
                    sp = sprintf("sp-%05d", 1 + int(rand() * 200))
                    key = i % 2 ? "nq:{sp:" sp "}:kpi:2026-11" \
                                : sprintf("nq:{sp:%s}:kpi:2026-11-%02d", sp, 20 + int(rand() * 8))
                    f = fields[1 + int(rand() * 6)]
                    d = 1 + int(rand() * 100000)
                    if (mode != "script")
                        printf "*4\r\n%s", arg("HINCRBY")
                    printf "%s%s%s", arg(key), arg(f), arg(d)
                }
                if (mode != "script")
                    printf "*1\r\n%s", arg("EXEC")
            }
        }'
}

# cpu_s: Redis's CPU seconds so far.
cpu_s() {
    redis-cli -p "$PORT" info cpu | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { print s }'
}

# measure MODE (in the suite, Redis on PORT, no snapshots): the applies, and the CPU per
# counter in µs.
measure() {
    local before after sha commands=$NQ_SUITE_DIR/commands
    redis-cli -p "$PORT" config set save '' >/dev/null
    sha=$(redis-cli -p "$PORT" script load "$SCRIPT")
    commands "$1" "$sha" >"$commands"
    before=$(cpu_s)
    redis-cli -p "$PORT" --pipe <"$commands" >/dev/null
    after=$(cpu_s)
    awk -v m="$1" -v b="$before" -v a="$after" -v n=$((APPLIES * COUNTERS)) \
        'BEGIN { printf "%-11s %8.3f s of Redis CPU for %d counters: %.2f us each\n", m, a - b, n, (a - b) * 1e6 / n }'
}

# one_way MODE: a fresh Redis with the run command's persistence, then measure MODE in it.
one_way() {
    local dir
    dir=$(mktemp -d /tmp/nq-script-vs-tx.XXXXXX)
    "$BUILD_DIR/bin/nq-supervise" --dir "$dir" --free-ports --redis-aof --redis-only -- \
        "${BASH_SOURCE[0]}" --measure "$1" "$APPLIES" "$COUNTERS" 2>"$dir/supervise.txt" ||
        { cat "$dir/supervise.txt" >&2; rm -rf "$dir"; exit 1; }
    rm -rf "$dir"
}

if [[ -n $MEASURE ]]; then
    measure "$MEASURE"
    exit 0
fi
if [[ ! -x $BUILD_DIR/bin/nq-supervise ]]; then
    say "building Release into $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
fi
say "$APPLIES applies of $COUNTERS counters each way, twice"
for _ in 1 2; do
    one_way script
    one_way transaction
done
