# shellcheck shell=bash
# scripts/suite.sh — what scripts/run.sh and bench/run.sh share about starting a
# suite, sourced by both (so the benchmark runs exactly the run command's suite).
# The sourcing script defines start_process NAME CMD... (where logs and pid
# files go is its own business).

# The run command's Redis: append-only file fsynced every second; rewritten from
# 256 MB on and without LZF compression of its snapshot part (a rewrite then
# costs a third of the CPU, for larger files); expired keys freed in the
# background (a dedupe bucket holds a quarter window of event ids: freeing
# millions of them at once would stall every client). deploy/redis.conf says
# the same for docker-compose.
# shellcheck disable=SC2034 # used by the scripts that source this one
REDIS_PERSISTENCE=(--appendonly yes --appendfsync everysec --auto-aof-rewrite-min-size 256mb
    --rdbcompression no --lazyfree-lazy-expire yes)

# use_redis_socket DIR: the suite's Redis also listens on the Unix socket
# DIR/redis.sock, and its processes connect there (NQ_REDIS_HOST is a path): on
# one machine a round trip then skips the TCP stack (bench/README.md: b 7 %
# faster). Sets REDIS_SOCKET_ARGS for redis-server. A path longer than a
# socket's 107 bytes leaves everything on TCP (127.0.0.1).
use_redis_socket() {
    local path=$1/redis.sock
    REDIS_SOCKET_ARGS=()
    export NQ_REDIS_HOST=127.0.0.1
    if ((${#path} <= 107)); then
        REDIS_SOCKET_ARGS=(--unixsocket "$path" --unixsocketperm 700)
        NQ_REDIS_HOST=$path
    fi
}

# binary_of NAME: the executable (and /proc/PID/comm) of a process name.
binary_of() {
    case $1 in
        redis) echo redis-server ;;
        nq-scoring-*) echo nq-scoring ;;
        *) echo "$1" ;;
    esac
}

# runs_as PID COMM: true when PID is alive (not a zombie) and runs the executable COMM.
runs_as() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    # /proc/PID/stat is "PID (COMM) STATE ...".
    [[ $stat == "$1 ($2) "* && $stat != "$1 ($2) Z"* ]]
}

# start_services BIN_DIR SCORERS: every neiqin process, in dependency order
# (ingest creates the consumer group the scorers join; the gateway last).
start_services() {
    local bin=$1 scorers=$2 i
    start_process nq-ingest "$bin/nq-ingest"
    for ((i = 1; i <= scorers; i++)); do
        start_process "nq-scoring-$i" env NQ_INSTANCE="scoring-$i" "$bin/nq-scoring"
    done
    start_process nq-customers "$bin/nq-customers"
    start_process nq-alerting "$bin/nq-alerting"
    start_process nq-reporting "$bin/nq-reporting"
    start_process nq-gateway "$bin/nq-gateway"
}

# port_in_use HOST PORT: true when something accepts TCP connections there (a
# wildcard HOST is asked on 127.0.0.1).
port_in_use() {
    local host=$1
    if [[ $host == 0.0.0.0 || $host == '*' ]]; then host=127.0.0.1; fi
    # shellcheck disable=SC2016 # $0 and $1 are the inner shell's arguments
    timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$2" 2>/dev/null
}

# free_ports N: N distinct ports on 127.0.0.1 that nothing listens on now (fails
# after 1,000 tries). Drawn from 20000-31999, below Linux's ephemeral range
# (32768-60999), where an outgoing connection could take one between this check
# and the bind.
free_ports() {
    local ports=() p tries=0
    while ((${#ports[@]} < $1)); do
        ((tries++ < 1000)) || return 1
        p=$((20000 + RANDOM % 12000))
        [[ " ${ports[*]} " == *" $p "* ]] && continue
        port_in_use 127.0.0.1 "$p" || ports+=("$p")
    done
    echo "${ports[@]}"
}

# make_api_key BIN_DIR NAME: print a new API key of scope admin named NAME, written by
# nqctl straight into the suite's Redis (NQ_REDIS_HOST / NQ_REDIS_PORT), for the
# script's own requests (nqctl, nq-bench, curl) now that the gateway wants one.
make_api_key() {
    "$1/nqctl" apikey create --scope admin --name "$2" 2>/dev/null
}
