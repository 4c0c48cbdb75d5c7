/* summigrate.c — customers' feedback figures by month, once. See summigrate.h. */
#include "summigrate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neiqin.pb-c.h"
#include "nq/actindex.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/satisf.h"
#include "nq/scripts.h"

#define KEY_MAX 192

/* One month's figures recounted. */
typedef struct month {
    char key[16]; /* "2026-11" */
    nq_satisf_t s;
} month_t;

typedef struct summig {
    nq_redis_t *r;
    char **ids;        /* the customers */
    size_t n, at;      /* how many; the one being looked at */
    int tries;         /* reads of the current one */
    nq_satisf_t total; /* its all-time figures as read */
    nq_satisf_t sum;   /* its events' figures counted */
    month_t *months;   /* ... per month */
    size_t n_months;
    size_t waiting;    /* event reads outstanding */
    bool failed;       /* a read failed */
    size_t rebuilt;    /* customers written */
    size_t unresolved; /* customers left as they were */
} summig_t;

static void next_customer(summig_t *m);

static void summig_free(summig_t *m)
{
    for (size_t i = 0; m->ids && i < m->n; i++)
        free(m->ids[i]);
    free(m->ids);
    free(m->months);
    free(m);
}

/* The figures of month `key`, added if new; NULL when out of memory. */
static nq_satisf_t *month_of(summig_t *m, const char *key)
{
    for (size_t i = 0; i < m->n_months; i++) {
        if (strcmp(m->months[i].key, key) == 0)
            return &m->months[i].s;
    }
    month_t *more = realloc(m->months, (m->n_months + 1) * sizeof(*more));
    if (!more)
        return NULL;
    m->months = more;
    memset(&more[m->n_months], 0, sizeof(*more));
    snprintf(more[m->n_months].key, sizeof(more[0].key), "%s", key);
    return &more[m->n_months++].s;
}

/* Count one stored event (packed Nq__Activity) as the indexer did. */
static void count_event(summig_t *m, const redisReply *v)
{
    Nq__Activity *ev = nq__activity__unpack(NULL, v->len, (const uint8_t *)v->str);
    nq_period_t p;
    nq_satisf_t *s;
    if (!ev || nq_period_of(NQ_PERIOD_MONTH, ev->occurred_at, &p) != 0 ||
        !(s = month_of(m, p.key))) {
        m->failed = true;
    } else {
        int rating = ev->has_rating ? ev->rating : 0, nps = ev->has_nps ? ev->nps : -1;
        nq_satisf_add_feedback(s, rating, nps);
        nq_satisf_add_feedback(&m->sum, rating, nps);
    }
    if (ev)
        nq__activity__free_unpacked(ev, NULL);
}

/* The current customer again (its figures moved), or give it up. */
static void retry(summig_t *m)
{
    if (++m->tries >= SUMMIGRATE_TRIES) {
        nq_log_warn("custsums_layout",
                    "customer %s: its feedback figures keep moving or "
                    "disagree with its events; left as they are",
                    m->ids[m->at]);
        m->unresolved++;
        m->at++;
        m->tries = 0;
    }
    next_customer(m);
}

static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    summig_t *m = data;
    (void)r;
    if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        nq_log_error("custsums_layout", "writing customer %s failed; next connect tries again",
                     m->ids[m->at]);
        summig_free(m);
        return;
    }
    if (reply->integer != 1) {
        retry(m);
        return;
    }
    m->rebuilt++;
    m->at++;
    m->tries = 0;
    next_customer(m);
}

/* Every event read: write the months when they add up to the figures read. */
static void write_months(summig_t *m)
{
    char key[KEY_MAX];
    if (m->failed || !nq_satisf_same(&m->sum, &m->total)) {
        retry(m);
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_key_customer_sums(key, sizeof(key), m->ids[m->at]);
    nq_redis_args_adds(&a, key);
    const nq_satisf_t *t = &m->total;
    const int64_t all[] = {t->rating_sum, t->ratings, t->answers, t->promoters, t->detractors};
    static const char *const names[] = {"rating_sum", "rating_count", "nps_count", "promoters",
                                        "detractors"};
    for (size_t i = 0; i < 5; i++)
        nq_redis_args_addf(&a, "%lld", (long long)all[i]);
    for (size_t k = 0; k < m->n_months; k++) {
        const nq_satisf_t *s = &m->months[k].s;
        const int64_t v[] = {s->rating_sum, s->ratings, s->answers, s->promoters, s->detractors};
        for (size_t i = 0; i < 5; i++) {
            if (v[i] == 0)
                continue; /* the indexer writes a field only when it moves */
            nq_redis_args_addf(&a, "%s|%s", m->months[k].key, names[i]);
            nq_redis_args_addf(&a, "%lld", (long long)v[i]);
        }
    }
    if (nq_script_call_args(m->r, NQ_SCRIPT(CUSTSUMS_MONTHS), on_written, m, 1, &a) != 0) {
        nq_log_error("custsums_layout", "cannot write now; next connect tries again");
        summig_free(m);
    }
    nq_redis_args_free(&a);
}

static void on_event(nq_redis_t *r, redisReply *reply, void *data)
{
    summig_t *m = data;
    (void)r;
    if (reply && reply->type == REDIS_REPLY_STRING)
        count_event(m, reply);
    else
        m->failed = true; /* not stored: its figures cannot be recounted */
    if (--m->waiting == 0)
        write_months(m);
}

/* The customer's timeline: read each feedback event of it. */
static void on_timeline(nq_redis_t *r, redisReply *reply, void *data)
{
    summig_t *m = data;
    char key[KEY_MAX], sp[NQ_ID_MAX + 1], ref[NQ_ACTINDEX_REF_MAX];
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        nq_log_error("custsums_layout", "reading a timeline failed; next connect tries again");
        summig_free(m);
        return;
    }
    m->waiting = 1; /* held while issuing */
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *e = reply->element[i];
        nq_actindex_parts_t parts;
        if (e->type != REDIS_REPLY_STRING || nq_actindex_parse(e->str, e->len, &parts) != 0 ||
            parts.type_len != 8 || memcmp(parts.type, "feedback", 8) != 0 || !parts.salesperson ||
            parts.salesperson_len >= sizeof(sp) || parts.ref_len >= sizeof(ref))
            continue;
        snprintf(sp, sizeof(sp), "%.*s", (int)parts.salesperson_len, parts.salesperson);
        snprintf(ref, sizeof(ref), "%.*s", (int)parts.ref_len, parts.ref);
        nq_key_sp_acts(key, sizeof(key), sp);
        if (nq_redis_command(m->r, on_event, m, "HGET %s %s", key, ref) == 0)
            m->waiting++;
        else
            m->failed = true;
    }
    if (--m->waiting == 0)
        write_months(m);
}

/* The customer's figures: recount them unless the months add up. */
static void on_sums(nq_redis_t *r, redisReply *reply, void *data)
{
    summig_t *m = data;
    char key[KEY_MAX];
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        nq_log_error("custsums_layout", "reading figures failed; next connect tries again");
        summig_free(m);
        return;
    }
    const char **f = calloc(reply->elements + 1, sizeof(*f));
    nq_period_t ever = {.start_ms = INT64_MIN, .end_ms = INT64_MAX};
    nq_satisf_t months;
    for (size_t i = 0; f && i < reply->elements; i++)
        f[i] = reply->element[i]->str ? reply->element[i]->str : "";
    nq_satisf_customer_total(f ? f : NULL, f ? reply->elements : 0, &m->total);
    nq_satisf_customer(f ? f : NULL, f ? reply->elements : 0, &ever, &months);
    free(f);
    if (nq_satisf_same(&months, &m->total)) {
        m->at++;
        m->tries = 0;
        next_customer(m);
        return;
    }
    memset(&m->sum, 0, sizeof(m->sum));
    m->n_months = 0;
    m->failed = false;
    nq_key_customer_timeline(key, sizeof(key), m->ids[m->at]);
    if (nq_redis_command(m->r, on_timeline, m, "ZRANGE %s 0 -1", key) != 0) {
        nq_log_error("custsums_layout", "cannot read a timeline now; next connect tries again");
        summig_free(m);
    }
}

static void on_marked(nq_redis_t *r, redisReply *reply, void *data)
{
    (void)r;
    (void)data;
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        nq_log_error("custsums_layout", "setting the mark failed; next connect tries again");
}

static void next_customer(summig_t *m)
{
    char key[KEY_MAX];
    if (m->at > 0 && m->tries == 0 && m->at % SUMMIGRATE_LOG_EVERY == 0)
        nq_log_info("custsums_layout", "%zu of %zu customers looked at, %zu recounted", m->at, m->n,
                    m->rebuilt);
    if (m->at == m->n) {
        nq_log_info("custsums_layout",
                    "feedback figures by month: %zu customers looked at, %zu recounted, %zu "
                    "left as they were",
                    m->n, m->rebuilt, m->unresolved);
        if (m->unresolved == 0)
            nq_redis_command(m->r, on_marked, NULL, "SET %s %s", NQ_KEY_CUSTSUMS_LAYOUT,
                             NQ_CUSTSUMS_LAYOUT);
        summig_free(m);
        return;
    }
    nq_key_customer_sums(key, sizeof(key), m->ids[m->at]);
    if (nq_redis_command(m->r, on_sums, m, "HGETALL %s", key) != 0) {
        nq_log_error("custsums_layout", "cannot read figures now; next connect tries again");
        summig_free(m);
    }
}

static void on_customers(nq_redis_t *r, redisReply *reply, void *data)
{
    summig_t *m = data;
    (void)r;
    if (!reply || reply->type != REDIS_REPLY_ARRAY ||
        !(m->ids = calloc(reply->elements + 1, sizeof(*m->ids)))) {
        nq_log_error("custsums_layout", "reading the customers failed; next connect tries again");
        summig_free(m);
        return;
    }
    for (size_t i = 0; i < reply->elements; i++) {
        if (!(m->ids[i] = strdup(reply->element[i]->str ? reply->element[i]->str : ""))) {
            summig_free(m);
            return;
        }
        m->n++;
    }
    nq_log_info("custsums_layout", "looking at the feedback figures of %zu customers", m->n);
    next_customer(m);
}

static void on_mark(nq_redis_t *r, redisReply *reply, void *data)
{
    summig_t *m = data;
    if (reply && reply->type == REDIS_REPLY_STRING && strcmp(reply->str, NQ_CUSTSUMS_LAYOUT) == 0) {
        summig_free(m);
        return;
    }
    if (!reply || reply->type == REDIS_REPLY_ERROR ||
        nq_redis_command(r, on_customers, m, "SMEMBERS %s", NQ_KEY_CUSTOMERS) != 0) {
        nq_log_error("custsums_layout", "cannot look at the customers now");
        summig_free(m);
    }
}

void summigrate_start(nq_redis_t *r)
{
    summig_t *m = calloc(1, sizeof(*m));
    if (!m || (m->r = r, nq_redis_command(r, on_mark, m, "GET %s", NQ_KEY_CUSTSUMS_LAYOUT) != 0)) {
        nq_log_error("custsums_layout", "cannot look at the customer figures' layout now");
        free(m);
    }
}
