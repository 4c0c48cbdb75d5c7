#!/usr/bin/env bash
# bench/console.sh — the console's Today page in Debian's chromium on a seeded suite:
# time to interactive, /api/v1 calls per navigation, and the page's own code and styles
# gzipped (everything but ECharts). Issue 17's bar: 1.5 s, 6 calls, 150 KB.
#
#   bench/console.sh          # 5 runs of each kind of navigation (bench/console.mjs)
#
# Starts a suite of its own with nq-supervise (free ports, fresh directory, like
# bench/run.sh), seeds it with nq-bench --mode seed (a team t-bench of 200 salespeople,
# NQ_BENCH_SEED_EVENTS events of this month, waited for until scored), adds a coordinator
# of t-bench with a random password, and runs bench/console.mjs under node with
# playwright-core from the build's tests/browser npm install. The suite stops whatever
# happens.
#
# Settings (environment, defaults in brackets):
#   NQ_BUILD_DIR          [build] a build with nq-bench, the web root and playwright-core
#   NQ_BENCH_SEED_EVENTS  [100000] events seeded
#   NQ_BENCH_RUNS         [5] navigations of each kind
#   NQ_BENCH_OUT          [/tmp/nq-bench-results/console-<UTC date-time>] JSON and logs
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$(cd "${NQ_BUILD_DIR:-$ROOT/build}" && pwd)
BIN_DIR=$BUILD_DIR/bin
SEED_EVENTS=${NQ_BENCH_SEED_EVENTS:-100000}
RUNS=${NQ_BENCH_RUNS:-5}
OUT=${NQ_BENCH_OUT:-/tmp/nq-bench-results/console-$(date -u +%Y%m%dT%H%M%SZ)}
PLAYWRIGHT=$BUILD_DIR/npm/browser/node_modules/playwright-core
COORDINATOR=u-bench-coord
export NQ_RATE_KEY_RPS=${NQ_RATE_KEY_RPS:-10000000}
export NQ_RATE_KEY_BURST=${NQ_RATE_KEY_BURST:-10000000}

say() { printf 'bench/console.sh: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# Inside the suite (nq-supervise runs this script again with NQ_URL, NQ_API_KEY and the
# suite's settings): seed, add the coordinator, measure.
in_suite() {
    say "seeding $SEED_EVENTS events (a team of 200)"
    "$BIN_DIR/nq-bench" --url "$NQ_URL" --mode seed --seed-events "$SEED_EVENTS" \
        --scored-wait 300 --redis-port "$NQ_REDIS_PORT" --json >"$OUT/seed.json" ||
        die "the seed failed (see $OUT/seed.json)"
    local password
    password=pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" | "$BIN_DIR/nqctl" user add "$COORDINATOR" --role coordinator \
        --teams t-bench --password-stdin >/dev/null || die "nqctl user add failed"
    say "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
    local rc=0
    NQ_USER=$COORDINATOR NQ_PASSWORD=$password NQ_WEB_DIR=$BUILD_DIR/web NQ_RUNS=$RUNS \
        NQ_PLAYWRIGHT=$PLAYWRIGHT NQ_CHROMIUM=$(command -v chromium) NQ_OUT=$OUT/console.json \
        node "$ROOT/bench/console.mjs" | tee "$OUT/console.txt" || rc=$?
    say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    return "$rc"
}

main() {
    if [[ ${1:-} == --in-suite ]]; then
        in_suite
        return
    fi
    [[ -x $BIN_DIR/nq-bench && -d $BUILD_DIR/web && -d $PLAYWRIGHT ]] ||
        die "$BUILD_DIR lacks nq-bench, web/ or playwright-core: build first (scripts/build.sh)"
    command -v chromium >/dev/null || die "chromium not found (scripts/install-deps.sh)"
    mkdir -p "$OUT"
    local dir rc=0
    dir=$(mktemp -d /tmp/nq-console-suite.XXXXXX)
    NQ_LOG_LEVEL=warn NQ_WEB_ROOT=$BUILD_DIR/web NQ_BENCH_OUT=$OUT NQ_BUILD_DIR=$BUILD_DIR \
        "$BIN_DIR/nq-supervise" --dir "$dir" --bin "$BIN_DIR" --free-ports --redis-aof \
        --ready-timeout 30 --stop-timeout 10 -- "$ROOT/bench/console.sh" --in-suite || rc=$?
    mkdir -p "$OUT/logs"
    cp "$dir"/log/*.log "$OUT/logs/" 2>/dev/null || true
    rm -rf "$dir"
    say "results in $OUT"
    return "$rc"
}

main "$@"
