/* rebuild.c — the rebuild job, run inside a scorer. See rebuild.h. */
#include "rebuild.h"

#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "nq/actlog.h"
#include "nq/buf.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "rebuild_scope.h"

#define ID_MAX 48

/* KEYS[1] job. ARGV: me, now, lease ms. Takes a requested job, or one whose
 * owner's lease ran out. Returns {attempt, from} or false. */
static const char claim_script[] =
    "local st = redis.call('HGET', KEYS[1], 'state')\n"
    "local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until') or '0')\n"
    "local running = st == 'scanning' or st == 'pausing' or st == 'swapping'\n"
    "if st ~= 'requested' and not (running and lease < tonumber(ARGV[2])) then return false end\n"
    "local attempt = redis.call('HINCRBY', KEYS[1], 'attempts', 1)\n"
    "redis.call('HSET', KEYS[1], 'state', 'scanning', 'owner', ARGV[1], 'attempt', attempt,\n"
    "  'lease_until', tonumber(ARGV[2]) + tonumber(ARGV[3]), 'scanned', 0, 'started_at', ARGV[2])\n"
    "return {attempt, redis.call('HGET', KEYS[1], 'from') or '0'}\n";

/* KEYS[1] job. ARGV: me, attempt, field, value, ... Updates the job if this
 * scorer still owns this attempt; returns 1, or 0 when it lost it. */
static const char update_script[] =
    "if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or\n"
    "   redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[2] then return 0 end\n"
    "for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end\n"
    "return 1\n";

/* KEYS[1] the set of shadow keys, KEYS[2] the KPI version. ARGV: prefix of
 * shadow keys, n, live keys to drop... Drops the given in-scope live keys,
 * renames every shadow key to its live name, drops the set and bumps the KPI
 * version (kept leaderboards are computed afresh). Returns the keys swapped in. */
static const char swap_script[] = "local n = tonumber(ARGV[2])\n"
                                  "for i = 1, n do redis.call('DEL', ARGV[2 + i]) end\n"
                                  "local shadows = redis.call('SMEMBERS', KEYS[1])\n"
                                  "local plen = #ARGV[1]\n"
                                  "for _, k in ipairs(shadows) do\n"
                                  "  redis.call('RENAME', k, 'nq:' .. string.sub(k, plen + 1))\n"
                                  "end\n"
                                  "redis.call('DEL', KEYS[1])\n"
                                  "redis.call('INCR', KEYS[2])\n"
                                  "return #shadows\n";

/* KEYS[1] stream. ARGV: after (exclusive), up to (inclusive), events,
 * entries. The entries after the cursor, one at a time until they hold
 * `events` events or make `entries` entries (a log entry is a whole stored
 * batch, nq/actlog.h). */
static const char range_script[] = NQ_ACTLOG_LUA_TAKE
    "local cursor = ARGV[1]\n"
    "return take_entries(function()\n"
    "  local e = redis.call('XRANGE', KEYS[1], '(' .. cursor, ARGV[2], 'COUNT', 1)[1]\n"
    "  if e then cursor = e[1] end\n"
    "  return e\n"
    "end, tonumber(ARGV[3]), tonumber(ARGV[4]))\n";

typedef enum { RB_IDLE, RB_CLEAN, RB_SCAN, RB_PAUSE, RB_CATCHUP, RB_SWAP } rb_phase_t;

static const char *const phase_states[] = {
    [RB_IDLE] = "idle",     [RB_CLEAN] = "scanning",  [RB_SCAN] = "scanning",
    [RB_PAUSE] = "pausing", [RB_CATCHUP] = "pausing", [RB_SWAP] = "swapping",
};

struct rebuild {
    nq_service_t *svc;    /* shared process state */
    uv_timer_t tick;      /* looks for jobs, renews the lease and the pause */
    rb_phase_t phase;     /* where the job is */
    bool busy;            /* a step is in flight */
    bool stopping;        /* stop called */
    char attempt[24];     /* the job attempt this scorer runs */
    char prefix[64];      /* shadow key prefix "nq:rb:<attempt>:" */
    char keys_set[96];    /* the attempt's set of shadow keys */
    int64_t from_ms;      /* scope: periods ending after this */
    char cursor[ID_MAX];  /* last log entry applied to the shadow */
    char limit[ID_MAX];   /* the scorers' delivery point to scan up to */
    char scan_cursor[32]; /* SCAN position (clean, swap) */
    uint64_t scanned;     /* entries applied to the shadow */
    char **drop;          /* in-scope live keys found (swap) */
    size_t n_drop, cap_drop;
};

static void step(rebuild_t *rb);

/* ---- job bookkeeping --------------------------------------------------- */

/* The job was taken over by another scorer (our lease ran out): let go. */
static void on_update(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    if (reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 0 &&
        rb->phase != RB_IDLE) {
        nq_log_warn("rebuild_lost", "attempt %s was taken over; stopping it here", rb->attempt);
        rb->phase = RB_IDLE;
    }
}

static void job_update(rebuild_t *rb, const char *state, const char *extra_field,
                       const char *extra_value)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "EVAL");
    nq_redis_args_adds(&a, update_script);
    nq_redis_args_adds(&a, "1");
    nq_redis_args_adds(&a, NQ_KEY_REBUILD_JOB);
    nq_redis_args_adds(&a, nq_service_member(rb->svc));
    nq_redis_args_adds(&a, rb->attempt);
    nq_redis_args_adds(&a, "state");
    nq_redis_args_adds(&a, state);
    nq_redis_args_adds(&a, "lease_until");
    nq_redis_args_addf(&a, "%lld", (long long)(nq_now_ms() + REBUILD_LEASE_MS));
    nq_redis_args_adds(&a, "scanned");
    nq_redis_args_addf(&a, "%llu", (unsigned long long)rb->scanned);
    if (extra_field) {
        nq_redis_args_adds(&a, extra_field);
        nq_redis_args_adds(&a, extra_value);
    }
    nq_redis_command_args(rb->svc->redis, on_update, rb, &a);
    nq_redis_args_free(&a);
}

static void drop_list_free(rebuild_t *rb)
{
    for (size_t i = 0; i < rb->n_drop; i++)
        free(rb->drop[i]);
    free(rb->drop);
    rb->drop = NULL;
    rb->n_drop = rb->cap_drop = 0;
}

/* End the job: done, or failed with `why`. Deliveries resume either way. */
static void finish(rebuild_t *rb, const char *why)
{
    char when[24];
    snprintf(when, sizeof(when), "%lld", (long long)nq_now_ms());
    if (why) {
        nq_log_error("rebuild_failed", "attempt %s: %s", rb->attempt, why);
        job_update(rb, "failed", "error", why);
    } else {
        nq_log_info("rebuild_done", "attempt %s: %llu log entries recomputed", rb->attempt,
                    (unsigned long long)rb->scanned);
        job_update(rb, "done", "finished_at", when);
    }
    nq_redis_command(rb->svc->redis, NULL, NULL, "DEL %s", NQ_KEY_SCORING_PAUSED);
    drop_list_free(rb);
    rb->phase = RB_IDLE;
    rb->busy = false;
}

/* A reply that should be of `type`; otherwise the job fails. */
static bool reply_is(rebuild_t *rb, const redisReply *reply, int type, const char *what)
{
    if (reply && reply->type == type)
        return true;
    char why[160];
    snprintf(why, sizeof(why), "%s: %s", what,
             !reply                             ? "Redis connection lost"
             : reply->type == REDIS_REPLY_ERROR ? reply->str
                                                : "unexpected reply");
    finish(rb, why);
    return false;
}

/* ---- claiming ------------------------------------------------------------ */

static void on_claim(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 || rb->stopping)
        return;
    snprintf(rb->attempt, sizeof(rb->attempt), "%lld", reply->element[0]->integer);
    rb->from_ms = reply->element[1]->str ? strtoll(reply->element[1]->str, NULL, 10) : 0;
    snprintf(rb->prefix, sizeof(rb->prefix), NQ_KEY_SHADOW_PREFIX "%s:", rb->attempt);
    snprintf(rb->keys_set, sizeof(rb->keys_set), NQ_KEY_SHADOW_PREFIX "%s", rb->attempt);
    strcpy(rb->cursor, "0-0");
    strcpy(rb->limit, "0-0"); /* at the limit: the first scan step reads the real one */
    strcpy(rb->scan_cursor, "0");
    rb->scanned = 0;
    rb->phase = RB_CLEAN;
    nq_log_info("rebuild_started", "attempt %s, periods ending after %lld", rb->attempt,
                (long long)rb->from_ms);
    step(rb);
}

/* ---- clean: drop shadows of earlier attempts ------------------------------ */

static void on_clean_scan(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "SCAN shadows") || reply->elements != 2)
        return;
    snprintf(rb->scan_cursor, sizeof(rb->scan_cursor), "%s", reply->element[0]->str);
    const redisReply *keys = reply->element[1];
    for (size_t i = 0; i < keys->elements; i++)
        nq_redis_command(r, NULL, NULL, "DEL %s", keys->element[i]->str);
    if (strcmp(rb->scan_cursor, "0") == 0)
        rb->phase = RB_SCAN;
    step(rb);
}

/* ---- scan: apply log entries to the shadow --------------------------------- */

/* The group's delivery point, from XINFO GROUPS (a flat field/value list per group). */
static void on_limit(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "XINFO GROUPS"))
        return;
    strcpy(rb->limit, "0-0");
    for (size_t g = 0; g < reply->elements; g++) {
        const redisReply *grp = reply->element[g];
        bool ours = false;
        const char *last = NULL;
        for (size_t i = 0; grp->type == REDIS_REPLY_ARRAY && i + 1 < grp->elements; i += 2) {
            const char *f = grp->element[i]->str, *v = grp->element[i + 1]->str;
            if (f && v && strcmp(f, "name") == 0)
                ours = strcmp(v, NQ_GROUP_SCORING) == 0;
            if (f && v && strcmp(f, "last-delivered-id") == 0)
                last = v;
        }
        if (ours && last)
            snprintf(rb->limit, sizeof(rb->limit), "%s", last);
    }
    step(rb);
}

/* The attempt's shadow of a live key in the rebuild's scope; -1 out of it. */
static int shadow_of(const char *key, char *buf, size_t len, void *ctx)
{
    const rebuild_t *rb = ctx;
    if (!rebuild_recomputes(key, rb->from_ms) || nq_key_shadow(buf, len, rb->attempt, key) < 0)
        return -1;
    return 0;
}

/* Sum a chunk of entries into shadow increments and send them as one
 * transaction: the counters, the sets, and every shadow key written added to
 * the attempt's set of them (the swap renames that set's keys). */
static int apply_chunk(rebuild_t *rb, const redisReply *entries, nq_redis_cb cb)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    for (size_t i = 0; i < entries->elements; i++) {
        nq_actlog_entry_t e;
        if (nq_actlog_from_entry(entries->element[i], &e) != 0)
            continue; /* poison: the scorers acknowledged it without effect too */
        for (size_t k = 0; k < e.n; k++) {
            if (scoring_agg_add_event(&agg, e.events[k]) != 0)
                nq_log_warn("rebuild_skip", "an event of entry %s cannot be placed in the calendar",
                            entries->element[i]->element[0]->str);
        }
        nq_actlog_free(&e);
    }
    scoring_agg_unique_members(&agg);
    nq_redis_args_t keys;
    nq_redis_args_init(&keys);
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    nq_redis_pipe_cmd(&p, NULL, NULL, 1);
    nq_redis_pipe_adds(&p, "MULTI");
    scoring_agg_to_pipe(&p, &agg, shadow_of, rb, &keys);
    if (keys.argc > 0) {
        nq_redis_pipe_cmd(&p, NULL, NULL, 2 + keys.argc);
        nq_redis_pipe_adds(&p, "SADD");
        nq_redis_pipe_adds(&p, rb->keys_set);
        for (size_t i = 0; i < keys.argc; i++)
            nq_redis_pipe_add(&p, keys.argv[i], keys.lens[i]);
    }
    nq_redis_pipe_cmd(&p, cb, rb, 1);
    nq_redis_pipe_adds(&p, "EXEC");
    int rc = keys.failed ? -1 : nq_redis_pipe_send(rb->svc->redis, &p);
    nq_redis_pipe_free(&p);
    nq_redis_args_free(&keys);
    scoring_agg_free(&agg);
    return rc;
}

/* EXEC's answer: one reply per command, none an error. */
static void on_chunk_applied(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "shadow apply"))
        return;
    for (size_t i = 0; i < reply->elements; i++) {
        if (!reply_is(rb, reply->element[i], REDIS_REPLY_INTEGER, "shadow apply"))
            return;
    }
    step(rb);
}

static void on_range(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "log range"))
        return;
    if (reply->elements == 0) { /* nothing up to the limit: the cursor is there */
        snprintf(rb->cursor, sizeof(rb->cursor), "%s", rb->limit);
        step(rb);
        return;
    }
    const redisReply *last = reply->element[reply->elements - 1];
    snprintf(rb->cursor, sizeof(rb->cursor), "%s", last->element[0]->str);
    rb->scanned += reply->elements;
    rb->busy = true;
    if (apply_chunk(rb, reply, on_chunk_applied) != 0)
        finish(rb, "could not send a shadow chunk");
}

/* One scan step: refresh the limit when the cursor reached it, else read on. */
static void scan_step(rebuild_t *rb, rb_phase_t next)
{
    nq_redis_t *redis = rb->svc->redis;
    int rc;
    if (strcmp(rb->cursor, rb->limit) == 0 && next == RB_PAUSE) {
        rc = nq_redis_command(redis, on_limit, rb, "XINFO GROUPS %s", NQ_KEY_ACTIVITIES);
        rb->phase = RB_PAUSE; /* the limit read decides whether to scan on */
        rb->limit[0] = '\0';
    } else if (strcmp(rb->cursor, rb->limit) == 0) {
        rb->phase = next;
        step(rb);
        return;
    } else {
        rc = nq_redis_command(redis, on_range, rb, "EVAL %s 1 %s %s %s %d %d", range_script,
                              NQ_KEY_ACTIVITIES, rb->cursor, rb->limit, REBUILD_CHUNK_EVENTS,
                              REBUILD_CHUNK_ENTRIES);
    }
    rb->busy = rc == 0;
    if (rc != 0)
        finish(rb, "Redis not connected");
}

/* ---- pause: stop deliveries, wait until nothing is pending ------------------ */

static void on_pending(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "XPENDING") || reply->elements < 1)
        return;
    if (reply->element[0]->integer > 0)
        return; /* the tick asks again */
    rb->phase = RB_CATCHUP;
    rb->limit[0] = '\0';
    rb->busy = nq_redis_command(r, on_limit, rb, "XINFO GROUPS %s", NQ_KEY_ACTIVITIES) == 0;
}

/* ---- swap ---------------------------------------------------------------- */

static void on_swapped(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    if (reply_is(rb, reply, REDIS_REPLY_INTEGER, "swap")) {
        nq_log_info("rebuild_swapped", "%lld aggregates replaced, %zu dropped", reply->integer,
                    rb->n_drop);
        finish(rb, NULL);
    }
}

static void swap(rebuild_t *rb)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "EVAL");
    nq_redis_args_adds(&a, swap_script);
    nq_redis_args_adds(&a, "2");
    nq_redis_args_adds(&a, rb->keys_set);
    nq_redis_args_adds(&a, NQ_KEY_KPI_VERSION);
    nq_redis_args_adds(&a, rb->prefix);
    nq_redis_args_addf(&a, "%zu", rb->n_drop);
    for (size_t i = 0; i < rb->n_drop; i++)
        nq_redis_args_adds(&a, rb->drop[i]);
    rb->busy = nq_redis_command_args(rb->svc->redis, on_swapped, rb, &a) == 0;
    nq_redis_args_free(&a);
    if (!rb->busy)
        finish(rb, "could not send the swap");
}

static int drop_add(rebuild_t *rb, const char *key)
{
    char **grown = nq_array_grow(rb->drop, &rb->cap_drop, rb->n_drop + 1, 256, sizeof(*grown));
    if (!grown)
        return -1;
    rb->drop = grown;
    rb->drop[rb->n_drop] = strdup(key);
    if (!rb->drop[rb->n_drop])
        return -1;
    rb->n_drop++;
    return 0;
}

/* SCAN the live aggregates; keep those the rebuild recomputes. */
static void on_live_scan(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "SCAN live") || reply->elements != 2)
        return;
    snprintf(rb->scan_cursor, sizeof(rb->scan_cursor), "%s", reply->element[0]->str);
    const redisReply *keys = reply->element[1];
    for (size_t i = 0; i < keys->elements; i++) {
        const char *k = keys->element[i]->str;
        if (rebuild_recomputes(k, rb->from_ms) && drop_add(rb, k) != 0) {
            finish(rb, "out of memory");
            return;
        }
    }
    if (strcmp(rb->scan_cursor, "0") == 0)
        swap(rb);
    else
        step(rb);
}

/* ---- the state machine --------------------------------------------------- */

static void step(rebuild_t *rb)
{
    if (rb->busy || rb->stopping)
        return;
    nq_redis_t *redis = rb->svc->redis;
    int rc = 0;
    switch (rb->phase) {
    case RB_IDLE:
        return;
    case RB_CLEAN:
        rc = nq_redis_command(redis, on_clean_scan, rb, "SCAN %s MATCH %s* COUNT 1000",
                              rb->scan_cursor, NQ_KEY_SHADOW_PREFIX);
        break;
    case RB_SCAN:
        scan_step(rb, RB_PAUSE);
        return;
    case RB_PAUSE:
        if (rb->limit[0] == '\0')
            return;                               /* waiting for the limit */
        if (strcmp(rb->cursor, rb->limit) != 0) { /* scorers moved on: scan on */
            rb->phase = RB_SCAN;
            step(rb);
            return;
        }
        /* Caught up with the delivery point: stop deliveries, wait for the pending. */
        nq_redis_command(redis, NULL, NULL, "SET %s 1 PX %d", NQ_KEY_SCORING_PAUSED,
                         2 * REBUILD_LEASE_MS);
        rc = nq_redis_command(redis, on_pending, rb, "XPENDING %s %s", NQ_KEY_ACTIVITIES,
                              NQ_GROUP_SCORING);
        break;
    case RB_CATCHUP:
        if (rb->limit[0] == '\0')
            return;
        if (strcmp(rb->cursor, rb->limit) == 0) {
            rb->phase = RB_SWAP;
            strcpy(rb->scan_cursor, "0");
            step(rb);
            return;
        }
        scan_step(rb, RB_SWAP);
        return;
    case RB_SWAP:
        rc = nq_redis_command(redis, on_live_scan, rb, "SCAN %s MATCH nq:{sp:* COUNT 1000",
                              rb->scan_cursor);
        break;
    }
    rb->busy = rc == 0;
    if (rc != 0)
        finish(rb, "Redis not connected");
}

static void on_tick(uv_timer_t *t)
{
    rebuild_t *rb = t->data;
    if (rb->stopping || !nq_redis_ready(rb->svc->redis))
        return;
    if (rb->phase == RB_IDLE) {
        if (!rb->busy &&
            nq_redis_command(rb->svc->redis, on_claim, rb, "EVAL %s 1 %s %s %lld %d", claim_script,
                             NQ_KEY_REBUILD_JOB, nq_service_member(rb->svc), (long long)nq_now_ms(),
                             REBUILD_LEASE_MS) == 0)
            rb->busy = true;
        return;
    }
    job_update(rb, phase_states[rb->phase], NULL, NULL); /* lease and progress */
    if (rb->phase == RB_PAUSE || rb->phase == RB_CATCHUP || rb->phase == RB_SWAP)
        nq_redis_command(rb->svc->redis, NULL, NULL, "SET %s 1 PX %d", NQ_KEY_SCORING_PAUSED,
                         2 * REBUILD_LEASE_MS);
    step(rb);
}

rebuild_t *rebuild_new(nq_service_t *svc)
{
    rebuild_t *rb = calloc(1, sizeof(*rb));
    if (!rb)
        return NULL;
    rb->svc = svc;
    uv_timer_init(&svc->loop, &rb->tick);
    rb->tick.data = rb;
    uv_timer_start(&rb->tick, on_tick, REBUILD_TICK_MS, REBUILD_TICK_MS);
    return rb;
}

void rebuild_stop(rebuild_t *rb)
{
    if (!rb || rb->stopping)
        return;
    rb->stopping = true;
    uv_close((uv_handle_t *)&rb->tick, NULL);
}

void rebuild_free(rebuild_t *rb)
{
    if (!rb)
        return;
    drop_list_free(rb);
    free(rb);
}
