#!/usr/bin/env bash
# bench/run.sh — benchmark the activity path, the KPI reads and the KPIs' freshness
# with nq-bench on a private suite.
#
#   bench/run.sh              # scenarios a and b, each run twice
#   bench/run.sh a c          # the scenarios named, in that order
#   bench/run.sh r f          # KPI reads (after seeding), freshness under 10 k events/s
#   bench/run.sh l            # org lists: pages of customers by class out of 100,000
#   bench/run.sh --list       # what each scenario does
#
# Every run starts a suite of its own with nq-supervise, like scripts/run.sh but on free
# ports and in a fresh directory: redis-server (the run command's persistence), nq-ingest,
# NQ scorers, nq-customers, nq-alerting, nq-reporting and nq-gateway, all with
# NQ_LOG_LEVEL=warn; once /readyz answers, this script runs again inside it (--in-suite)
# to run nq-bench with --pids-dir on the suite's pid files, sample `top` in the middle of
# the load and read Redis INFO after it; then nq-supervise stops everything it started,
# whatever happens.
#
# Settings (environment, defaults in brackets):
#   NQ_BUILD_DIR       [/tmp/build-bench] a Release build; configured and built when it
#                      has no nq-bench yet
#   NQ_BENCH_RUNS      [2] runs of each scenario
#   NQ_BENCH_DURATION  [60] seconds of load per run (nq-bench refuses more than 3600)
#   NQ_BENCH_OUT       [/tmp/nq-bench-results/<UTC date-time>] where reports and samples go
#   NQ_BENCH_PERF      [0] 1 = `perf record` the suite (and Redis's AOF-rewrite children)
#                      for 10 s in the middle of the load; keeps samples by process,
#                      library and symbol (needs perf; perturbs the run a little)
#   NQ_BENCH_SEED_EVENTS [100000] events scenario r seeds before its reads
#   NQ_BENCH_CUSTOMERS   [100000] customers scenario l imports before its list reads
#
# Output per run, in NQ_BENCH_OUT: <scenario>-<n>.json (nq-bench --json), .txt (the
# same as text), -top.txt, -redis.txt (INFO commandstats, cpu, memory), -perf.txt,
# and logs/. Scenario r writes <r>-<n>-seed.json, then one set of files per read step,
# <r>-<n>-<step>.json (.txt, -top.txt, -redis.txt: commandstats of that step alone).
# Scenario rb writes <rb>-<n>-seed.json, -rebuild.txt (nqctl's output, then the job's
# hash and the figures), -top.txt and -redis.txt (commandstats of the rebuild alone).
# Each run's logs go to logs/<scenario>-<n>/.
# At the end tables of every run, also in summary.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${NQ_BUILD_DIR:-/tmp/build-bench}
# One key sends every request of a run, far past a feed's default rate (2,000 a second):
# the bucket is still taken on every request, it just never runs dry.
export NQ_RATE_KEY_RPS=${NQ_RATE_KEY_RPS:-10000000}
export NQ_RATE_KEY_BURST=${NQ_RATE_KEY_BURST:-10000000}
BIN_DIR=$BUILD_DIR/bin
RUNS=${NQ_BENCH_RUNS:-2}
DURATION=${NQ_BENCH_DURATION:-60}
OUT=${NQ_BENCH_OUT:-/tmp/nq-bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
PERF=${NQ_BENCH_PERF:-0}
READY_TIMEOUT_S=30 # how long the gateway has to report /readyz 200
STOP_TIMEOUT_S=10  # how long a process has to exit after SIGTERM before SIGKILL

# One row per scenario: name|scorers|nq-bench options|what it is.
SCENARIOS=(
    "a|1|--connections 8 --batch 500 --rate 0|batches of 500 JSON events, flat out, 8 connections"
    "b|1|--connections 50 --batch 1 --rate 0|single-event POSTs, flat out, 50 connections"
    "a2|1|--connections 2 --batch 500 --rate 0|scenario a over 2 connections (1,000 events in flight)"
    "a3|1|--connections 3 --batch 500 --rate 0|scenario a over 3 connections (1,500 events in flight)"
    "a4|1|--connections 4 --batch 500 --rate 0|scenario a over 4 connections (2,000 events in flight)"
    "ar|1|--connections 4 --batch 500 --rate 50000|batches of 500 at a set 50,000 events/s over 4 connections (latency also from when each was due)"
    "c|3|--connections 8 --batch 500 --rate 0|scenario a with 3 scorers"
    "r|1|@reads|KPI reads after seeding a team of 200 and 100,000 events (steps below)"
    "rb|1|@rebuild|a full rebuild (nqctl rebuild) after seeding like r, timed by the job's own clock"
    "l|1|@lists|org lists: pages of 50 customers by class out of 100,000 (steps below, 1,000 requests each)"
    "f|1|--mode freshness --connections 4 --batch 200 --rate 10000|freshness: 10,000 events/s in batches of 200; a marker order every 50 ms, its KPIs polled every 2 ms"
    "g|3|--mode freshness --connections 4 --batch 200 --rate 10000|scenario f with 3 scorers"
)

# The steps of a scenario whose options are @reads, in order, on one seeded suite:
# step|nq-bench options[|options of a second nq-bench writing events meanwhile]. Each
# runs NQ_BENCH_DURATION seconds. {sp} cycles over the 200 salespeople, {team} is the
# seeded team. Boards are kept until a KPI changes: boardlive measures them computed
# afresh on every request, with events scored all along.
READ_STEPS=(
    "kpi|--mode read --connections 8 --rate 1000 --path /api/v1/salespeople/{sp}/kpis?period=month"
    "overview|--mode read --connections 8 --rate 1000 --path /api/v1/kpis/salespeople/{sp}?period=month"
    "board|--mode read --connections 8 --rate 1000 --path /api/v1/leaderboards?scope=team:{team}&period=month&metric=sales_amount"
    "board100|--mode read --connections 8 --rate 100 --path /api/v1/leaderboards?scope=team:{team}&period=month&metric=sales_amount"
    "board10|--mode read --connections 1 --rate 10 --path /api/v1/leaderboards?scope=team:{team}&period=month&metric=sales_amount"
    "boardlive|--mode read --connections 8 --rate 100 --path /api/v1/leaderboards?scope=team:{team}&period=month&metric=sales_amount|--connections 1 --batch 10 --rate 1000"
)
SEED_EVENTS=${NQ_BENCH_SEED_EVENTS:-100000}

# Scenario l: NQ_BENCH_CUSTOMERS customers imported with nqctl (a team of 200
# salespeople; customer i is key / normal / potential by i % 3, owned by salesperson
# i % 200 + 1, in the pool when i % 10 == 0), then each step GETs its path 1,000 times,
# 100/s over one connection: step|path ("@MID" is a cursor halfway along class=key).
LIST_STEPS=(
    "class|/api/v1/customers?class=key&limit=50"
    "class_mid|/api/v1/customers?class=key&limit=50&cursor=@MID"
    "owner_class|/api/v1/customers?owner=sp-0007&class=key&limit=50"
)
LIST_CUSTOMERS=${NQ_BENCH_CUSTOMERS:-100000}

SUITE_DIR="" # the running suite's directory (pids, logs, Redis data), "" when none

say() { printf 'bench/run.sh: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# scenario_field NAME FIELD: field 1 (scorers), 2 (options) or 3 (what) of scenario NAME.
scenario_field() {
    local row
    for row in "${SCENARIOS[@]}"; do
        if [[ ${row%%|*} == "$1" ]]; then
            cut -d'|' -f"$(($2 + 1))" <<<"$row"
            return 0
        fi
    done
    return 1
}

# ---- the suite ----------------------------------------------------------------------

# in_suite SCORERS LABEL FUNCTION ARGS...: a fresh suite (nq-supervise: free ports, the run
# command's Redis persistence) in a new directory; once it is ready, FUNCTION ARGS runs in
# this script started again inside it (with the suite's NQ_* settings, NQ_URL and
# NQ_SUITE_DIR); then the suite stops and its logs go to $OUT/logs/LABEL. Fails when the
# suite did not start or FUNCTION failed.
in_suite() {
    local scorers=$1 label=$2 rc=0
    shift 2
    SUITE_DIR=$(mktemp -d /tmp/nq-bench-suite.XXXXXX)
    NQ_LOG_LEVEL=warn "$BIN_DIR/nq-supervise" --dir "$SUITE_DIR" --bin "$BIN_DIR" --free-ports \
        --redis-aof --scorers "$scorers" --ready-timeout "$READY_TIMEOUT_S" \
        --stop-timeout "$STOP_TIMEOUT_S" -- "$ROOT/bench/run.sh" --in-suite "$@" || rc=$?
    mkdir -p "$OUT/logs/$label"
    cp "$SUITE_DIR"/log/*.log "$OUT/logs/$label/" 2>/dev/null || true
    rm -rf "$SUITE_DIR"
    SUITE_DIR=""
    return "$rc"
}

# ---- one run --------------------------------------------------------------------------

# sample_during DELAY FILE PREFIX: after DELAY s, `top` of the suite (and perf if asked).
sample_during() {
    local delay=$1 prefix=$2 pids name pid sort
    sleep "$delay"
    pids=()
    for name in "$NQ_SUITE_DIR"/run/*.pid; do
        if pid=$(cat "$name" 2>/dev/null); then pids+=("$pid"); fi
    done
    ((${#pids[@]})) || return 0
    {
        # The 2nd frame: CPU over those 2 s; other engineers' processes show up too.
        top -b -n 2 -d 2 -w 200 | awk '/^top -/{n++} n==2' | head -n 30
    } >"$prefix-top.txt" 2>&1 || true
    if [[ $PERF == 1 ]] && command -v perf >/dev/null; then
        perf record -q -F 499 -o "$prefix.perf.data" -p "$(
            IFS=,
            echo "${pids[*]}"
        )" -- sleep 10 >/dev/null 2>&1 || true
        # Samples by process, by process and library, then the hottest symbols.
        for sort in comm comm,dso comm,dso,sym; do
            echo "== perf report --sort $sort"
            perf report -i "$prefix.perf.data" --stdio --sort "$sort" 2>/dev/null |
                grep '%' | grep -v '^#' | head -n 40
        done >"$prefix-perf.txt" || true
        rm -f "$prefix.perf.data" "$prefix.perf.data.old"
    fi
}

# redis_info PREFIX: Redis INFO commandstats, cpu and memory, and the latency
# histograms (Redis 7) of the commands that matter here, into PREFIX-redis.txt.
redis_info() {
    redis-cli -p "$NQ_REDIS_PORT" info commandstats >"$1-redis.txt" 2>&1 || true
    redis-cli -p "$NQ_REDIS_PORT" info cpu >>"$1-redis.txt" 2>&1 || true
    redis-cli -p "$NQ_REDIS_PORT" info stats | grep -E '^latest_fork_usec' >>"$1-redis.txt" 2>&1 ||
        true
    redis-cli -p "$NQ_REDIS_PORT" latency histogram eval evalsha hgetall sintercard xreadgroup \
        >>"$1-redis.txt" 2>&1 || true
    redis-cli -p "$NQ_REDIS_PORT" info memory |
        grep -E '^used_memory_(human|peak_human|rss_human)' >>"$1-redis.txt" 2>&1 || true
}

# nq_bench OPTIONS...: nq-bench for DURATION s against the running suite.
nq_bench() {
    "$BIN_DIR/nq-bench" --url "$NQ_URL" "$@" --duration "$DURATION" \
        --redis-port "$NQ_REDIS_PORT" --pids-dir "$NQ_SUITE_DIR/run" --spread week --json
}

# bench_load PREFIX OPTIONS [BACKGROUND]: one nq-bench load of DURATION s against the
# running suite, `top` (and perf) sampled in its middle; the report goes to PREFIX.json.
# With BACKGROUND, a second nq-bench with those options runs alongside (its report in
# PREFIX-bg.json). Returns the first one's exit code. Options are split on blanks, never
# globbed ('?' in a path stays as it is).
bench_load() {
    local prefix=$1 opts bg_opts rc=0 sampler bg=""
    read -r -a opts <<<"$2"
    if [[ -n ${3:-} ]]; then
        read -r -a bg_opts <<<"$3"
        nq_bench "${bg_opts[@]}" >"$prefix-bg.json" &
        bg=$!
    fi
    sample_during $((DURATION / 2)) "$prefix" &
    sampler=$!
    nq_bench "${opts[@]}" >"$prefix.json" || rc=$?
    wait "$sampler" || true
    if [[ -n $bg ]]; then wait "$bg" || say "the background nq-bench of $prefix failed"; fi
    return "$rc"
}

# seed PREFIX: nq-bench --mode seed on the running suite (a team of 200, SEED_EVENTS
# events, waits until they are scored); its report goes to PREFIX-seed.json.
seed() {
    say "seeding $SEED_EVENTS events"
    "$BIN_DIR/nq-bench" --url "$NQ_URL" --mode seed \
        --seed-events "$SEED_EVENTS" --scored-wait 300 --redis-port "$NQ_REDIS_PORT" --json \
        >"$1-seed.json" || die "the seed step failed (see $1-seed.json)"
}

# run_reads SCENARIO N (in a suite): seed, then every READ_STEPS load in turn (Redis
# commandstats reset before each).
run_reads() {
    local sc=$1 n=$2 prefix=$OUT/$1-$2 row step opts bg_opts rc
    seed "$prefix"
    if [[ -n ${NQ_BENCH_READ_TEAMS:-} ]]; then # read as a caller limited to these teams
        NQ_API_KEY=$("$BIN_DIR/nqctl" apikey create --scope read --teams "$NQ_BENCH_READ_TEAMS" \
            --name bench-read) || die "nqctl apikey create failed"
        export NQ_API_KEY
        say "reading with a read key limited to $NQ_BENCH_READ_TEAMS"
    fi
    for row in "${READ_STEPS[@]}"; do
        IFS='|' read -r step opts bg_opts <<<"$row"
        say "scenario $sc run $n step $step: nq-bench $opts${bg_opts:+ (meanwhile: $bg_opts)}"
        redis-cli -p "$NQ_REDIS_PORT" config resetstat >/dev/null 2>&1 || true
        rc=0
        bench_load "$prefix-$step" "$opts" "$bg_opts" || rc=$?
        redis_info "$prefix-$step"
        text_report "$prefix-$step.json" >"$prefix-$step.txt" || true
        cat "$prefix-$step.txt" >&2
        ((rc == 0)) || say "nq-bench exited $rc in scenario $sc run $n step $step"
    done
}

# import_org DIR: the org of scenario l, as CSV files imported with nqctl (timed).
import_org() {
    local dir=$1 kind t0
    {
        printf 'id,name\nt-bench,基准组\n' >"$dir/teams.csv"
        printf 'id,name,team_id\n'
        for ((i = 1; i <= 200; i++)); do printf 'sp-%04d,业务员%d,t-bench\n' "$i" "$i"; done
    } >"$dir/salespeople.csv"
    awk -v n="$LIST_CUSTOMERS" 'BEGIN {
        print "id,name,class,owner_id"
        split("key normal potential", cls, " ")
        for (i = 1; i <= n; i++)
            printf "c-%06d,客户%d,%s,%s\n", i, i, cls[i % 3 + 1],
                   i % 10 == 0 ? "" : sprintf("sp-%04d", i % 200 + 1)
    }' >"$dir/customers.csv"
    for kind in teams salespeople customers; do
        t0=$SECONDS
        "$BIN_DIR/nqctl" import "$kind" "$dir/$kind.csv" \
            >"$dir/import-$kind.txt" 2>&1 || die "nqctl import $kind failed (see $dir/import-$kind.txt)"
        say "imported $kind in $((SECONDS - t0)) s"
    done
}

# mid_cursor PATH: the cursor of the page halfway along the list at PATH (pages of 500).
mid_cursor() {
    local url=$NQ_URL$1 cursor="" pages=0 cursors=()
    while :; do
        cursor=$(curl -sf "$url&limit=500${cursor:+&cursor=$cursor}" | jq -r '.next_cursor // empty')
        [[ -n $cursor ]] || break
        cursors+=("$cursor")
        pages=$((pages + 1))
    done
    ((pages > 0)) || die "the list $1 has one page only"
    echo "${cursors[$((pages / 2))]}"
}

# run_lists SCENARIO N (in a suite): the org imported, then every LIST_STEPS load (Redis
# commandstats reset before each).
run_lists() {
    local sc=$1 n=$2 prefix=$OUT/$1-$2 row step path mid rc DURATION=10
    import_org "$NQ_SUITE_DIR"
    cp "$NQ_SUITE_DIR"/import-*.txt "$OUT/" 2>/dev/null || true
    mid=$(mid_cursor "/api/v1/customers?class=key")
    for row in "${LIST_STEPS[@]}"; do
        IFS='|' read -r step path <<<"$row"
        path=${path//@MID/$mid}
        say "scenario $sc run $n step $step: GET $path"
        redis-cli -p "$NQ_REDIS_PORT" config resetstat >/dev/null 2>&1 || true
        rc=0
        bench_load "$prefix-$step" "--mode read --connections 1 --rate 100 --path $path" || rc=$?
        redis_info "$prefix-$step"
        text_report "$prefix-$step.json" >"$prefix-$step.txt" || true
        cat "$prefix-$step.txt" >&2
        ((rc == 0)) || say "nq-bench exited $rc in scenario $sc run $n step $step"
    done
}

# run_rebuild SCENARIO N (in a suite): seed, then one full rebuild followed by nqctl to
# its end; the time is the job's own (started_at to finished_at, Unix ms).
run_rebuild() {
    local prefix=$OUT/$1-$2 events entries job ms sampler
    seed "$prefix"
    events=$(redis-cli -p "$NQ_REDIS_PORT" get nq:stats:accepted)
    entries=$(redis-cli -p "$NQ_REDIS_PORT" xlen nq:activities)
    redis-cli -p "$NQ_REDIS_PORT" config resetstat >/dev/null 2>&1 || true
    sample_during 2 "$prefix" &
    sampler=$!
    "$BIN_DIR/nqctl" rebuild >"$prefix-rebuild.txt" 2>&1 ||
        die "the rebuild failed (see $prefix-rebuild.txt)"
    wait "$sampler" || true
    redis_info "$prefix"
    job=$(redis-cli -p "$NQ_REDIS_PORT" hgetall nq:rebuild:job | paste -sd' ')
    ms=$(redis-cli -p "$NQ_REDIS_PORT" eval \
        "return redis.call('HGET', KEYS[1], 'finished_at') - redis.call('HGET', KEYS[1], 'started_at')" \
        1 nq:rebuild:job)
    [[ $ms =~ ^[0-9]+$ && $ms -gt 0 ]] || die "the rebuild job has no times: $job"
    {
        printf '\njob: %s\n' "$job"
        printf 'rebuild of %s events in %s log entries: %s ms, %s events/s\n' "$events" \
            "$entries" "$ms" $((events * 1000 / ms))
    } >>"$prefix-rebuild.txt"
    tail -n 1 "$prefix-rebuild.txt" >&2
}

# run_load SCENARIO N OPTIONS (in a suite): one nq-bench load, its samples and its report.
run_load() {
    local sc=$1 n=$2 prefix=$OUT/$1-$2 rc=0
    bench_load "$prefix" "$3" || rc=$?
    redis_info "$prefix"
    text_report "$prefix.json" >"$prefix.txt" || true
    cat "$prefix.txt" >&2
    ((rc == 0)) || say "nq-bench exited $rc in scenario $sc run $n (see $prefix.json)"
}

# run_one SCENARIO N: a fresh suite, the load or the steps in it, then the suite stops.
run_one() {
    local sc=$1 n=$2 scorers opts
    scorers=$(scenario_field "$sc" 1)
    opts=$(scenario_field "$sc" 2)
    say "scenario $sc run $n: $(scenario_field "$sc" 3), $scorers scorer(s), ${DURATION}s"
    if [[ $opts == @* ]]; then
        in_suite "$scorers" "$sc-$n" "run_${opts#@}" "$sc" "$n"
    else
        in_suite "$scorers" "$sc-$n" run_load "$sc" "$n" "$opts"
    fi || die "scenario $sc run $n failed (logs in $OUT/logs/$sc-$n)"
}

# text_report FILE: the essentials of one nq-bench --json report, as text.
text_report() {
    jq -r '
      def pct(x): if x == null then "-" else "\(x|floor)%" end;
      def mib(x): "\(x*10|floor/10) MiB";
      def lat(l): "p50 \(l.p50) p99 \(l.p99) p99.9 \(l.p99_9) max \(l.max) (\(l.requests))";
      if .config.mode == "read" then
        "\(.reads.path) at \(.config.rate)/s over \(.config.connections) connections:"
        + " \(.reads.ok_per_s|floor) 2xx/s over \(.load_s*100|floor/100) s; answers"
        + " \(.answers_by_status|tostring); transport errors \(.transport_errors);"
        + " sample \(.reads.sample|tostring)",
        "latency ms: \(lat(.latency_ms))",
        "from due ms: \(lat(.latency_from_due_ms))"
      else
        "accepted \(.events_accepted) events, \(.accepted_per_s|floor) events/s"
        + " over \(.load_s*100|floor/100) s; answers \(.answers_by_status|tostring);"
        + " transport errors \(.transport_errors)",
        "ack latency ms: p50 \(.latency_ms.p50) p99 \(.latency_ms.p99)"
        + " p99.9 \(.latency_ms.p99_9) max \(.latency_ms.max)",
        "scored: \(.scored|tostring)"
      end,
      (.probe // empty | "probe: \(.visible) visible, \(.late) late, \(.posts_not_acknowledged)"
        + " posts not acknowledged; ack -> visible ms: \(lat(.ack_to_visible_ms));"
        + " one KPI read ms: \(lat(.read_ms))"),
      "nq-bench cpu \(.bench_cpu_pct|floor)%",
      (.processes[] | "  \(.name): peak RSS \(mib(.peak_rss_mib)), VmHWM \(mib(.vmhwm_mib)),"
        + " cpu load \(pct(.cpu_load_pct)), catch-up \(pct(.cpu_catchup_pct))")
    ' "$1"
}

# summary: one line per run; RSS is the largest VmHWM of a neiqin service, and Redis's.
summary() {
    local f
    printf '%-5s %10s %9s %8s %9s %8s %8s %8s %8s %8s %-14s %9s\n' run accepted/s scored/s \
        lag_s backlog p50_ms p99_ms p99.9_ms max_ms svc_MiB "(service)" redis_MiB
    for f in "$OUT"/*-[0-9].json; do
        [[ -e $f ]] || continue
        jq -r --arg run "$(basename "$f" .json)" '
          ([.processes[] | select(.name != "redis")] | max_by(.vmhwm_mib)) as $p |
          ([.processes[] | select(.name == "redis")][0].vmhwm_mib // 0) as $r |
          [$run, (.accepted_per_s|floor), (.scored.events_per_s // 0 | floor),
           (if .scored.caught_up then (.scored.lag_s*1000|floor/1000) else "no" end),
           (.scored.backlog_at_load_end // "-"), .latency_ms.p50, .latency_ms.p99,
           .latency_ms.p99_9, .latency_ms.max, ($p.vmhwm_mib*10|floor/10), "(\($p.name))",
           ($r*10|floor/10)] | @tsv' "$f" |
            awk -F'\t' '{printf "%-5s %10s %9s %8s %9s %8.2f %8.2f %8.2f %8.2f %8s %-14s %9s\n",
                         $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12}'
    done
}

# summary_reads: one line per read step; summary_fresh: one line per freshness run.
summary_reads() {
    local f
    printf '%-16s %7s %8s %8s %8s %8s %8s %9s %8s %10s\n' step rate ok/s p50_ms p99_ms \
        p99.9_ms max_ms due_p99 entries svc_cpu
    for f in "$OUT"/*-[0-9]-*.json; do
        [[ -e $f && $f != *-seed.json && $f != *-bg.json ]] || continue
        jq -r --arg run "$(basename "$f" .json)" '
          [$run, .config.rate, (.reads.ok_per_s|floor), .latency_ms.p50, .latency_ms.p99,
           .latency_ms.p99_9, .latency_ms.max, (.latency_from_due_ms.p99 // "-"),
           (.reads.sample.arrays.entries // "-"),
           ([.processes[] | select(.name == "nq-gateway" or .name == "nq-reporting"
              or .name == "redis") | "\(.name|sub("nq-";""))=\(.cpu_load_pct // 0|floor)%"]
            | join(","))] | @tsv' "$f" |
            awk -F'\t' '{printf "%-16s %7s %8s %8.2f %8.2f %8.2f %8.2f %9s %8s %s\n",
                         $1,$2,$3,$4,$5,$6,$7,$8,$9,$10}'
    done
}

summary_fresh() {
    local f
    printf '%-5s %10s %9s %8s %7s %5s %8s %8s %8s %8s %9s\n' run accepted/s scored/s lag_s \
        markers late p50_ms p99_ms max_ms mean_ms read_p99
    for f in "$OUT"/*-[0-9].json; do
        [[ -e $f ]] || continue
        jq -e '.probe' "$f" >/dev/null 2>&1 || continue
        jq -r --arg run "$(basename "$f" .json)" '
          [$run, (.accepted_per_s|floor), (.scored.events_per_s // 0 | floor),
           (if .scored.caught_up then (.scored.lag_s*1000|floor/1000) else "no" end),
           .probe.visible, .probe.late, .probe.ack_to_visible_ms.p50,
           .probe.ack_to_visible_ms.p99, .probe.ack_to_visible_ms.max,
           (.probe.ack_to_visible_ms.mean*100|floor/100), .probe.read_ms.p99] | @tsv' "$f" |
            awk -F'\t' '{printf "%-5s %10s %9s %8s %7s %5s %8.2f %8.2f %8.2f %8s %9.2f\n",
                         $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11}'
    done
}

on_exit() {
    local rc=$?
    trap '' INT TERM HUP
    if [[ -n $SUITE_DIR ]]; then rm -rf "$SUITE_DIR"; fi
    exit "$rc"
}

main() {
    local sc n row step
    if [[ ${1:-} == --in-suite ]]; then # run by in_suite, inside nq-supervise
        shift
        [[ $1 == run_load || $1 == run_reads || $1 == run_rebuild || $1 == run_lists ]] ||
            die "no such step: $1"
        "$@"
        return
    fi
    if [[ ${1:-} == --list ]]; then
        for row in "${SCENARIOS[@]}"; do
            IFS='|' read -r sc n opts what <<<"$row"
            printf '%s: %s (%s scorer(s); nq-bench %s)\n' "$sc" "$what" "$n" "$opts"
            if [[ $opts == @reads || $opts == @rebuild ]]; then
                printf '   seed: nq-bench --mode seed --seed-events %s\n' "$SEED_EVENTS"
            fi
            if [[ $opts == @lists ]]; then
                printf '   seed: nqctl import of a team, 200 salespeople, %s customers\n' \
                    "$LIST_CUSTOMERS"
                for step in "${LIST_STEPS[@]}"; do
                    printf '   %s: nq-bench --mode read --connections 1 --rate 100 --path %s (10 s)\n' \
                        "${step%%|*}" "${step#*|}"
                done
            fi
            if [[ $opts == @reads ]]; then
                for step in "${READ_STEPS[@]}"; do
                    IFS='|' read -r step opts what <<<"$step"
                    printf '   %s: nq-bench %s%s\n' "$step" "$opts" "${what:+ (meanwhile: nq-bench $what)}"
                done
            fi
        done
        return 0
    fi
    if [[ ${1:-} == -h || ${1:-} == --help ]]; then
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        return 0
    fi
    local scenarios=("$@")
    ((${#scenarios[@]})) || scenarios=(a b)
    for sc in "${scenarios[@]}"; do
        scenario_field "$sc" 1 >/dev/null || die "unknown scenario '$sc' (see --list)"
    done
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "NQ_BENCH_RUNS must be a positive integer"
    command -v jq >/dev/null || die "jq is needed for the reports: apt-get install jq"
    command -v redis-server >/dev/null || die "redis-server not found: apt-get install redis-server"
    if [[ ! -x $BIN_DIR/nq-bench || ! -x $BIN_DIR/nq-supervise ]]; then
        say "building Release into $BUILD_DIR"
        cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
        cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
    fi
    mkdir -p "$OUT"
    export NQ_BENCH_OUT=$OUT # the steps run in this script again, inside each suite
    trap on_exit EXIT
    trap 'exit 130' INT TERM HUP
    for sc in "${scenarios[@]}"; do
        for ((n = 1; n <= RUNS; n++)); do
            run_one "$sc" "$n"
        done
    done
    {
        summary
        if compgen -G "$OUT/*-[0-9]-*.json" >/dev/null; then
            echo
            summary_reads
        fi
        if grep -lq '"probe"' "$OUT"/*-[0-9].json 2>/dev/null; then
            echo
            summary_fresh
        fi
        if compgen -G "$OUT/*-rebuild.txt" >/dev/null; then
            echo
            tail -qn 1 "$OUT"/*-rebuild.txt
        fi
    } | tee "$OUT/summary.txt"
    say "reports in $OUT"
}

main "$@"
