/* sigread.c — the customer signals' consumer. See sigread.h. */
#include "sigread.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alerting.h"
#include "custsig.h"
#include "followup.h"
#include "logread.h"
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
    logread_t *reader;              /* the group's reads (logread.h) */
    bool full;                      /* the read came back full: read again at once */
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
    logread_done(s->reader, s->full);
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
        const alert_rule_t *rule = alert_rule_find(s->draft.rule);
        char open[300];
        if (custsig_open_member(&s->draft, open, sizeof(open)) != 0)
            a.failed = true;
        alerting_alert_args(&a, s->alert_id, &alert,
                            alert_escalate_due(&s->cfg.rule[rule - alert_rules], s->raised_at,
                                               s->svc->cfg.alert_escalate_unit_ms),
                            open);
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

/* A read's entries [id, [field, value, ...]] (logread.h): parsed, then raised
 * one at a time; false when none is left to look at. */
static bool batch_start(void *arg, const redisReply *entries, bool full, int64_t sent_at)
{
    sigread_t *s = arg;
    s->entries = calloc(entries->elements, sizeof(*s->entries));
    if (!s->entries)
        return false;
    s->full = full;
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

sigread_t *sigread_new(nq_service_t *svc, const alert_config_t *defaults, int64_t recency_ms,
                       sigread_alert_cb cb, void *arg)
{
    static const logread_spec_t spec = {NQ_KEY_CUSTOMER_SIGNALS, NQ_GROUP_ALERTING,
                                        SIGREAD_PULL_ENTRIES, SIGREAD_PULL_ENTRIES,
                                        ALERTING_RECLAIM_ENTRIES};
    sigread_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->svc = svc;
    s->defaults = defaults;
    s->recency_ms = recency_ms;
    s->zone = followup_zone_offset();
    s->cb = cb;
    s->cb_arg = arg;
    s->reader = logread_new(svc, &spec, batch_start, s);
    if (!s->reader) {
        free(s);
        return NULL;
    }
    return s;
}

void sigread_connected(sigread_t *s)
{
    if (!s)
        return;
    nq_redis_ensure_group(redis_of(s), NQ_KEY_CUSTOMER_SIGNALS, NQ_GROUP_ALERTING);
    logread_connected(s->reader); /* sent after the group's creation, on the same connection */
}

void sigread_pull(sigread_t *s)
{
    if (s)
        logread_pull(s->reader);
}

void sigread_reclaim(sigread_t *s)
{
    if (s)
        logread_reclaim(s->reader);
}

void sigread_stop(sigread_t *s)
{
    if (!s || s->stopping)
        return;
    s->stopping = true;
    logread_stop(s->reader);
}

void sigread_free(sigread_t **s)
{
    if (!s || !*s)
        return;
    logread_free(&(*s)->reader);
    free((*s)->entries);
    free(*s);
    *s = NULL;
}
