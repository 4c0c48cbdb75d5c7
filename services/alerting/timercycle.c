/* timercycle.c — the timer deadlines' own reader of the log. See timercycle.h. */
#include "timercycle.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"
#include "alerting.h"
#include "logread.h"
#include "timergroup.h"
#include "timermerge.h"
#include "timerules.h"

struct timercycle {
    nq_service_t *svc;              /* shared process state */
    const alert_config_t *defaults; /* company defaults of every rule */
    timers_t *timers;               /* where the deadlines are stored */
    int64_t zone;                   /* local midnight's offset from UTC's, ms */
    logread_t *reader;              /* the group's reads */
    bool stopping;                  /* stop hook ran */
    char last_delivered[64];        /* group "alerting"'s, while the group is made ("" none) */
    uint64_t cycles, entries;       /* since the last report */
    uint64_t changes, kept;         /* timer changes planned, and left once folded */
    int64_t ms;                     /* time in cycles */
    void (*on_ready)(void *arg);    /* the group exists: the caller's own reads may start */
    void *ready_arg;                /* its argument */
};

/* A salesperson of the batch. */
typedef struct tperson {
    const char *id;     /* borrowed from an event */
    alert_config_t cfg; /* the team's settings (or the defaults) */
} tperson_t;

/* One cycle: entries read, deadlines stored, entries acknowledged. */
typedef struct tcycle {
    timercycle_t *tc;        /* owner */
    nq_actlog_batch_t log;   /* the log entries, decoded */
    tperson_t *people;       /* distinct salespeople of timer events */
    size_t n_people, cap;    /* how many, room */
    timer_change_t *changes; /* what the events do to the deadlines */
    size_t n_changes, changes_cap;
    size_t applied;  /* changes stored so far (chunk by chunk) */
    bool full;       /* the read came back full */
    int64_t started; /* ms */
} tcycle_t;

#define FOR_EACH_EVENT(c, ev)                                                                      \
    for (size_t e_ = 0; e_ < (c)->log.n; e_++)                                                     \
        for (size_t k_ = 0;                                                                        \
             k_ < (c)->log.entries[e_].n && ((ev) = (c)->log.entries[e_].events[k_]); k_++)

static void tcycle_end(tcycle_t *c)
{
    timercycle_t *tc = c->tc;
    tc->cycles++;
    tc->entries += c->log.n;
    tc->ms += nq_now_ms() - c->started;
    bool again = c->full;
    free(c->people);
    free(c->changes);
    nq_actlog_batch_free(&c->log);
    free(c);
    logread_done(tc->reader, again);
}

static const tperson_t *person_of(const tcycle_t *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_people; i++) {
        if (strcmp(c->people[i].id, id) == 0)
            return &c->people[i];
    }
    return NULL;
}

/* ---- 3. acknowledge ------------------------------------------------------- */

static void on_acked(nq_redis_t *r, redisReply *reply, void *data)
{
    tcycle_t *c = data;
    if (!reply || reply->type != REDIS_REPLY_INTEGER)
        nq_log_warn("timers_deferred", "%zu entries stay pending: %s", c->log.n,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
    tcycle_end(c);
}

static void tcycle_ack(tcycle_t *c)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "XACK");
    nq_redis_args_adds(&a, NQ_KEY_ACTIVITIES);
    nq_redis_args_adds(&a, NQ_GROUP_ALERT_TIMERS);
    for (size_t i = 0; i < c->log.n; i++)
        nq_redis_args_adds(&a, c->log.ids[i]);
    int rc = a.failed ? -1 : nq_redis_command_args(c->tc->svc->redis, on_acked, c, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        on_acked(NULL, NULL, c);
}

/* ---- 2. plan and store ---------------------------------------------------- */

static void apply_next(tcycle_t *c);

static void on_applied(void *arg, bool ok)
{
    tcycle_t *c = arg;
    if (!ok || c->tc->stopping) {
        if (!ok)
            nq_log_warn("timers_deferred", "%zu entries stay pending: deadlines not stored",
                        c->log.n);
        tcycle_end(c);
        return;
    }
    if (c->applied < c->n_changes)
        apply_next(c);
    else
        tcycle_ack(c);
}

/* The next TIMERCYCLE_CHUNK changes, after the previous ones were stored: the
 * Redis calls of the alert rules' cycle (on the same connection) get in
 * between rather than waiting behind one long script. */
static void apply_next(tcycle_t *c)
{
    size_t n = c->n_changes - c->applied;
    if (n > TIMERCYCLE_CHUNK)
        n = TIMERCYCLE_CHUNK;
    const timer_change_t *from = c->changes + c->applied;
    c->applied += n;
    timers_apply(c->tc->timers, from, n, on_applied, c);
}

static int plan(tcycle_t *c)
{
    Nq__Activity *ev;
    int rc = 0;
    FOR_EACH_EVENT(c, ev)
    {
        if (rc != 0 || !timer_type_watched(ev->type))
            continue;
        const tperson_t *who = person_of(c, ev->salesperson_id);
        timer_plan_t p[TIMER_PLANS_MAX];
        size_t n = timer_plan_event(ev, who ? &who->cfg : c->tc->defaults, c->tc->zone, p);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            rc = alerting_grow((void **)&c->changes, c->n_changes, &c->changes_cap,
                               sizeof(*c->changes));
            if (rc == 0)
                c->changes[c->n_changes++] = (timer_change_t){p[i], ev};
        }
    }
    return rc;
}

static void tcycle_store(tcycle_t *c)
{
    if (plan(c) != 0) {
        nq_log_warn("timers_deferred", "%zu entries stay pending: out of memory", c->log.n);
        tcycle_end(c);
        return;
    }
    long kept = timer_changes_merge(c->changes, c->n_changes);
    c->tc->changes += c->n_changes;
    if (kept >= 0)
        c->n_changes = (size_t)kept;
    c->tc->kept += c->n_changes;
    if (c->n_changes == 0)
        tcycle_ack(c);
    else
        apply_next(c);
}

/* ---- 1. the salespeople's teams ------------------------------------------- */

/* ALERT_CONTEXT reply: [prices (none asked), [name, team per person], [team, overrides, ...]]. */
static void on_context(nq_redis_t *r, redisReply *reply, void *data)
{
    tcycle_t *c = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[1]->type != REDIS_REPLY_ARRAY ||
        reply->element[1]->elements != 2 * c->n_people) {
        nq_log_warn("timers_deferred", "%zu entries stay pending: %s", c->log.n,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
        tcycle_end(c);
        return;
    }
    for (size_t i = 0; i < c->n_people; i++) {
        const redisReply *team = reply->element[1]->element[2 * i + 1];
        alerting_team_config(&c->people[i].cfg, c->tc->defaults, reply->element[2],
                             team->type == REDIS_REPLY_STRING ? team->str : "");
    }
    tcycle_store(c);
}

static void tcycle_context(tcycle_t *c)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[128];
    nq_redis_args_adds(&a, NQ_KEY_ALERT_RULES);
    nq_redis_args_adds(&a, NQ_KEY_ALERT_PRICES);
    for (size_t i = 0; i < c->n_people; i++) {
        nq_key_salesperson(key, sizeof(key), c->people[i].id);
        nq_redis_args_adds(&a, key);
    }
    int rc = a.failed ? -1
                      : nq_script_call_args(c->tc->svc->redis, NQ_SCRIPT(ALERT_CONTEXT), on_context,
                                            c, a.argc, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        on_context(NULL, NULL, c);
}

/* The distinct salespeople of events that move deadlines; false: none such. */
static int collect(tcycle_t *c, bool *watched)
{
    *watched = false;
    Nq__Activity *ev;
    FOR_EACH_EVENT(c, ev)
    {
        if (!timer_type_watched(ev->type))
            continue;
        *watched = true;
        if (!ev->salesperson_id || person_of(c, ev->salesperson_id))
            continue;
        if (alerting_grow((void **)&c->people, c->n_people, &c->cap, sizeof(*c->people)) != 0)
            return -1;
        c->people[c->n_people++] = (tperson_t){.id = ev->salesperson_id};
    }
    return 0;
}

static bool on_batch(void *arg, const redisReply *entries, bool full, int64_t sent_at)
{
    timercycle_t *tc = arg;
    tcycle_t *c = calloc(1, sizeof(*c));
    if (!c)
        return false;
    c->tc = tc;
    c->full = full;
    c->started = sent_at;
    bool watched = false;
    /* A poison entry (or one deleted from the log) moves nothing: acknowledged. */
    if (nq_actlog_batch_take(&c->log, entries, "no timer moved") != 0 || c->log.n == 0 ||
        collect(c, &watched) != 0) {
        free(c->people);
        nq_actlog_batch_free(&c->log);
        free(c);
        return false;
    }
    if (watched)
        tcycle_context(c);
    else
        tcycle_ack(c); /* nothing moves a deadline: acknowledge only */
    return true;
}

/* ---- the group ------------------------------------------------------------ */

static void on_group(nq_redis_t *r, redisReply *reply, void *data)
{
    timercycle_t *tc = data;
    if (reply && reply->type == REDIS_REPLY_ERROR && strncmp(reply->str, "BUSYGROUP", 9) != 0) {
        nq_log_error("group_failed", "%s: %s; no group reads until the next connection",
                     NQ_GROUP_ALERT_TIMERS, reply->str);
        return; /* "alerting" is not made either: it would run ahead of the deadlines */
    }
    if (!reply)
        return;
    logread_connected(tc->reader);
    tc->on_ready(tc->ready_arg);
}

/* XPENDING <log> alerting summary: [count, oldest, newest, consumers]. */
static void on_pending(nq_redis_t *r, redisReply *reply, void *data)
{
    timercycle_t *tc = data;
    const char *oldest = NULL;
    if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 4 &&
        reply->element[1]->type == REDIS_REPLY_STRING)
        oldest = reply->element[1]->str;
    else if (!reply)
        return; /* Redis gone: the next connection tries again */
    char start[64];
    if (timer_group_start(*tc->last_delivered ? tc->last_delivered : NULL, oldest, start,
                          sizeof(start)) != 0) {
        nq_log_warn("group_failed", "%s: group %s's ids do not read", NQ_GROUP_ALERT_TIMERS,
                    NQ_GROUP_ALERTING);
        return;
    }
    if (*tc->last_delivered)
        nq_log_info("group_start", "%s from %s (group %s delivered %s, oldest pending %s)",
                    NQ_GROUP_ALERT_TIMERS, start, NQ_GROUP_ALERTING, tc->last_delivered,
                    oldest ? oldest : "none");
    nq_redis_command(r, on_group, tc, "XGROUP CREATE %s %s %s MKSTREAM", NQ_KEY_ACTIVITIES,
                     NQ_GROUP_ALERT_TIMERS, start);
}

/* XINFO GROUPS <log>: the "alerting" group's last-delivered id, if it exists. */
static void on_groups(nq_redis_t *r, redisReply *reply, void *data)
{
    timercycle_t *tc = data;
    *tc->last_delivered = '\0';
    bool ours = false, alerting = false;
    for (size_t g = 0; reply && reply->type == REDIS_REPLY_ARRAY && g < reply->elements; g++) {
        const redisReply *grp = reply->element[g];
        const char *name = NULL, *last = NULL;
        for (size_t i = 0; grp->type == REDIS_REPLY_ARRAY && i + 1 < grp->elements; i += 2) {
            const char *f = grp->element[i]->str, *v = grp->element[i + 1]->str;
            if (f && v && strcmp(f, "name") == 0)
                name = v;
            else if (f && v && strcmp(f, "last-delivered-id") == 0)
                last = v;
        }
        ours = ours || (name && strcmp(name, NQ_GROUP_ALERT_TIMERS) == 0);
        if (name && last && strcmp(name, NQ_GROUP_ALERTING) == 0) {
            alerting = true;
            snprintf(tc->last_delivered, sizeof(tc->last_delivered), "%s", last);
        }
    }
    if (!reply)
        return;
    if (ours || !alerting) { /* exists already, or a new log / no "alerting": from "0" */
        nq_redis_command(r, on_group, tc, "XGROUP CREATE %s %s 0 MKSTREAM", NQ_KEY_ACTIVITIES,
                         NQ_GROUP_ALERT_TIMERS);
        return;
    }
    nq_redis_command(r, on_pending, tc, "XPENDING %s %s", NQ_KEY_ACTIVITIES, NQ_GROUP_ALERTING);
}

timercycle_t *timercycle_new(nq_service_t *svc, const alert_config_t *defaults, timers_t *timers,
                             int64_t zone, void (*on_ready)(void *arg), void *arg)
{
    timercycle_t *tc = calloc(1, sizeof(*tc));
    if (!tc)
        return NULL;
    tc->svc = svc;
    tc->defaults = defaults;
    tc->timers = timers;
    tc->zone = zone;
    tc->on_ready = on_ready;
    tc->ready_arg = arg;
    static const logread_spec_t log = {NQ_KEY_ACTIVITIES, NQ_GROUP_ALERT_TIMERS,
                                       ALERTING_PULL_ENTRIES, ALERTING_PULL_MAX,
                                       ALERTING_RECLAIM_ENTRIES};
    tc->reader = logread_new(svc, &log, on_batch, tc);
    if (!tc->reader) {
        free(tc);
        return NULL;
    }
    return tc;
}

void timercycle_connected(timercycle_t *tc)
{
    logread_hold(tc->reader);
    /* "alerting" is made only once this group is (on_ready), so another
     * replica starting meanwhile never sees "alerting" without it. XINFO on a
     * missing log is an error: "0". */
    nq_redis_command(tc->svc->redis, on_groups, tc, "XINFO GROUPS %s", NQ_KEY_ACTIVITIES);
}

void timercycle_pull(timercycle_t *tc)
{
    logread_pull(tc->reader);
}

void timercycle_reclaim(timercycle_t *tc)
{
    logread_reclaim(tc->reader);
}

void timercycle_report(timercycle_t *tc)
{
    if (tc->cycles == 0)
        return;
    nq_log_info("timer_stats",
                "%" PRIu64 " cycles, %.1f entries each, %.1f ms each; %" PRIu64
                " timer changes, %" PRIu64 " once folded",
                tc->cycles, (double)tc->entries / (double)tc->cycles,
                (double)tc->ms / (double)tc->cycles, tc->changes, tc->kept);
    tc->cycles = tc->entries = tc->changes = tc->kept = 0;
    tc->ms = 0;
}

void timercycle_stop(timercycle_t *tc)
{
    if (!tc)
        return;
    tc->stopping = true;
    logread_stop(tc->reader);
}

void timercycle_free(timercycle_t **tc)
{
    if (!*tc)
        return;
    logread_free(&(*tc)->reader);
    free(*tc);
    *tc = NULL;
}
