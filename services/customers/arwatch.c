/* arwatch.c — the overdue=receivable list index, kept by looks. See arwatch.h. */
#include "arwatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artotals.h"
#include "nq/ar_reply.h"
#include "nq/ar_totals.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "orgix.h"

/* One customer's look. */
typedef struct look {
    arwatch_t *w;           /* the watch */
    char id[NQ_ID_MAX + 1]; /* the customer */
    long long n_facts;      /* its facts read */
    bool overdue;           /* an open invoice past due now */
    int64_t next;           /* when the next one falls past due (0 none) */
} look_t;

static void round_done(arwatch_t *w)
{
    if (--w->left > 0)
        return;
    bool again = w->again || (w->full && w->written > 0);
    w->busy = false;
    w->again = false;
    if (again)
        arwatch_run(w);
}

static void on_set(nq_redis_t *r, redisReply *reply, void *data)
{
    look_t *l = data;
    arwatch_t *w = l->w;
    if (reply && reply->type == REDIS_REPLY_INTEGER)
        w->written += reply->integer == 1;
    else if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("ar_overdue_failed", "customer %s: %s", l->id, reply->str);
    free(l);
    round_done(w);
}

/* The totals written (artotals.h): the customer in or out of the index as
 * of now, and its next look; when the facts changed, it stays due. */
static void on_totals(void *data, int rc)
{
    look_t *l = data;
    arwatch_t *w = l->w;
    char facts[160], over[160], cust[160];
    nq_key_customer_ar(facts, sizeof(facts), l->id);
    nq_key_index(over, sizeof(over), orgix_lists[ORG_CUSTOMER].name, "overdue", "receivable");
    nq_key_customer(cust, sizeof(cust), l->id);
    if (rc != 1 ||
        nq_script_callf(w->redis, NQ_SCRIPT(AR_OVERDUE_SET), on_set, l, 4,
                        "%s %s %s %s %s %lld %d %lld", facts, NQ_KEY_AR_DUE, over, cust, l->id,
                        l->n_facts, l->overdue ? 1 : 0, (long long)l->next) != 0) {
        free(l);
        round_done(w);
    }
}

/* The customer's facts: its overdue state as of now, then its totals. */
static void on_facts(nq_redis_t *r, redisReply *reply, void *data)
{
    look_t *l = data;
    arwatch_t *w = l->w;
    nq_ar_t ar;
    int64_t now = nq_now_ms();
    if (!reply || nq_ar_from_reply(reply, now, &ar) != 0) {
        free(l);
        round_done(w);
        return;
    }
    nq_ar_overdue_state(&ar, now, &l->overdue, &l->next);
    int64_t fact = nq_ar_next_fact(&ar, now); /* dated later: the totals move then */
    if (fact && (!l->next || fact < l->next))
        l->next = fact;
    l->n_facts = (long long)(reply->elements / 2);
    int rc = artotals_write(w->redis, l->id, &ar, now, reply->elements / 2, on_totals, l);
    nq_ar_free(&ar);
    if (rc != 0) {
        free(l);
        round_done(w);
    }
}

/* The customers due for a look: read each one's facts. */
static void on_due(nq_redis_t *r, redisReply *reply, void *data)
{
    arwatch_t *w = data;
    w->left = 1; /* held until every read is sent */
    w->written = 0;
    w->full = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements >= ARWATCH_BATCH;
    for (size_t i = 0; reply && reply->type == REDIS_REPLY_ARRAY && i < reply->elements; i++) {
        const redisReply *e = reply->element[i];
        char key[160];
        look_t *l =
            e->type == REDIS_REPLY_STRING && nq_valid_id(e->str) ? malloc(sizeof(*l)) : NULL;
        if (!l)
            continue;
        l->w = w;
        snprintf(l->id, sizeof(l->id), "%s", e->str);
        nq_key_customer_ar(key, sizeof(key), l->id);
        if (nq_redis_command(w->redis, on_facts, l, "HGETALL %s", key) == 0)
            w->left++;
        else
            free(l);
    }
    round_done(w);
}

void arwatch_init(arwatch_t *w, nq_redis_t *redis)
{
    memset(w, 0, sizeof(*w));
    w->redis = redis;
}

static void on_fill(nq_redis_t *r, redisReply *reply, void *data)
{
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("ar_totals_fill_failed", "%s", reply->str);
}

void arwatch_run(arwatch_t *w)
{
    if (w->busy) {
        w->again = true;
        return;
    }
    /* the totals' mark first (one GET once ready): the round sees a fill's looks */
    nq_script_callf(w->redis, NQ_SCRIPT(AR_TOTALS_FILL), on_fill, NULL, 3, "%s %s %s %lld",
                    NQ_KEY_AR_TOTALS, NQ_KEY_AR_CUSTOMERS, NQ_KEY_AR_DUE, (long long)nq_now_ms());
    if (nq_redis_command(w->redis, on_due, w, "ZRANGEBYSCORE %s -inf %lld LIMIT 0 %d",
                         NQ_KEY_AR_DUE, (long long)nq_now_ms(), ARWATCH_BATCH) == 0)
        w->busy = true;
}
