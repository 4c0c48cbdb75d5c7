/* sigread.c — the customer signals' consumer. See sigread.h. */
#include "sigread.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alerting.h"
#include "custsig.h"
#include "followup.h"
#include "nq/actlog.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"

#define SIGREAD_FIELDS_MAX 32 /* field/value strings of an entry looked at */

/* One entry of a read. */
typedef struct entry {
    char id[64];   /* its stream id */
    bool ok;       /* a signal of a known kind */
    custsig_t sig; /* as parsed */
} entry_t;

struct sigread {
    nq_service_t *svc;              /* shared process state */
    const alert_config_t *defaults; /* company defaults (borrowed) */
    int64_t recency_ms;             /* credit flags: only orders this recent */
    int64_t zone;                   /* local midnight's offset from UTC's, ms */
    sigread_alert_cb cb;            /* told of each alert raised */
    void *cb_arg;                   /* its argument */
    uv_timer_t poll;                /* reads once in a while */
    uv_timer_t reclaim;             /* takes over entries of dead replicas */
    char cursor[64];                /* XAUTOCLAIM position */
    bool busy;                      /* a read or an entry is in flight */
    bool own_pending;               /* read own pending entries first */
    bool reclaim_due;               /* the reclaim timer fired */
    bool full;                      /* the last read came back full: read again at once */
    bool stopping;                  /* sigread_stop ran */
    entry_t *entries;               /* the read's entries */
    size_t n, i;                    /* how many, which one now */
    /* the entry in hand */
    char team[72];       /* the salesperson's team now */
    alert_config_t cfg;  /* its settings */
    alert_draft_t draft; /* what it raises */
    alert_names_t names; /* for the titles */
    char alert_id[40];   /* given when raised */
    int64_t raised_at;   /* when */
};

static void pull(sigread_t *s);
static void entry_next(sigread_t *s);

static nq_redis_t *redis_of(const sigread_t *s)
{
    return s->svc->redis;
}

static void copy_reply(char *dst, size_t len, const redisReply *r)
{
    snprintf(dst, len, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "");
}

/* The read is through (or given up: its entries stay pending). */
static void batch_end(sigread_t *s)
{
    free(s->entries);
    s->entries = NULL;
    s->n = s->i = 0;
    s->busy = false;
    if (s->full && !s->stopping) {
        s->full = false;
        pull(s);
    }
}

/* Given up on the entry in hand: it stays pending (reclaimed later), the read ends. */
static void entry_deferred(sigread_t *s, const char *why)
{
    nq_log_warn("signal_deferred", "%s stays pending: %s", s->entries[s->i].id, why);
    batch_end(s);
}

/* ---- raise (and acknowledge) ---------------------------------------------- */

static void on_raised(nq_redis_t *r, redisReply *reply, void *data)
{
    sigread_t *s = data;
    bool ok = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 1 &&
              reply->element[0]->type == REDIS_REPLY_STRING &&
              strcmp(reply->element[0]->str, "ok") == 0;
    if (!ok || s->stopping) {
        entry_deferred(s, reply && reply->type == REDIS_REPLY_ERROR ? reply->str
                                                                    : "Redis unavailable");
        return;
    }
    if (reply->elements == 2 && reply->element[1]->integer == 1) {
        Nq__Alert alert = NQ__ALERT__INIT;
        alert_draft_to_proto(&s->draft, &s->names, s->team, s->raised_at, &alert);
        alert.id = s->alert_id;
        nq_log_info("alert_raised", "%s %s: %s", s->alert_id, s->draft.rule, s->draft.title_en);
        if (strcmp(s->draft.rule, "credit_limit") == 0)
            nq_redis_command(redis_of(s), NULL, NULL, "HSET %s credit_limit|%s/%s %s",
                             NQ_KEY_ALERT_TIMER_OPEN, s->draft.customer_id, s->draft.window,
                             s->alert_id);
        if (s->cb)
            s->cb(s->cb_arg, &alert);
    }
    s->i++;
    entry_next(s);
}

/* alert_raise of the draft (when `fires`) and the XACK of the entry. */
static void raise_entry(sigread_t *s, bool fires)
{
    const entry_t *e = &s->entries[s->i];
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    s->raised_at = nq_now_ms();
    alerting_raise_keys_of(&a, NQ_KEY_CUSTOMER_SIGNALS);
    if (fires)
        alerting_alert_keys(&a, &s->draft, s->team, s->alert_id, sizeof(s->alert_id), s->raised_at);
    size_t nkeys = a.argc;
    nq_redis_args_adds(&a, NQ_GROUP_ALERTING);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_SEEN_TTL_S);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_STREAM_MAXLEN);
    nq_redis_args_adds(&a, "1");
    nq_redis_args_adds(&a, e->id);
    nq_redis_args_adds(&a, "0"); /* no prices */
    if (fires) {
        Nq__Alert alert = NQ__ALERT__INIT;
        alert_draft_to_proto(&s->draft, &s->names, s->team, s->raised_at, &alert);
        size_t len = nq__alert__get_packed_size(&alert);
        uint8_t *buf = malloc(len ? len : 1);
        if (buf) {
            nq__alert__pack(&alert, buf);
            nq_redis_args_adds(&a, s->alert_id);
            nq_redis_args_add(&a, buf, len);
            free(buf);
        } else {
            a.failed = true;
        }
        const alert_rule_t *rule = alert_rule_find(s->draft.rule);
        nq_redis_args_addf(&a, "%" PRId64,
                           alert_escalate_due(&s->cfg.rule[rule - alert_rules], s->raised_at,
                                              s->svc->cfg.alert_escalate_unit_ms));
    }
    int rc = a.failed ? -1
                      : nq_script_call_args(redis_of(s), NQ_SCRIPT(ALERT_RAISE), on_raised, s,
                                            nkeys, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        entry_deferred(s, "Redis unavailable");
}

/* ALERT_NAMES reply: [customer name, team name]. */
static void on_names(nq_redis_t *r, redisReply *reply, void *data)
{
    sigread_t *s = data;
    bool listed = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2;
    copy_reply(s->names.customer, sizeof(s->names.customer), listed ? reply->element[0] : NULL);
    copy_reply(s->names.team, sizeof(s->names.team), listed ? reply->element[1] : NULL);
    s->entries[s->i].sig.rule->describe(&s->draft, &s->names);
    raise_entry(s, true);
}

/* ALERT_CONTEXT reply: [prices, [name, team], [team, overrides, ...]]. */
static void on_context(nq_redis_t *r, redisReply *reply, void *data)
{
    sigread_t *s = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[1]->type != REDIS_REPLY_ARRAY || reply->element[1]->elements != 2) {
        entry_deferred(s, reply && reply->type == REDIS_REPLY_ERROR ? reply->str
                                                                    : "Redis unavailable");
        return;
    }
    const custsig_t *sig = &s->entries[s->i].sig;
    copy_reply(s->names.salesperson, sizeof(s->names.salesperson), reply->element[1]->element[0]);
    copy_reply(s->team, sizeof(s->team), reply->element[1]->element[1]);
    if (!*s->team)
        snprintf(s->team, sizeof(s->team), "%s", sig->team_id);
    alerting_team_config(&s->cfg, s->defaults, reply->element[2], s->team);
    int k = (int)(sig->rule - alert_rules);
    if (!custsig_draft(sig, &s->cfg.rule[k], s->recency_ms, nq_now_ms(), s->zone, &s->draft)) {
        raise_entry(s, false); /* only acknowledged */
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[160];
    nq_key_customer(key, sizeof(key), s->draft.customer_id);
    nq_redis_args_adds(&a, key);
    nq_key_team(key, sizeof(key), *s->team ? s->team : "-");
    nq_redis_args_adds(&a, key);
    if (a.failed ||
        nq_script_call_args(redis_of(s), NQ_SCRIPT(ALERT_NAMES), on_names, s, a.argc, &a) != 0)
        on_names(NULL, NULL, s);
    nq_redis_args_free(&a);
}

static void entry_next(sigread_t *s)
{
    if (s->stopping || s->i >= s->n) {
        batch_end(s);
        return;
    }
    memset(&s->names, 0, sizeof(s->names));
    s->team[0] = '\0';
    const entry_t *e = &s->entries[s->i];
    if (!e->ok) {
        raise_entry(s, false); /* not a signal: acknowledged */
        return;
    }
    char key[128];
    nq_key_salesperson(key, sizeof(key), e->sig.salesperson_id);
    if (nq_script_callf(redis_of(s), NQ_SCRIPT(ALERT_CONTEXT), on_context, s, 3, "%s %s %s",
                        NQ_KEY_ALERT_RULES, NQ_KEY_ALERT_PRICES, key) != 0)
        entry_deferred(s, "Redis unavailable");
}

/* ---- reading ---------------------------------------------------------------- */

/* Take the entries [id, [field, value, ...]] of a read; false when none. */
static bool batch_start(sigread_t *s, const redisReply *entries, size_t full)
{
    if (!entries || entries->type != REDIS_REPLY_ARRAY || entries->elements == 0)
        return false;
    s->entries = calloc(entries->elements, sizeof(*s->entries));
    if (!s->entries)
        return false;
    s->full = entries->elements >= full;
    for (size_t i = 0; i < entries->elements; i++) {
        const redisReply *row = entries->element[i];
        if (row->type != REDIS_REPLY_ARRAY || row->elements != 2 ||
            row->element[0]->type != REDIS_REPLY_STRING)
            continue; /* an entry deleted meanwhile (XAUTOCLAIM): nothing to ack */
        entry_t *e = &s->entries[s->n++];
        snprintf(e->id, sizeof(e->id), "%s", row->element[0]->str);
        const redisReply *f = row->element[1];
        const char *fv[SIGREAD_FIELDS_MAX];
        size_t n = 0;
        for (size_t j = 0;
             f->type == REDIS_REPLY_ARRAY && j < f->elements && n < SIGREAD_FIELDS_MAX; j++)
            fv[n++] = f->element[j]->type == REDIS_REPLY_STRING ? f->element[j]->str : NULL;
        const char *why = NULL;
        e->ok = custsig_parse(&e->sig, fv, n, &why) == 0;
        if (!e->ok)
            nq_log_warn("signal_ignored", "%s: %s (no alert raised)", e->id, why);
    }
    if (s->n == 0) {
        free(s->entries);
        s->entries = NULL;
        return false;
    }
    s->i = 0;
    entry_next(s);
    return true;
}

/* XREADGROUP reply: [[stream, [entries]]], or nil. */
static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    sigread_t *s = data;
    const redisReply *entries = nq_redis_stream_entries(reply);
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("signal_read_failed", "%s", reply->str);
    bool own = s->own_pending;
    if (own && reply && reply->type != REDIS_REPLY_ERROR &&
        (!entries || entries->elements < SIGREAD_PULL_ENTRIES))
        s->own_pending = false; /* the rest of them come by reclaim */
    if (!s->stopping && batch_start(s, entries, SIGREAD_PULL_ENTRIES))
        return;
    s->busy = false;
    if (own && !s->own_pending && !s->stopping)
        pull(s); /* now the new ones */
}

/* XAUTOCLAIM reply: [next cursor, [entries], [deleted ids]]. */
static void on_reclaimed(nq_redis_t *r, redisReply *reply, void *data)
{
    sigread_t *s = data;
    const redisReply *entries = nq_actlog_claimed(reply, s->cursor, sizeof(s->cursor));
    if (entries && entries->elements > 0)
        nq_log_info("signals_reclaimed", "took over %zu signals left pending", entries->elements);
    if (!s->stopping && batch_start(s, entries, 1))
        return;
    s->busy = false;
}

static void pull(sigread_t *s)
{
    if (s->stopping || s->busy)
        return;
    const char *me = nq_service_member(s->svc);
    int rc;
    if (s->reclaim_due) {
        s->reclaim_due = false;
        rc = nq_redis_command(redis_of(s), on_reclaimed, s, "XAUTOCLAIM %s %s %s %d %s COUNT %d",
                              NQ_KEY_CUSTOMER_SIGNALS, NQ_GROUP_ALERTING, me,
                              ALERTING_RECLAIM_IDLE_MS, s->cursor, ALERTING_RECLAIM_ENTRIES);
    } else {
        rc = nq_redis_command(redis_of(s), on_read, s,
                              "XREADGROUP GROUP %s %s COUNT %d STREAMS %s %s", NQ_GROUP_ALERTING,
                              me, SIGREAD_PULL_ENTRIES, NQ_KEY_CUSTOMER_SIGNALS,
                              s->own_pending ? "0" : ">");
    }
    if (rc == 0)
        s->busy = true;
}

static void on_poll(uv_timer_t *t)
{
    pull(t->data);
}

static void on_reclaim(uv_timer_t *t)
{
    sigread_t *s = t->data;
    s->reclaim_due = true;
    pull(s);
}

sigread_t *sigread_new(nq_service_t *svc, const alert_config_t *defaults, int64_t recency_ms,
                       sigread_alert_cb cb, void *arg)
{
    sigread_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->svc = svc;
    s->defaults = defaults;
    s->recency_ms = recency_ms;
    s->zone = followup_zone_offset();
    s->cb = cb;
    s->cb_arg = arg;
    strcpy(s->cursor, "0-0");
    uv_timer_init(&svc->loop, &s->poll);
    uv_timer_init(&svc->loop, &s->reclaim);
    s->poll.data = s->reclaim.data = s;
    uv_timer_start(&s->poll, on_poll, ALERTING_POLL_MS, ALERTING_POLL_MS);
    uv_timer_start(&s->reclaim, on_reclaim, ALERTING_RECLAIM_MS, ALERTING_RECLAIM_MS);
    return s;
}

void sigread_connected(sigread_t *s)
{
    if (!s)
        return;
    nq_redis_ensure_group(redis_of(s), NQ_KEY_CUSTOMER_SIGNALS, NQ_GROUP_ALERTING);
    s->own_pending = true; /* a call in flight was answered NULL: its read ended */
    pull(s);
}

void sigread_stop(sigread_t *s)
{
    if (!s || s->stopping)
        return;
    s->stopping = true;
    uv_close((uv_handle_t *)&s->poll, NULL);
    uv_close((uv_handle_t *)&s->reclaim, NULL);
}

void sigread_free(sigread_t **s)
{
    if (!s || !*s)
        return;
    free((*s)->entries);
    free(*s);
    *s = NULL;
}
