/* indexer.c — the activity indexer: pulling log entries, writing them to the
 * index, taking over entries of dead instances, replaying after a rebuild
 * request. See indexer.h. */
#include "indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actwrite.h"
#include "arwatch.h"
#include "ctrefresh.h"
#include "nq/actindex.h"
#include "nq/actlog.h"
#include "nq/bus.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/rebuild_job.h"
#include "nq/scripts.h"
#include "orgix.h"

struct indexer {
    nq_service_t *svc;       /* shared process state */
    nq_redis_t *redis;       /* its own connection: pulls and writes */
    nq_zsock_t *sub;         /* activity.stored.v1 nudges */
    uv_timer_t tick;         /* pulls without a nudge, reclaims, looks for a replay */
    char consumer[160];      /* its name in the group: the service member */
    char reclaim_cursor[64]; /* XAUTOCLAIM position */
    unsigned ticks;          /* ticks so far */
    bool pulling;            /* a pull or a reclaim is in flight */
    unsigned writes;         /* transactions in flight (at most INDEXER_WRITES) */
    bool more;               /* pull again once idle */
    bool backlog;            /* the last pull came back full */
    bool reclaim_due;        /* reclaim once idle */
    bool stopping;           /* stop ran */
    uint64_t events;         /* events indexed since start */
    uint64_t entries;        /* log entries indexed since start */
    uint64_t poison;         /* entries that did not decode (acknowledged) */
    int64_t progress_at;     /* when progress was last logged */
    arwatch_t ar;            /* the overdue-receivable list index's looks */
    ctrefresh_t refresh;     /* follow-ups moved by contacts, refreshed in rounds */
};

/* One pulled set of entries, while its transaction runs. */
typedef struct batch {
    indexer_t *ix;          /* owner */
    nq_actlog_batch_t log;  /* the entries, decoded */
    actwrite_stats_t stats; /* what the transaction writes */
    bool full;              /* the pull was full: more is waiting */
} batch_t;

static void pull(indexer_t *ix);
static void reclaim(indexer_t *ix);

static void batch_free(batch_t *b)
{
    nq_actlog_batch_free(&b->log);
    free(b);
}

/* Reclaim (once no transaction is in flight) or pull (while fewer than
 * INDEXER_WRITES are) when something asked for it. */
static void go_on(indexer_t *ix)
{
    if (ix->stopping || ix->pulling)
        return;
    if (ix->reclaim_due) {
        if (ix->writes == 0) /* once the writes in flight ended */
            reclaim(ix);
    } else if ((ix->more || ix->backlog) && ix->writes < INDEXER_WRITES) {
        ix->more = false;
        pull(ix);
    }
}

static void log_progress(indexer_t *ix, const batch_t *b)
{
    int64_t now = nq_now_ms();
    if (b->full && now - ix->progress_at >= INDEXER_PROGRESS_MS) {
        ix->progress_at = now;
        nq_log_info("index_progress", "%llu events in %llu log entries indexed so far, up to %s",
                    (unsigned long long)ix->events, (unsigned long long)ix->entries,
                    b->log.ids[b->log.n - 1]);
    } else if (!b->full && ix->backlog) {
        nq_log_info("index_caught_up", "%llu events in %llu log entries indexed; up to %s",
                    (unsigned long long)ix->events, (unsigned long long)ix->entries,
                    b->log.ids[b->log.n - 1]);
    }
    ix->backlog = b->full;
}

static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    batch_t *b = data;
    indexer_t *ix = b->ix;
    ix->writes--;
    if (reply && reply->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i < reply->elements; i++) {
            if (reply->element[i]->type == REDIS_REPLY_ERROR)
                nq_log_error("index_command_failed", "in a batch of %zu entries: %s", b->log.n,
                             reply->element[i]->str);
        }
        ix->events += b->stats.events;
        ix->entries += b->log.n;
        if (b->stats.skipped)
            nq_log_warn("index_skipped",
                        "%zu counted events without a valid salesperson, type "
                        "or time were not indexed",
                        b->stats.skipped);
        log_progress(ix, b);
        arwatch_run(&ix->ar); /* the customers whose invoices or payments it stored */
    } else {
        nq_log_error("index_write_failed", "batch of %zu entries not indexed: %s; it stays pending",
                     b->log.n, reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
        ix->backlog = false; /* taken over again once idle for a while */
    }
    batch_free(b);
    go_on(ix);
}

/* Write the entries of a pull or a reclaim (an array of stream entries) in
 * one transaction. Returns 0 when it was sent (on_written frees it), -1
 * when there was nothing to write or it could not be sent. */
static int write_entries(indexer_t *ix, const redisReply *entries, bool full)
{
    if (!entries || entries->type != REDIS_REPLY_ARRAY || entries->elements == 0)
        return -1;
    batch_t *b = calloc(1, sizeof(*b));
    if (!b)
        return -1;
    b->ix = ix;
    b->full = full;
    bool taken = nq_actlog_batch_take(&b->log, entries, "not indexed") == 0;
    ix->poison += b->log.poison;
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    int rc = taken && b->log.n > 0
                 ? actwrite_pipe(&p, (const char *const *)b->log.ids, b->log.entries, b->log.n,
                                 nq_now_ms(), on_written, b, &b->stats)
                 : -1;
    if (rc == 0) {
        ix->writes++; /* before: a failed send runs on_written at once */
        rc = nq_redis_pipe_send(ix->redis, &p);
        if (rc != 0)
            ix->writes--;
    }
    nq_redis_pipe_free(&p);
    if (rc != 0) {
        if (b->log.n > 0)
            nq_log_warn("index_deferred", "batch of %zu entries not sent; it stays pending",
                        b->log.n);
        batch_free(b);
    }
    return rc;
}

/* Whether a pull reply was full (more entries are likely waiting). */
static bool pull_was_full(const redisReply *entries)
{
    if (!entries || entries->type != REDIS_REPLY_ARRAY)
        return false;
    long long events = 0;
    for (size_t i = 0; i < entries->elements; i++)
        events += nq_actlog_count(entries->element[i]);
    return entries->elements >= INDEXER_BATCH_ENTRIES || events >= INDEXER_BATCH_EVENTS;
}

/* After a pull or a reclaim: write what came, else go on. After a full
 * pull the next one is sent ahead of this write (room allowing): Redis
 * answers it at once, so the next batch is encoded while this one runs. */
static void taken(indexer_t *ix, const redisReply *entries, bool full)
{
    ix->pulling = false;
    if (ix->stopping) /* the entries stay pending: taken over later */
        return;
    ix->more = ix->more || full;
    if (full && !ix->reclaim_due && ix->writes + 1 < INDEXER_WRITES) {
        ix->more = false;
        pull(ix);
    }
    if (write_entries(ix, entries, full) == 0) {
        go_on(ix);
    } else {
        if (!full && ix->backlog)
            nq_log_info("index_caught_up", "%llu events in %llu log entries indexed",
                        (unsigned long long)ix->events, (unsigned long long)ix->entries);
        ix->backlog = false;
        go_on(ix);
    }
}

static void on_pulled(nq_redis_t *r, redisReply *reply, void *data)
{
    indexer_t *ix = data;
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("index_pull_failed", "%s", reply->str);
    taken(ix, reply, pull_was_full(reply)); /* [entries], or nil when nothing is new */
}

static void pull(indexer_t *ix)
{
    if (ix->stopping)
        return;
    if (nq_script_callf(ix->redis, NQ_SCRIPT(ACTINDEX_PULL), on_pulled, ix, 1, "%s %s %s %d %d",
                        NQ_KEY_ACTIVITIES, NQ_GROUP_INDEX, ix->consumer, INDEXER_BATCH_EVENTS,
                        INDEXER_BATCH_ENTRIES) == 0)
        ix->pulling = true;
}

static void on_reclaimed(nq_redis_t *r, redisReply *reply, void *data)
{
    indexer_t *ix = data;
    const redisReply *entries =
        nq_actlog_claimed(reply, ix->reclaim_cursor, sizeof(ix->reclaim_cursor));
    if (!ix->stopping && entries && entries->elements > 0)
        nq_log_info("index_reclaimed", "took over %zu log entries left pending", entries->elements);
    else if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("index_reclaim_failed", "%s", reply->str);
    ix->more = true; /* go on with new entries */
    taken(ix, entries, false);
}

/* Take over entries idle for INDEXER_RECLAIM_IDLE_MS (their instance died,
 * or this one before a restart). */
static void reclaim(indexer_t *ix)
{
    ix->reclaim_due = false;
    if (nq_redis_command(ix->redis, on_reclaimed, ix, "XAUTOCLAIM %s %s %s %d %s COUNT %d",
                         NQ_KEY_ACTIVITIES, NQ_GROUP_INDEX, ix->consumer, INDEXER_RECLAIM_IDLE_MS,
                         ix->reclaim_cursor, INDEXER_RECLAIM_ENTRIES) == 0)
        ix->pulling = true;
}

static void on_replay(nq_redis_t *r, redisReply *reply, void *data)
{
    indexer_t *ix = data;
    if (reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 1) {
        nq_log_info("index_replay", "a rebuild was requested: indexing the activity log again "
                                    "from its start");
        ix->more = true;
        go_on(ix);
    } else if (reply && reply->type == REDIS_REPLY_ERROR) {
        nq_log_warn("index_replay_failed", "%s", reply->str);
    }
}

static void on_swept(nq_redis_t *r, redisReply *reply, void *data)
{
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("followup_sweep_failed", "%s", reply->str);
}

/* Customers whose follow-up fell due since the last sweep join the overdue
 * list index (services/customers/followup.h). */
static void sweep(indexer_t *ix)
{
    char over[160];
    nq_key_index(over, sizeof(over), orgix_lists[ORG_CUSTOMER].name, "overdue", "followup");
    nq_script_callf(ix->redis, NQ_SCRIPT(FOLLOWUP_SWEEP), on_swept, ix, 3, "%s %s %s %lld %d",
                    NQ_KEY_FOLLOWUP_DUE, over, NQ_KEY_FOLLOWUP_SWEPT, (long long)nq_now_ms(),
                    INDEXER_SWEEP_OVERLAP_MS);
}

static void on_tick(uv_timer_t *t)
{
    indexer_t *ix = t->data;
    if (ix->stopping)
        return;
    sweep(ix);
    arwatch_run(&ix->ar);
    nq_script_callf(ix->redis, NQ_SCRIPT(ACTINDEX_REPLAY), on_replay, ix, 3, "%s %s %s %s %s",
                    NQ_KEY_REBUILD_JOB, NQ_KEY_ACTINDEX_REPLAYED, NQ_KEY_ACTIVITIES,
                    NQ_REBUILD_F_REQUESTED_AT, NQ_GROUP_INDEX);
    if (++ix->ticks % INDEXER_RECLAIM_TICKS == 0)
        ix->reclaim_due = true;
    ix->more = true;
    go_on(ix);
}

static void on_group(nq_redis_t *r, redisReply *reply, void *data)
{
    if (reply && reply->type == REDIS_REPLY_STATUS)
        nq_log_info("index_group_created", "group %s on %s: indexing the log from its start",
                    NQ_GROUP_INDEX, NQ_KEY_ACTIVITIES);
    else if (reply && reply->type == REDIS_REPLY_ERROR && !strstr(reply->str, "BUSYGROUP"))
        nq_log_warn("index_group_failed", "%s", reply->str);
}

static void on_connected(nq_redis_t *r, void *data)
{
    indexer_t *ix = data;
    ix->pulling = false; /* a call of the old connection was answered NULL */
    nq_redis_command(r, on_group, ix, "XGROUP CREATE %s %s 0 MKSTREAM", NQ_KEY_ACTIVITIES,
                     NQ_GROUP_INDEX);
    ix->reclaim_due = true; /* its own entries of before a restart, once idle long enough */
    ix->more = true;
    go_on(ix);
}

static void on_stored(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *app)
{
    indexer_t *ix = app;
    ix->more = true;
    go_on(ix);
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(ACTIVITY_STORED), on_stored},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

indexer_t *indexer_new(nq_service_t *svc)
{
    if (nq_bus_routes_check(routes, N_ROUTES, ZMQ_SUB, NQ_SVC_CUSTOMERS) != 0)
        return NULL;
    indexer_t *ix = calloc(1, sizeof(*ix));
    if (!ix)
        return NULL;
    ix->svc = svc;
    strcpy(ix->reclaim_cursor, "0-0");
    snprintf(ix->consumer, sizeof(ix->consumer), "%s", nq_service_member(svc));
    const nq_config_t *cfg = &svc->cfg;
    ix->sub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_SUB, cfg->stored_endpoint, NQ_ZSOCK_CONNECT,
                           nq_curve_link(svc->curve, NQ_LINK_STORED), routes, N_ROUTES, ix,
                           (size_t)cfg->max_frame_bytes);
    char name[200];
    snprintf(name, sizeof(name), "%s/index", ix->consumer);
    ix->redis = ix->sub ? nq_service_redis_new(svc, name) : NULL;
    if (!ix->redis) {
        nq_zsock_destroy(&ix->sub);
        free(ix);
        return NULL;
    }
    nq_scripts_attach(ix->redis);
    arwatch_init(&ix->ar, ix->redis);
    if (ctrefresh_start(&ix->refresh, &svc->loop, ix->redis) != 0) {
        nq_redis_destroy(&ix->redis);
        nq_zsock_destroy(&ix->sub);
        free(ix);
        return NULL;
    }
    nq_redis_on_connected(ix->redis, on_connected, ix);
    uv_timer_init(&svc->loop, &ix->tick);
    ix->tick.data = ix;
    uv_timer_start(&ix->tick, on_tick, INDEXER_TICK_MS, INDEXER_TICK_MS);
    nq_log_info("indexer", "consumer %s of group %s, stored %s", ix->consumer, NQ_GROUP_INDEX,
                cfg->stored_endpoint);
    return ix;
}

void indexer_stop(indexer_t *ix)
{
    if (!ix || ix->stopping)
        return;
    ix->stopping = true;
    nq_zsock_destroy(&ix->sub);
    uv_close((uv_handle_t *)&ix->tick, NULL);
    ctrefresh_stop(&ix->refresh);
    nq_redis_destroy(&ix->redis); /* a call still out is answered, then dropped */
    nq_log_info("indexer_stopped",
                "indexed %llu events in %llu log entries, %llu undecodable; refreshed the "
                "follow-ups of %llu contacted customers",
                (unsigned long long)ix->events, (unsigned long long)ix->entries,
                (unsigned long long)ix->poison, (unsigned long long)ix->refresh.refreshed);
}

void indexer_free(indexer_t *ix)
{
    free(ix);
}
