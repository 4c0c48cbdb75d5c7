/* scorer.c — pulling, applying and publishing activity batches. See scorer.h. */
#include "scorer.h"

#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "claims.h"
#include "rebuild.h"
#include "nq/actlog.h"
#include "nq/bus.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"

struct scorer {
    nq_service_t *svc;       /* shared process state (svc->redis: applies) */
    nq_redis_t *puller;      /* its own connection for pulls, never queued behind an apply */
    nq_zsock_t *sub;         /* activity.stored.v1 nudges */
    nq_zsock_t *pub;         /* kpi.changed.v1 */
    uv_timer_t poll;         /* pulls even without a nudge */
    uv_timer_t reclaim;      /* takes over entries of dead scorers */
    char reclaim_cursor[64]; /* XAUTOCLAIM position */
    bool pulling;            /* a pull (or reclaim) is in flight */
    unsigned applying;       /* applies in flight (at most SCORER_APPLIES) */
    struct batch *ready;     /* summed, waiting for room among the applies, or NULL */
    bool more;               /* pull again as soon as the pipeline has room */
    bool backlog;            /* the last pull came back full: more is waiting */
    bool reclaim_due;        /* the reclaim timer fired: reclaim before the next pull */
    bool stopping;           /* stop hook ran */
    uint64_t applied;        /* events applied by this scorer */
    uint64_t poison;         /* entries that did not decode (acknowledged) */
    rebuild_t *rebuild;      /* runs rebuild jobs this scorer claims */
    char unchecked[192];     /* this scorer's "apply not checked yet" flag (claims.h) */
};

/* A batch of log entries: pulled, summed into its apply call, applied. */
typedef struct batch {
    scorer_t *sc;          /* owner */
    nq_actlog_batch_t log; /* the entries, decoded */
    nq_redis_pipe_t apply; /* the apply transaction (batch_sum) */
    bool overlap;          /* its guard found entries applied elsewhere (batch_keep done) */
} batch_t;

static void pull(scorer_t *sc);
static void batch_apply(batch_t *b);

static void batch_free(batch_t *b)
{
    nq_actlog_batch_free(&b->log);
    nq_redis_pipe_free(&b->apply);
    free(b);
}

/* Build a batch from an array of entries and apply it. Returns the number of
 * entries taken. */
static size_t take_entries(scorer_t *sc, const redisReply *entries)
{
    if (!entries || entries->type != REDIS_REPLY_ARRAY || entries->elements == 0)
        return 0;
    batch_t *b = calloc(1, sizeof(*b));
    if (!b)
        return 0;
    b->sc = sc;
    bool taken = nq_actlog_batch_take(&b->log, entries, "without effect") == 0;
    sc->poison += b->log.poison;
    if (!taken || b->log.n == 0) {
        batch_free(b);
        return 0;
    }
    size_t n = b->log.n;
    batch_apply(b);
    return n;
}

static void publish_part(scorer_t *sc, Nq__Activity **events, size_t n)
{
    Nq__KpiChange msg = NQ__KPI_CHANGE__INIT;
    msg.applied = events;
    msg.n_applied = n;
    msg.has_at = 1;
    msg.at = nq_now_ms();
    nq_zsock_send(sc->pub, NQ_MSG(KPI_CHANGED), &msg.base);
}

/* Tell alerting what was applied, in messages of at most half the frame
 * limit (a batch of thousands of long events would not fit in one). */
static void publish_change(scorer_t *sc, batch_t *b)
{
    if (!sc->pub || b->log.events == 0)
        return;
    Nq__Activity **applied = calloc(b->log.events, sizeof(*applied));
    if (!applied)
        return;
    size_t limit = (size_t)sc->svc->cfg.max_frame_bytes / 2, n = 0, from = 0, bytes = 0;
    for (size_t i = 0; i < b->log.n; i++) {
        for (size_t k = 0; k < b->log.entries[i].n; k++) {
            Nq__Activity *ev = b->log.entries[i].events[k];
            size_t size = nq_actlog_framed_size(ev);
            if (n > from && bytes + size > limit) {
                publish_part(sc, applied + from, n - from);
                from = n;
                bytes = 0;
            }
            applied[n++] = ev;
            bytes += size;
        }
    }
    publish_part(sc, applied + from, n - from);
    free(applied);
}

/* Keep only the entries whose ids are in `pending` (from the script). */
static void batch_keep(batch_t *b, const redisReply *pending)
{
    size_t kept = 0;
    b->log.events = 0;
    for (size_t i = 0; i < b->log.n; i++) {
        bool keep = false;
        for (size_t k = 1; k < pending->elements && !keep; k++)
            keep = pending->element[k]->type == REDIS_REPLY_STRING &&
                   strcmp(pending->element[k]->str, b->log.ids[i]) == 0;
        if (keep) {
            b->log.ids[kept] = b->log.ids[i];
            b->log.entries[kept] = b->log.entries[i];
            b->log.events += b->log.entries[i].n;
            kept++;
            continue;
        }
        free(b->log.ids[i]);
        nq_actlog_free(&b->log.entries[i]);
    }
    b->log.n = kept;
}

static void on_guarded(nq_redis_t *r, redisReply *reply, void *data);
static void on_applied(nq_redis_t *r, redisReply *reply, void *data);

/* Sum the batch into its apply transaction:
 *   SET unchecked; WATCH claims; EVALSHA guard ids; COPY unchecked claims;
 *   MULTI; HINCRBY ... SADD ...; XACK ids; INCRBY scored events; INCR KPI
 *   version (kept leaderboards are computed afresh); EXEC
 * in one pipeline. Exactly once: the guard checks that every entry is still
 * pending with this scorer; if not, it bumps the watched claims counter, as
 * does a reclaim (the only other way an entry changes hands), so EXEC
 * applies nothing whenever an entry may have been taken or applied
 * elsewhere since the WATCH; a guard that did not run leaves the flag that
 * the COPY writes over the claims (claims.h). Counters go as plain
 * commands, not from a script: Redis spends more on a command issued by Lua
 * (bench/script-vs-transaction.sh measures it).
 * Returns 0, or -1 (a time outside the calendar, out of memory). */
static int batch_sum(batch_t *b)
{
    scorer_t *sc = b->sc;
    nq_redis_pipe_free(&b->apply);
    b->overlap = false;
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    int rc = 0;
    for (size_t i = 0; i < b->log.n; i++) {
        for (size_t k = 0; k < b->log.entries[i].n && rc == 0; k++)
            rc = scoring_agg_add_event(&agg, b->log.entries[i].events[k]);
    }
    scoring_agg_unique_members(&agg);
    nq_redis_pipe_t *p = &b->apply;
    const char *member = nq_service_member(sc->svc);
    nq_redis_pipe_cmd(p, NULL, NULL, 5);
    nq_redis_pipe_adds(p, "SET");
    nq_redis_pipe_adds(p, sc->unchecked);
    nq_redis_pipe_adds(p, "1");
    nq_redis_pipe_adds(p, "EX");
    nq_redis_pipe_addll(p, SCORER_UNCHECKED_TTL_S);
    nq_redis_pipe_cmd(p, NULL, NULL, 2);
    nq_redis_pipe_adds(p, "WATCH");
    nq_redis_pipe_adds(p, NQ_KEY_SCORING_CLAIMS);
    nq_script_pipe_cmd(p, NQ_SCRIPT(SCORER_GUARD), on_guarded, b, 3, 3 + b->log.n);
    nq_redis_pipe_adds(p, NQ_KEY_ACTIVITIES);
    nq_redis_pipe_adds(p, NQ_KEY_SCORING_CLAIMS);
    nq_redis_pipe_adds(p, sc->unchecked);
    nq_redis_pipe_adds(p, NQ_GROUP_SCORING);
    nq_redis_pipe_adds(p, member);
    nq_redis_pipe_addll(p, (long long)b->log.n);
    for (size_t i = 0; i < b->log.n; i++)
        nq_redis_pipe_adds(p, b->log.ids[i]);
    nq_redis_pipe_cmd(p, NULL, NULL, 4);
    nq_redis_pipe_adds(p, "COPY");
    nq_redis_pipe_adds(p, sc->unchecked);
    nq_redis_pipe_adds(p, NQ_KEY_SCORING_CLAIMS);
    nq_redis_pipe_adds(p, "REPLACE");
    nq_redis_pipe_cmd(p, NULL, NULL, 1);
    nq_redis_pipe_adds(p, "MULTI");
    scoring_agg_to_pipe(p, &agg, NULL, NULL, NULL);
    scoring_agg_free(&agg);
    nq_redis_pipe_cmd(p, NULL, NULL, 3 + b->log.n);
    nq_redis_pipe_adds(p, "XACK");
    nq_redis_pipe_adds(p, NQ_KEY_ACTIVITIES);
    nq_redis_pipe_adds(p, NQ_GROUP_SCORING);
    for (size_t i = 0; i < b->log.n; i++)
        nq_redis_pipe_adds(p, b->log.ids[i]);
    nq_redis_pipe_cmd(p, NULL, NULL, 3);
    nq_redis_pipe_adds(p, "INCRBY");
    nq_redis_pipe_adds(p, NQ_KEY_STATS_SCORED);
    nq_redis_pipe_addll(p, (long long)b->log.events);
    nq_redis_pipe_cmd(p, NULL, NULL, 2);
    nq_redis_pipe_adds(p, "INCR");
    nq_redis_pipe_adds(p, NQ_KEY_KPI_VERSION);
    nq_redis_pipe_cmd(p, on_applied, b, 1);
    nq_redis_pipe_adds(p, "EXEC");
    return rc == 0 && !p->failed ? 0 : -1;
}

/* Send the batch's apply transaction now. On failure the batch is dropped
 * from memory; its entries stay pending and are taken again later. */
static void batch_send(batch_t *b)
{
    scorer_t *sc = b->sc;
    sc->applying++; /* before: a failed send may run on_guarded at once */
    int rc = nq_redis_pipe_send(sc->svc->redis, &b->apply);
    nq_redis_pipe_free(&b->apply); /* hiredis holds its own copy of the commands */
    if (rc == 0)
        return;
    sc->applying--;
    nq_log_warn("apply_deferred", "batch of %zu entries not sent; it stays pending", b->log.n);
    batch_free(b);
}

/* A batch was pulled: sum it at once (while earlier applies run in Redis),
 * then send it, or keep it ready for when one of them is done. */
static void batch_apply(batch_t *b)
{
    scorer_t *sc = b->sc;
    if (batch_sum(b) != 0) {
        nq_log_warn("apply_deferred", "batch of %zu entries not summed; it stays pending",
                    b->log.n);
        batch_free(b);
        return;
    }
    if (sc->applying >= SCORER_APPLIES) {
        sc->ready = b; /* pull() takes no more until this one is sent */
        return;
    }
    batch_send(b);
}

/* An apply ended (or a connection was made): send the ready batch if
 * there is room, and pull on. */
static void apply_done(scorer_t *sc)
{
    if (sc->stopping)
        return;
    batch_t *next = sc->applying < SCORER_APPLIES ? sc->ready : NULL;
    if (next) {
        sc->ready = NULL;
        batch_send(next);
    }
    if (sc->backlog || sc->more) {
        sc->more = false;
        pull(sc);
    }
}

/* The guard's answer comes before EXEC's: when some entries went elsewhere,
 * keep only the rest (EXEC then reports the transaction discarded). */
static void on_guarded(nq_redis_t *r, redisReply *reply, void *data)
{
    batch_t *b = data;
    if (nq_script_missing(reply)) { /* the flag discards the transaction (claims.h) */
        nq_log_warn("apply_guard_missing", "the scripts were not loaded in Redis: loading them "
                                           "again; the batch is applied again");
        nq_scripts_load(r);
    } else if (reply && reply->type == REDIS_REPLY_ERROR) { /* the transaction still runs */
        nq_log_error("apply_guard_failed", "batch of %zu entries: %s", b->log.n, reply->str);
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
        reply->element[0]->type != REDIS_REPLY_INTEGER || reply->element[0]->integer == 1)
        return;
    size_t before = b->log.n;
    batch_keep(b, reply);
    b->overlap = true;
    nq_log_info("batch_overlap", "%zu of %zu entries were taken or applied elsewhere%s",
                before - b->log.n, before, b->log.n ? "; re-summing the rest" : "");
}

/* Whether an EXEC reply says the transaction ran; errors of its commands
 * (a counter key of the wrong type) are logged: the rest was applied. */
static bool exec_ran(const batch_t *b, const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        return false;
    for (size_t i = 0; i < reply->elements; i++) {
        if (reply->element[i]->type == REDIS_REPLY_ERROR)
            nq_log_error("apply_command_failed", "in a batch of %zu entries: %s", b->log.n,
                         reply->element[i]->str);
    }
    return true;
}

static void on_applied(nq_redis_t *r, redisReply *reply, void *data)
{
    batch_t *b = data;
    scorer_t *sc = b->sc;
    if (sc->applying > 0)
        sc->applying--;
    if (exec_ran(b, reply)) {
        sc->applied += b->log.events;
        publish_change(sc, b);
        batch_free(b);
        apply_done(sc);
        return;
    }
    if (!reply || reply->type != REDIS_REPLY_NIL) {
        nq_log_error("apply_failed", "batch of %zu entries not applied: %s; it stays pending",
                     b->log.n, reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
        batch_free(b);
        apply_done(sc);
        return;
    }
    /* Discarded: entries changed hands somewhere since the WATCH. Check again
     * with what is still ours. */
    if (!b->overlap)
        nq_log_info("batch_retry", "entries changed hands elsewhere; applying %zu entries again",
                    b->log.n);
    if (b->log.n == 0 || sc->stopping || batch_sum(b) != 0) {
        batch_free(b);
        apply_done(sc);
        return;
    }
    batch_send(b);
    apply_done(sc);
}

/* Whether a pull reply was full (more entries are likely waiting). */
static bool pull_was_full(const redisReply *entries)
{
    if (!entries || entries->type != REDIS_REPLY_ARRAY)
        return false;
    long long events = 0;
    for (size_t i = 0; i < entries->elements; i++)
        events += nq_actlog_count(entries->element[i]);
    return entries->elements >= SCORER_BATCH_ENTRIES || events >= SCORER_BATCH_EVENTS;
}

/* After a pull or reclaim: go on pulling while the pipeline has room. */
static void pull_done(scorer_t *sc, const redisReply *entries)
{
    sc->pulling = false;
    if (sc->stopping) /* the entries stay pending and are reclaimed by another scorer */
        return;
    sc->backlog = pull_was_full(entries);
    take_entries(sc, entries);
    if (sc->backlog || sc->more) {
        sc->more = false;
        pull(sc);
    }
}

static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    pull_done(data, reply); /* [entries], or nil when nothing is new */
}

static void reclaim(scorer_t *sc);

/* Pull new entries, unless a pull is out or a summed batch already waits
 * (then once that changes). At most SCORER_APPLIES + 2 batches are held:
 * applying, one ready, one being pulled. */
static void pull(scorer_t *sc)
{
    if (sc->stopping)
        return;
    if (sc->pulling || sc->ready) {
        sc->more = true;
        return;
    }
    /* A scorer that is never idle under load still takes over dead peers' entries. */
    if (sc->reclaim_due) {
        reclaim(sc);
        return;
    }
    if (nq_script_callf(sc->puller, NQ_SCRIPT(SCORER_PULL), on_read, sc, 2, "%s %s %s %s %d %d",
                        NQ_KEY_ACTIVITIES, NQ_KEY_SCORING_PAUSED, NQ_GROUP_SCORING,
                        nq_service_member(sc->svc), SCORER_BATCH_EVENTS, SCORER_BATCH_ENTRIES) == 0)
        sc->pulling = true;
}

static void on_reclaimed(nq_redis_t *r, redisReply *reply, void *data)
{
    scorer_t *sc = data;
    const redisReply *entries =
        nq_actlog_claimed(reply, sc->reclaim_cursor, sizeof(sc->reclaim_cursor));
    if (!sc->stopping && entries && entries->elements > 0)
        nq_log_info("reclaimed", "took over %zu entries left pending by another scorer",
                    entries->elements);
    else if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("reclaim_failed", "%s", reply->str);
    sc->more = true; /* go on with new entries */
    pull_done(sc, entries);
}

/* Take over entries idle for SCORER_RECLAIM_IDLE_MS (their scorer died). */
static void reclaim(scorer_t *sc)
{
    sc->reclaim_due = false;
    if (nq_script_callf(sc->puller, NQ_SCRIPT(SCORER_RECLAIM), on_reclaimed, sc, 2,
                        "%s %s %s %s %d %s %d", NQ_KEY_ACTIVITIES, NQ_KEY_SCORING_CLAIMS,
                        NQ_GROUP_SCORING, nq_service_member(sc->svc), SCORER_RECLAIM_IDLE_MS,
                        sc->reclaim_cursor, SCORER_RECLAIM_ENTRIES) == 0)
        sc->pulling = true;
}

static void on_reclaim_timer(uv_timer_t *t)
{
    scorer_t *sc = t->data;
    if (sc->stopping)
        return;
    sc->reclaim_due = true; /* pull() reclaims before its next read */
    pull(sc);
}

static void on_poll_timer(uv_timer_t *t)
{
    pull(t->data);
}

static void on_stored(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *app)
{
    pull(app);
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(ACTIVITY_STORED), on_stored},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

static void on_redis_connected(nq_redis_t *r, void *data)
{
    scorer_t *sc = data;
    nq_redis_ensure_group(r, NQ_KEY_ACTIVITIES, NQ_GROUP_SCORING);
    apply_done(sc); /* an apply of the old connection was answered NULL */
}

static void on_puller_connected(nq_redis_t *r, void *data)
{
    scorer_t *sc = data;
    sc->pulling = false; /* a pull of the old connection was answered NULL */
    pull(sc);
}

void *scorer_new(nq_service_t *svc)
{
    if (nq_bus_routes_check(routes, N_ROUTES, ZMQ_SUB, NQ_SVC_SCORING) != 0)
        return NULL;
    scorer_t *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    sc->svc = svc;
    strcpy(sc->reclaim_cursor, "0-0");
    if (nq_key_scoring_unchecked(sc->unchecked, sizeof(sc->unchecked), nq_service_member(svc)) <
        0) {
        free(sc);
        return NULL;
    }
    const nq_config_t *cfg = &svc->cfg;
    sc->sub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_SUB, cfg->stored_endpoint, NQ_ZSOCK_CONNECT,
                           nq_curve_link(svc->curve, NQ_LINK_STORED), routes, N_ROUTES, sc,
                           (size_t)cfg->max_frame_bytes);
    sc->pub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_PUB, cfg->changes_endpoint, NQ_ZSOCK_CONNECT,
                           nq_curve_link(svc->curve, NQ_LINK_CHANGES), NULL, 0, sc,
                           (size_t)cfg->max_frame_bytes);
    if (!sc->sub || !sc->pub) {
        nq_zsock_destroy(&sc->sub);
        nq_zsock_destroy(&sc->pub);
        free(sc);
        return NULL;
    }
    char name[160];
    snprintf(name, sizeof(name), "%s/pull", nq_service_member(svc));
    sc->puller = nq_service_redis_new(svc, name);
    if (!sc->puller) {
        nq_zsock_destroy(&sc->sub);
        nq_zsock_destroy(&sc->pub);
        free(sc);
        return NULL;
    }
    nq_scripts_attach(sc->puller);
    nq_redis_on_connected(sc->puller, on_puller_connected, sc);
    sc->rebuild = rebuild_new(svc);
    uv_timer_init(&svc->loop, &sc->poll);
    uv_timer_init(&svc->loop, &sc->reclaim);
    sc->poll.data = sc->reclaim.data = sc;
    uv_timer_start(&sc->poll, on_poll_timer, SCORER_POLL_MS, SCORER_POLL_MS);
    uv_timer_start(&sc->reclaim, on_reclaim_timer, SCORER_RECLAIM_MS, SCORER_RECLAIM_MS);
    nq_redis_on_connected(svc->redis, on_redis_connected, sc);
    nq_log_info("scoring", "consumer %s, stored %s, changes %s", nq_service_member(svc),
                cfg->stored_endpoint, cfg->changes_endpoint);
    return sc;
}

void scorer_stop(void *app)
{
    scorer_t *sc = app;
    if (!sc || sc->stopping)
        return;
    sc->stopping = true;
    nq_zsock_destroy(&sc->sub);
    nq_zsock_destroy(&sc->pub);
    uv_close((uv_handle_t *)&sc->poll, NULL);
    uv_close((uv_handle_t *)&sc->reclaim, NULL);
    rebuild_stop(sc->rebuild);
    nq_redis_destroy(&sc->puller); /* a pull still out is answered, then dropped */
    if (sc->ready)
        batch_free(sc->ready); /* its entries stay pending: another scorer takes them */
    sc->ready = NULL;
    nq_log_info("scoring_stopped", "applied %llu events, %llu undecodable",
                (unsigned long long)sc->applied, (unsigned long long)sc->poison);
}

void scorer_free(void *app)
{
    scorer_t *sc = app;
    if (sc)
        rebuild_free(sc->rebuild);
    free(sc);
}
