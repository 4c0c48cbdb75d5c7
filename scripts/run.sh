#!/usr/bin/env bash
# run.sh — THE run command: install dependencies, build, start the whole suite on this
# machine (a private redis-server and every service), seed the demo data, and wait.
#
#   scripts/run.sh          # start; Ctrl-C stops everything it started
#   scripts/run.sh stop     # stop a suite started earlier (from another terminal)
#
# The suite runs under nq-supervise (tools/nq-supervise.c; the benchmark and the
# integration tests start theirs with the same code, common/src/suite.c): Redis with an
# append-only file, the services reaching it over its Unix socket, then every service;
# once GET /readyz answers 200 it seeds the demo (`nqctl seed-demo`) and prints what to
# try. It refuses to start over a running suite or on a port that is taken, says when a
# process exits on its own, and stops everything in order (Redis last) on Ctrl-C or
# `scripts/run.sh stop`.
#
# Settings (environment, defaults in brackets): NQ_SCORERS [2] scorer replicas,
# NQ_BUILD_DIR [build], and every NQ_* variable the services read, such as NQ_REDIS_PORT,
# NQ_HTTP_HOST, NQ_HTTP_PORT and NQ_*_ENDPOINT (all listed with their defaults by
# `build/bin/nq-gateway --help`).
#
# Files: var/log/<name>.log (each process's stdout and stderr; the previous run's kept as
# <name>.log.1), var/run/<name>.pid, var/redis/ (Redis data: AOF and snapshot; redis.sock,
# the socket the services use), var/nq-supervise.pid, var/api-key (nq-supervise's admin
# API key, mode 600, which the demo seeding and the curl examples use), var/curve/ (the
# services' CURVE keys) and var/redis-acl/ (the Redis users' passwords and the ACL file),
# both made on the first start and kept.
#
# Inside the suite nothing trusts the network: the services talk ZeroMQ with CURVE (a key
# pair each; only the expected peers are let in) and reach Redis each as its own ACL user
# (NQ_REDIS_ACL=on here; `default` is the operator's, password in
# var/redis-acl/default.password). NQ_CURVE=off / NQ_REDIS_ACL=off turn these off for
# development (docs/operations.md).
#
# Access: the first start also makes three demo users, admin, u-zhoumin (coordinator of
# the demo team t-east) and u-zhangwei (salesperson sp-zhangwei), each with a random
# password printed once (docs/operations.md: first admin, keys, passwords).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR_DIR=$ROOT/var
BUILD_DIR=${NQ_BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
BIN_DIR=$BUILD_DIR/bin
NQ_SCORERS=${NQ_SCORERS:-2}
DEMO_SALESPERSON=sp-zhangwei
DEMO_CUSTOMER=c-hz-jinda # both seeded by `nqctl seed-demo`
# Demo users: id|role|more nqctl options (no blanks inside an option's value).
DEMO_USERS=("admin|admin|--name 管理员" "u-zhoumin|coordinator|--teams t-east --name 周敏"
    "u-zhangwei|salesperson|--salesperson sp-zhangwei --name 张伟")
DEMO_LOGINS=() # "id (role): password" of the users this run made

say() { printf 'run.sh: %s\n' "$*"; }
die() {
    say "$*" >&2
    exit 1
}

# build: install what is missing and build, quietly unless it fails.
build() {
    local log=$VAR_DIR/log/build.log name
    bash "$ROOT/scripts/install-deps.sh"
    say "building into $BUILD_DIR (log: var/log/build.log)"
    if ! bash "$ROOT/scripts/build.sh" >"$log" 2>&1; then
        tail -n 40 "$log"
        die "build failed (full output: var/log/build.log)"
    fi
    for name in nq-ingest nq-scoring nq-customers nq-alerting nq-reporting nq-gateway nqctl \
        nq-supervise; do
        [[ -x $BIN_DIR/$name ]] || die "the build made no $BIN_DIR/$name"
    done
}

print_usage_hints() {
    local base=$NQ_URL now
    now=$(date +%s)
    cat <<EOF

neiqin is running: $base/
The console (控制台) is there: open $base/ in a browser and sign in with a demo user below
(u-zhoumin, the coordinator of t-east, sees the team's Today / 今日).
Logs are in var/log/. Ctrl-C (or 'scripts/run.sh stop' from another terminal) stops it all.

Every API request needs a credential. The run command's admin API key is in var/api-key:
  export NQ_API_KEY=\$(cat var/api-key)   # nqctl and nq-bench send it too
Post an order (a big one: it raises an alert):
  curl -s -X POST $base/api/v1/activities -H "Authorization: Bearer \$NQ_API_KEY" \\
    -H 'Content-Type: application/json' \\
    -d '{"event_id":"try-$now","type":"order","salesperson_id":"$DEMO_SALESPERSON","customer_id":"$DEMO_CUSTOMER","occurred_at":${now}000,"amount":"80000.00","source":"erp"}'
The week's KPIs of a demo salesperson:
  curl -s -H "Authorization: Bearer \$NQ_API_KEY" '$base/api/v1/salespeople/$DEMO_SALESPERSON/kpis?period=week'
Watch alerts as they are raised:
  curl -N -H "Authorization: Bearer \$NQ_API_KEY" $base/api/v1/alerts/stream
EOF
    if ((${#DEMO_LOGINS[@]} > 0)); then
        printf '\nDemo sign-ins (POST %s/api/v1/auth/login), shown this once:\n' "$base"
        printf '  %s\n' "${DEMO_LOGINS[@]}"
    else
        printf '\nThe demo users (admin, u-zhoumin, u-zhangwei) exist from an earlier run; give one\n'
        printf 'a new password with: nqctl user passwd ID --password-stdin (docs/operations.md)\n'
    fi
    echo
}

# demo_users: the demo's users, each with a random password kept in DEMO_LOGINS to be
# printed once; users that exist already (an earlier run made them) are left alone. nqctl
# writes them straight into the suite's Redis (NQ_REDIS_HOST, NQ_REDIS_PORT).
demo_users() {
    local row id role extra pw
    for row in "${DEMO_USERS[@]}"; do
        IFS='|' read -r id role extra <<<"$row"
        pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
        # shellcheck disable=SC2086 # extra holds whole options, split on purpose
        if printf '%s\n' "$pw" | "$BIN_DIR/nqctl" user add "$id" --role "$role" $extra \
            --password-stdin >/dev/null 2>&1; then
            DEMO_LOGINS+=("$id ($role): $pw")
        fi
    done
}

# cmd_ready: what nq-supervise runs once the suite is ready (NQ_URL: the gateway;
# NQ_API_KEY: its admin key).
cmd_ready() {
    demo_users
    say "seeding the demo data (nqctl seed-demo)"
    "$BIN_DIR/nqctl" seed-demo ||
        say "warning: 'nqctl seed-demo' failed; the suite runs without demo data" >&2
    print_usage_hints
}

cmd_start() {
    [[ $NQ_SCORERS =~ ^[1-9][0-9]*$ ]] || die "NQ_SCORERS must be a positive integer, got '$NQ_SCORERS'"
    mkdir -p "$VAR_DIR/log"
    build
    local hook
    printf -v hook '%q ready' "$ROOT/scripts/run.sh"
    export NQ_REDIS_ACL=${NQ_REDIS_ACL:-on}
    exec "$BIN_DIR/nq-supervise" --dir "$VAR_DIR" --bin "$BIN_DIR" --scorers "$NQ_SCORERS" \
        --redis-aof --on-ready "$hook"
}

cmd_stop() {
    [[ -x $BIN_DIR/nq-supervise ]] || die "no $BIN_DIR/nq-supervise: nothing was built here"
    exec "$BIN_DIR/nq-supervise" stop --dir "$VAR_DIR"
}

case ${1:-start} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    ready) cmd_ready ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' ;;
    *) die "unknown command '$1' (use: scripts/run.sh [start|stop])" ;;
esac
