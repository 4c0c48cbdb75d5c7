#!/usr/bin/env bash
# run.sh — THE run command: install dependencies, build, start the whole suite on this
# machine (a private redis-server and every service), seed the demo data, and wait.
#
#   scripts/run.sh          # start; Ctrl-C stops everything it started
#   scripts/run.sh stop     # stop a suite started earlier (from var/run/*.pid)
#
# Settings (environment, defaults in brackets): NQ_SCORERS [2] scorer replicas,
# NQ_BUILD_DIR [build], NQ_REDIS_PORT [6390], NQ_HTTP_HOST [127.0.0.1],
# NQ_HTTP_PORT [8080], NQ_*_ENDPOINT (see common/include/nq/config.h), and every
# other NQ_* variable, which the services read themselves.
#
# Files: var/log/<name>.log (each process's stdout and stderr), var/run/<name>.pid,
# var/redis/ (Redis data: AOF and snapshot; redis.sock, the socket the services use),
# var/api-key (the run command's own admin API key, mode 600, reused across runs).
#
# Access: the first start makes three demo users (admin, the demo team's coordinator
# u-zhoumin, the salesperson u-zhangwei) with random passwords printed once, and an
# API key for the script's own requests (seed-demo, the curl examples).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/suite.sh
source "$ROOT/scripts/suite.sh"
VAR_DIR=$ROOT/var
LOG_DIR=$VAR_DIR/log
RUN_DIR=$VAR_DIR/run
REDIS_DIR=$VAR_DIR/redis
STOP_MARK=$RUN_DIR/stopped   # left by 'scripts/run.sh stop', removed by the next start
BUILD_DIR=${NQ_BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
BIN_DIR=$BUILD_DIR/bin

READY_TIMEOUT_S=30   # how long the gateway has to report /readyz 200
STOP_TIMEOUT_S=10    # how long a process has to exit after SIGTERM before SIGKILL
DEMO_SALESPERSON=sp-zhangwei
DEMO_CUSTOMER=c-hz-jinda   # both seeded by `nqctl seed-demo`
KEY_FILE=$VAR_DIR/api-key  # the run command's admin key, kept across runs
# Demo users: id|role|more nqctl options (no blanks inside an option's value).
DEMO_USERS=("admin|admin|--name 管理员" "u-zhoumin|coordinator|--teams t-east --name 周敏"
    "u-zhangwei|salesperson|--salesperson sp-zhangwei --name 张伟")
DEMO_LOGINS=()  # "id (role): password" of the users made by this run

# One configuration for the script and the processes it starts: the script checks
# and waits on the same ports the services bind.
use_redis_socket "$REDIS_DIR" # and NQ_REDIS_HOST (scripts/suite.sh)
export NQ_REDIS_PORT=${NQ_REDIS_PORT:-6390}
export NQ_HTTP_HOST=${NQ_HTTP_HOST:-127.0.0.1}
export NQ_HTTP_PORT=${NQ_HTTP_PORT:-8080}
export NQ_INGEST_ENDPOINT=${NQ_INGEST_ENDPOINT:-tcp://127.0.0.1:7101}
export NQ_CUSTOMERS_ENDPOINT=${NQ_CUSTOMERS_ENDPOINT:-tcp://127.0.0.1:7102}
export NQ_REPORTING_ENDPOINT=${NQ_REPORTING_ENDPOINT:-tcp://127.0.0.1:7103}
export NQ_STORED_ENDPOINT=${NQ_STORED_ENDPOINT:-tcp://127.0.0.1:7104}
export NQ_CHANGES_ENDPOINT=${NQ_CHANGES_ENDPOINT:-tcp://127.0.0.1:7105}
export NQ_ALERTS_ENDPOINT=${NQ_ALERTS_ENDPOINT:-tcp://127.0.0.1:7106}
if [[ -z ${NQ_WEB_ROOT:-} && -d $ROOT/gateway/web ]]; then
    export NQ_WEB_ROOT=$ROOT/gateway/web
fi
NQ_SCORERS=${NQ_SCORERS:-2}
cd "$ROOT"

STARTED=()   # names of the processes this run started, in start order

say() { printf 'run.sh: %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

# ---- processes ----------------------------------------------------------------------

# recorded_pid NAME: the pid in var/run/NAME.pid.
recorded_pid() {
    local pid
    pid=$(cat "$RUN_DIR/$1.pid" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
}

# live_pid NAME: print the pid recorded for NAME when that pid is still NAME's
# process (not exited, not a zombie, not a recycled pid); fail otherwise.
live_pid() {
    local pid
    pid=$(recorded_pid "$1") && runs_as "$pid" "$(binary_of "$1")" && echo "$pid"
}

# start_process NAME CMD...: run CMD in its own session (so Ctrl-C reaches only this
# script, which then stops everything in order), logs to var/log/NAME.log (the
# previous run's log is kept as NAME.log.1). Returns once CMD's executable runs;
# dies, showing the log, when it cannot start.
start_process() {
    local name=$1 log=$LOG_DIR/$1.log pid i
    shift
    if [[ -e $log ]]; then mv -f "$log" "$log.1"; fi
    setsid "$@" >"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$RUN_DIR/$name.pid"
    STARTED+=("$name")
    for ((i = 0; i < 100; i++)); do
        runs_as "$pid" "$(binary_of "$name")" && return 0
        [[ -e /proc/$pid ]] || break
        sleep 0.02
    done
    show_log "$name"
    die "$name did not start: $*"
}

# show_log NAME: the last lines of NAME's log, indented.
show_log() {
    say "last lines of var/log/$1.log:"
    tail -n 20 "$LOG_DIR/$1.log" 2>/dev/null | sed 's/^/    /' || true
}

# stop_group NAME...: SIGTERM every live one, wait up to STOP_TIMEOUT_S for them all,
# SIGKILL the stragglers, remove their pid files.
stop_group() {
    local name pid waited=0 left
    for name; do
        if pid=$(live_pid "$name"); then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    while :; do
        left=()
        for name; do
            if live_pid "$name" >/dev/null; then left+=("$name"); fi
        done
        if ((${#left[@]} == 0 || waited >= STOP_TIMEOUT_S * 10)); then break; fi
        sleep 0.1
        waited=$((waited + 1))
    done
    for name in "${left[@]}"; do
        pid=$(live_pid "$name") || continue
        say "$name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT_S}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    done
    for name; do
        rm -f "$RUN_DIR/$name.pid"
    done
}

# stop_names NAME...: stop the services first, Redis last (so they can finish writing).
stop_names() {
    local name services=() redis=()
    for name; do
        if [[ $name == redis ]]; then redis+=("$name"); else services+=("$name"); fi
    done
    ((${#services[@]} == 0)) || stop_group "${services[@]}"
    ((${#redis[@]} == 0)) || stop_group "${redis[@]}"
}

# recorded_names: every name that has a pid file in var/run/.
recorded_names() {
    local f
    for f in "$RUN_DIR"/*.pid; do
        [[ -e $f ]] || continue
        f=${f##*/}
        echo "${f%.pid}"
    done
}

# ---- checks -------------------------------------------------------------------------

# check_free: refuse to start over a running suite or on a port that is taken.
check_free() {
    local name ep rest
    for name in $(recorded_names); do
        if live_pid "$name" >/dev/null; then
            die "a suite is already running ($name, pid $(live_pid "$name")): stop it with 'scripts/run.sh stop'"
        fi
        rm -f "$RUN_DIR/$name.pid"
    done
    local binds=("Redis (NQ_REDIS_PORT)=127.0.0.1:$NQ_REDIS_PORT"
        "HTTP (NQ_HTTP_HOST/NQ_HTTP_PORT)=$NQ_HTTP_HOST:$NQ_HTTP_PORT")
    for ep in INGEST STORED CUSTOMERS REPORTING CHANGES ALERTS; do
        rest=NQ_${ep}_ENDPOINT
        if [[ ${!rest} == tcp://* ]]; then binds+=("$rest=${!rest#tcp://}"); fi
    done
    for ep in "${binds[@]}"; do
        rest=${ep#*=}
        if port_in_use "${rest%:*}" "${rest##*:}"; then
            die "port ${rest##*:} for ${ep%%=*} is already taken on ${rest%:*}; stop what uses it, or choose another port"
        fi
    done
}

# http_base: the URL the gateway answers on, as seen from this machine.
http_base() {
    local host=$NQ_HTTP_HOST
    if [[ $host == 0.0.0.0 ]]; then host=127.0.0.1; fi
    echo "http://$host:$NQ_HTTP_PORT"
}

# ---- start --------------------------------------------------------------------------

start_redis() {
    start_process redis redis-server --port "$NQ_REDIS_PORT" --bind 127.0.0.1 \
        --protected-mode yes --daemonize no --dir "$REDIS_DIR" "${REDIS_SOCKET_ARGS[@]}" \
        "${REDIS_PERSISTENCE[@]}"
    local i
    for ((i = 0; i < 100; i++)); do
        if [[ $(redis-cli -h 127.0.0.1 -p "$NQ_REDIS_PORT" ping 2>/dev/null) == PONG ]]; then
            return 0
        fi
        live_pid redis >/dev/null || break
        sleep 0.1
    done
    show_log redis
    die "redis-server did not come up on 127.0.0.1:$NQ_REDIS_PORT"
}

# wait_ready: wait for /readyz 200; otherwise show why and fail.
wait_ready() {
    local url deadline body name f down
    url=$(http_base)/readyz
    deadline=$((SECONDS + READY_TIMEOUT_S))
    while ((SECONDS < deadline)); do
        if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url") == 200 ]]; then
            return 0
        fi
        sleep 0.5
    done
    body=$(curl -s --max-time 2 "$url" || true)
    say "$url did not answer 200 within ${READY_TIMEOUT_S}s: ${body:-no answer}" >&2
    for name in "${STARTED[@]}"; do
        live_pid "$name" >/dev/null || { say "$name is not running" >&2; show_log "$name"; }
    done
    # Failing checks in the readyz body ("ingest":"down") name the logs to read.
    mapfile -t down < <(grep -o '"[a-z]*":"down"' <<<"$body" | cut -d'"' -f2)
    for name in "${down[@]}"; do
        if [[ $name == redis ]]; then f=$LOG_DIR/redis; else f=$LOG_DIR/nq-$name; fi
        for f in "$f".log "$f"-*.log; do
            if [[ -e $f ]]; then f=${f##*/}; show_log "${f%.log}"; fi
        done
    done
    [[ -n $body ]] || show_log nq-gateway
    exit 1
}

# run_key: the run command's API key (var/api-key), reused while the gateway accepts
# it, else made anew (nqctl writes it straight into Redis). Exports NQ_API_KEY.
run_key() {
    local key=""
    if [[ -s $KEY_FILE ]]; then key=$(<"$KEY_FILE"); fi
    if [[ -z $key || $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
        -H "Authorization: Bearer $key" "$(http_base)/api/v1/auth/me") != 200 ]]; then
        key=$(make_api_key "$BIN_DIR" run-command) || die "could not make an API key (nqctl apikey create)"
        (umask 077 && printf '%s\n' "$key" >"$KEY_FILE")
    fi
    export NQ_API_KEY=$key
}

# demo_users: the demo's users, each with a random password kept in DEMO_LOGINS to be
# printed once; users that exist already (an earlier run made them) are left alone.
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

seed_demo() {
    say "seeding the demo data (nqctl seed-demo)"
    NQ_URL=$(http_base) "$BIN_DIR/nqctl" seed-demo ||
        say "warning: 'nqctl seed-demo' failed; the suite runs without demo data" >&2
}

print_usage_hints() {
    local base now
    base=$(http_base)
    now=$(date +%s)
    cat <<EOF

neiqin is running: $base/
Logs are in var/log/. Ctrl-C (or 'scripts/run.sh stop' from another terminal) stops it all.

Every API request needs a credential. The run command's admin API key is in var/api-key:
  export NQ_API_KEY=\$(cat var/api-key)   # nqctl and nq-bench read it too
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
        printf '\nThe demo users (admin, u-zhoumin, u-zhangwei) exist from an earlier run; give one a\n'
        printf 'new password with: nqctl user passwd ID --password-stdin (docs/operations.md)\n'
    fi
    echo
}

# on_exit: whatever ends this script (Ctrl-C, SIGTERM, an error) stops what it started.
on_exit() {
    local rc=$?
    trap '' INT TERM HUP PIPE
    set +e   # stop everything even when a message cannot be written (closed stdout)
    if ((${#STARTED[@]} > 0)); then
        say "stopping ${#STARTED[@]} processes"
        local names=() i
        for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do names+=("${STARTED[i]}"); done
        stop_names "${names[@]}"
        say "stopped everything run.sh started"
    fi
    exit "$rc"
}

# supervise: wait in the foreground; say once when a process exits on its own, and
# end when 'scripts/run.sh stop' is stopping the suite.
supervise() {
    local name gone=" "
    while :; do
        for name in "${STARTED[@]}"; do
            [[ $gone == *" $name "* ]] && continue
            if ! live_pid "$name" >/dev/null; then
                if [[ -e $STOP_MARK ]]; then
                    say "'scripts/run.sh stop' stopped the suite"
                    STARTED=()
                    exit 0
                fi
                say "$name exited on its own" >&2
                show_log "$name"
                gone+="$name "
            fi
        done
        sleep 2 &
        wait $! || true
    done
}

# build: install what is missing and build, quietly unless it fails.
build() {
    local log=$LOG_DIR/build.log name
    bash "$ROOT/scripts/install-deps.sh"
    say "building into $BUILD_DIR (log: var/log/build.log)"
    if ! bash "$ROOT/scripts/build.sh" >"$log" 2>&1; then
        tail -n 40 "$log"
        die "build failed (full output: var/log/build.log)"
    fi
    for name in nq-ingest nq-scoring nq-customers nq-alerting nq-reporting nq-gateway nqctl; do
        [[ -x $BIN_DIR/$name ]] || die "the build made no $BIN_DIR/$name"
    done
}

cmd_start() {
    [[ $NQ_SCORERS =~ ^[1-9][0-9]*$ ]] || die "NQ_SCORERS must be a positive integer, got '$NQ_SCORERS'"
    mkdir -p "$LOG_DIR" "$RUN_DIR" "$REDIS_DIR"
    check_free
    rm -f "$STOP_MARK"
    build
    trap on_exit EXIT
    trap 'exit 0' INT TERM HUP
    trap 'exit 1' PIPE
    start_redis
    start_services "$BIN_DIR" "$NQ_SCORERS"
    wait_ready
    run_key
    demo_users
    seed_demo
    print_usage_hints
    supervise
}

cmd_stop() {
    local names
    mapfile -t names < <(recorded_names)
    if ((${#names[@]} == 0)); then
        say "nothing to stop (no pid files in var/run/)"
        return 0
    fi
    touch "$STOP_MARK"
    stop_names "${names[@]}"
    say "stopped: ${names[*]}"
}

case ${1:-start} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' ;;
    *) die "unknown command '$1' (use: scripts/run.sh [start|stop])" ;;
esac
