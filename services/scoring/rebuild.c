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
#include "nq/rebuild_job.h"
#include "nq/scripts.h"
#include "rebuild_scope.h"

#define ID_MAX 48
/* Keys per DEL command of the swap. */
#define SWAP_DEL_KEYS 1000

typedef enum { RB_IDLE, RB_CLEAN, RB_SCAN, RB_PAUSE, RB_CATCHUP, RB_SWAP } rb_phase_t;

/* The job's state in each phase (nq/rebuild_job.h); idle writes none. */
static const nq_rebuild_state_t phase_states[] = {
    [RB_IDLE] = NQ_REBUILD_NONE,       [RB_CLEAN] = NQ_REBUILD_SCANNING,
    [RB_SCAN] = NQ_REBUILD_SCANNING,   [RB_PAUSE] = NQ_REBUILD_PAUSING,
    [RB_CATCHUP] = NQ_REBUILD_PAUSING, [RB_SWAP] = NQ_REBUILD_SWAPPING,
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
    size_t n_shadows; /* shadow keys swapped in */
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

/* Record the job's state, a new lease and the progress, and one more field
 * when extra_field is not NULL (common/lua/rebuild_update.lua). */
static void job_update(rebuild_t *rb, nq_rebuild_state_t state, const char *extra_field,
                       const char *extra_value)
{
    nq_script_call_t *c = nq_script_call_new(NQ_SCRIPT(REBUILD_UPDATE), 1, extra_field ? 10 : 8);
    if (!c)
        return;
    nq_script_call_adds(c, NQ_KEY_REBUILD_JOB);
    nq_script_call_adds(c, nq_service_member(rb->svc));
    nq_script_call_adds(c, rb->attempt);
    nq_script_call_adds(c, NQ_REBUILD_F_STATE);
    nq_script_call_adds(c, nq_rebuild_state_stored(state));
    nq_script_call_adds(c, NQ_REBUILD_F_LEASE_UNTIL);
    nq_script_call_addll(c, nq_now_ms() + REBUILD_LEASE_MS);
    nq_script_call_adds(c, NQ_REBUILD_F_SCANNED);
    nq_script_call_addll(c, (long long)rb->scanned);
    if (extra_field) {
        nq_script_call_adds(c, extra_field);
        nq_script_call_adds(c, extra_value);
    }
    nq_script_call_send(rb->svc->redis, &c, on_update, rb);
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
        job_update(rb, NQ_REBUILD_FAILED, NQ_REBUILD_F_ERROR, why);
    } else {
        nq_log_info("rebuild_done", "attempt %s: %llu log entries recomputed", rb->attempt,
                    (unsigned long long)rb->scanned);
        job_update(rb, NQ_REBUILD_DONE, NQ_REBUILD_F_FINISHED_AT, when);
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

/* Claim a job waiting for a scorer, or take over one whose owner's lease
 * ran out (common/lua/rebuild_claim.lua). 0 when issued. */
static int claim(rebuild_t *rb)
{
    const char *claimed[NQ_REBUILD_STATE_COUNT], *taken[NQ_REBUILD_STATE_COUNT];
    size_t n_claimed = nq_rebuild_sources(NQ_REBUILD_CLAIM, claimed, NQ_REBUILD_STATE_COUNT);
    size_t n_taken = nq_rebuild_sources(NQ_REBUILD_TAKE_OVER, taken, NQ_REBUILD_STATE_COUNT);
    nq_script_call_t *c = nq_script_call_new(NQ_SCRIPT(REBUILD_CLAIM), 1, 5 + n_claimed + n_taken);
    if (!c)
        return -1;
    nq_script_call_adds(c, NQ_KEY_REBUILD_JOB);
    nq_script_call_adds(c, nq_service_member(rb->svc));
    nq_script_call_addll(c, nq_now_ms());
    nq_script_call_addll(c, REBUILD_LEASE_MS);
    nq_script_call_adds(
        c, nq_rebuild_state_stored(nq_rebuild_next(NQ_REBUILD_REQUESTED, NQ_REBUILD_CLAIM)));
    nq_script_call_addll(c, (long long)n_claimed);
    for (size_t i = 0; i < n_claimed; i++)
        nq_script_call_adds(c, claimed[i]);
    for (size_t i = 0; i < n_taken; i++)
        nq_script_call_adds(c, taken[i]);
    return nq_script_call_send(rb->svc->redis, &c, on_claim, rb);
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
        rc = nq_script_callf(redis, NQ_SCRIPT(REBUILD_RANGE), on_range, rb, 1, "%s %s %s %d %d",
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

/* EXEC's answer: one reply per command, none an error. */
static void on_swapped(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "swap"))
        return;
    for (size_t i = 0; i < reply->elements; i++) {
        if (reply->element[i]->type == REDIS_REPLY_ERROR) {
            char why[200];
            snprintf(why, sizeof(why), "swap: %s", reply->element[i]->str);
            finish(rb, why);
            return;
        }
    }
    nq_log_info("rebuild_swapped", "%zu aggregates replaced, %zu dropped", rb->n_shadows,
                rb->n_drop);
    finish(rb, NULL);
}

/* Add DEL commands of `keys` to p, at most SWAP_DEL_KEYS keys each. */
static void pipe_dels(nq_redis_pipe_t *p, char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i += SWAP_DEL_KEYS) {
        size_t m = n - i < SWAP_DEL_KEYS ? n - i : SWAP_DEL_KEYS;
        nq_redis_pipe_cmd(p, NULL, NULL, 1 + m);
        nq_redis_pipe_adds(p, "DEL");
        for (size_t k = 0; k < m; k++)
            nq_redis_pipe_adds(p, keys[i + k]);
    }
}

/* The swap, one transaction: drop the in-scope live keys, rename every
 * shadow key (the set's members) to its live name, drop the set and bump the
 * KPI version (kept leaderboards are computed afresh). MULTI/EXEC runs it
 * whole, as one step for every reader, and every key it touches is named in
 * it. Deliveries are paused and the scan is over, so nothing else writes
 * these keys between the SMEMBERS and the EXEC. */
static void on_shadows(nq_redis_t *r, redisReply *reply, void *data)
{
    rebuild_t *rb = data;
    rb->busy = false;
    if (!reply_is(rb, reply, REDIS_REPLY_ARRAY, "SMEMBERS shadows"))
        return;
    size_t plen = strlen(rb->prefix);
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    nq_redis_pipe_cmd(&p, NULL, NULL, 1);
    nq_redis_pipe_adds(&p, "MULTI");
    pipe_dels(&p, rb->drop, rb->n_drop);
    rb->n_shadows = 0;
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *k = reply->element[i];
        char live[512];
        if (k->type != REDIS_REPLY_STRING || k->len <= plen ||
            strncmp(k->str, rb->prefix, plen) != 0 ||
            snprintf(live, sizeof(live), "nq:%s", k->str + plen) >= (int)sizeof(live))
            continue; /* not this attempt's: left alone */
        nq_redis_pipe_cmd(&p, NULL, NULL, 3);
        nq_redis_pipe_adds(&p, "RENAME");
        nq_redis_pipe_add(&p, k->str, k->len);
        nq_redis_pipe_adds(&p, live);
        rb->n_shadows++;
    }
    char *tail[] = {rb->keys_set};
    pipe_dels(&p, tail, 1);
    nq_redis_pipe_cmd(&p, NULL, NULL, 2);
    nq_redis_pipe_adds(&p, "INCR");
    nq_redis_pipe_adds(&p, NQ_KEY_KPI_VERSION);
    nq_redis_pipe_cmd(&p, on_swapped, rb, 1);
    nq_redis_pipe_adds(&p, "EXEC");
    rb->busy = nq_redis_pipe_send(r, &p) == 0;
    nq_redis_pipe_free(&p);
    if (!rb->busy)
        finish(rb, "could not send the swap");
}

static void swap(rebuild_t *rb)
{
    rb->busy = nq_redis_command(rb->svc->redis, on_shadows, rb, "SMEMBERS %s", rb->keys_set) == 0;
    if (!rb->busy)
        finish(rb, "could not read the shadow keys");
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
        if (!rb->busy && claim(rb) == 0)
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
