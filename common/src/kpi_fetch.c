/* kpi_fetch.c — reading KPI counters and targets from Redis. See nq/kpi_fetch.h. */
#include "nq/kpi_fetch.h"

#include <stdlib.h>
#include <string.h>

#include "nq/ar_reply.h"
#include "nq/keys.h"
#include "nq/keyset.h"
#include "nq/period.h"
#include "nq/scripts.h"

void nq_targets_from_reply(const redisReply *reply, double target[NQ_METRIC_COUNT],
                           bool has[NQ_METRIC_COUNT])
{
    nq_targets_t t;
    nq_targets_clear(&t);
    for (size_t i = 0; reply && reply->type == REDIS_REPLY_ARRAY && i + 1 < reply->elements; i += 2)
        nq_targets_set_field(&t, reply->element[i]->str, reply->element[i + 1]->str);
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        if (t.source[m] == NQ_TARGET_SET) { /* a stored 0 is no target */
            has[m] = true;
            target[m] = t.value[m];
        }
    }
}

/* ---- read path ------------------------------------------------------------ */

#define MAX_HASH_FIELDS 64

typedef struct fetch_req {
    nq_kpi_fetch_cb cb;     /* caller's callback */
    void *data;             /* its argument */
    nq_kpi_values_t values; /* filled by the replies */
    int waiting;            /* replies outstanding */
    bool failed;            /* a reply was missing or wrong */
    nq_kpi_state_t state;   /* the state counters' figures, set into values at the end */
    int64_t state_at;       /* the instant they are read for */
    nq_redis_t *redis;      /* for the reads the state's first reply leads to */
    char sp[NQ_ID_MAX + 1]; /* the salesperson */
    int n_parts;            /* the stored periods read */
    nq_period_t parts[];    /* them (the invoiced amounts of the DSO) */
} fetch_req_t;

static void fetch_done(fetch_req_t *req)
{
    if (--req->waiting > 0)
        return;
    if (!req->failed)
        nq_kpi_state_set(&req->values, &req->state);
    else
        memset(&req->values, 0, sizeof(req->values));
    req->cb(req->failed ? -1 : 0, &req->values, req->data);
    free(req);
}

/* `out` from an HGETALL reply of a KPI hash; 0, or -1 (out zero). */
static int kpi_from_reply(const redisReply *reply, nq_kpi_values_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements > 2 * MAX_HASH_FIELDS)
        return -1;
    const char *fields[2 * MAX_HASH_FIELDS];
    for (size_t i = 0; i < reply->elements; i++)
        fields[i] = reply->element[i]->str ? reply->element[i]->str : "";
    return nq_kpi_from_fields(fields, reply->elements, out);
}

/* One of the period's KPI hashes: added to the others. */
static void on_hgetall(nq_redis_t *r, redisReply *reply, void *data)
{
    fetch_req_t *req = data;
    nq_kpi_values_t hash;
    req->failed |= kpi_from_reply(reply, &hash) != 0;
    for (int i = 0; i < NQ_KPI_HASH_COUNT; i++)
        req->values.v[i] += hash.v[i];
    fetch_done(req);
}

/* ---- set counters: coverage and on-time completion ----------------------- */

/* Where a set counters reply goes. */
typedef void (*sets_fn)(fetch_req_t *req, const redisReply *reply);

typedef struct sets_slot {
    fetch_req_t *req; /* the fetch */
    sets_fn fill;     /* what the reply fills in */
} sets_slot_t;

static void on_sets(nq_redis_t *r, redisReply *reply, void *data)
{
    sets_slot_t *slot = data;
    fetch_req_t *req = slot->req;
    if (reply && reply->type == REDIS_REPLY_ARRAY)
        slot->fill(req, reply);
    else
        req->failed = true;
    free(slot);
    fetch_done(req);
}

/* Call read-only script `s` with the nkeys keys and the arguments of `a`;
 * `fill` reads its reply. */
static int issue_sets(fetch_req_t *req, nq_redis_t *r, const nq_script_t *s, size_t nkeys,
                      const nq_redis_args_t *a, sets_fn fill)
{
    sets_slot_t *slot = a->failed ? NULL : malloc(sizeof(*slot));
    if (!slot)
        return -1;
    *slot = (sets_slot_t){req, fill};
    int rc = nq_script_call_args(r, s, on_sets, slot, nkeys, a);
    if (rc != 0)
        free(slot);
    return rc;
}

/* The keys of a set read: the salesperson's key `first` (and `second`, when
 * not NULL), then the per-part keys of `family`. Returns how many. */
static size_t script_keys(nq_redis_args_t *a, const char *first, const char *second,
                          int (*family)(char *, size_t, const char *, const nq_period_t *),
                          const char *salesperson_id, const nq_period_t *parts, int n_parts)
{
    nq_redis_args_init(a);
    nq_redis_args_adds(a, first);
    if (second)
        nq_redis_args_adds(a, second);
    for (int i = 0; i < n_parts; i++) {
        char key[256];
        if (family(key, sizeof(key), salesperson_id, &parts[i]) < 0)
            a->failed = true;
        nq_redis_args_adds(a, key);
    }
    return (size_t)n_parts + 1 + (second != NULL);
}

/* Integer element i of an array reply, or -1. */
static long long int_at(const redisReply *reply, size_t i)
{
    return i < reply->elements && reply->element[i]->type == REDIS_REPLY_INTEGER
               ? reply->element[i]->integer
               : -1;
}

/* The coverage facts (common/lua/keyset_at_end.lua): key customers at the period's
 * end and how many of them were visited. */
static void fill_coverage(fetch_req_t *req, const redisReply *reply)
{
    size_t n = reply->elements >= 2 ? (reply->elements - 2) / 3 : 0;
    nq_keyset_change_t *changes = calloc(n + 1, sizeof(*changes));
    bool ok =
        changes && reply->elements == 2 + 3 * n && int_at(reply, 0) >= 0 && int_at(reply, 1) >= 0;
    for (size_t i = 0; ok && i < n; i++) {
        const redisReply *m = reply->element[2 + 3 * i];
        ok = m->type == REDIS_REPLY_STRING && nq_keyset_parse(m->str, m->len, &changes[i]) == 0 &&
             int_at(reply, 3 + 3 * i) >= 0 && int_at(reply, 4 + 3 * i) >= 0;
        if (ok) {
            changes[i].in_live = int_at(reply, 3 + 3 * i) == 1;
            changes[i].visited = int_at(reply, 4 + 3 * i) == 1;
        }
    }
    ok = ok && nq_keyset_at_end(int_at(reply, 0), int_at(reply, 1), changes, n,
                                &req->values.v[NQ_KPI_KEY_CUSTOMERS],
                                &req->values.v[NQ_KPI_KEY_VISITED]) == 0;
    req->failed |= !ok;
    free(changes);
}

/* Key customers at the period's end (nq/keyset.h) and how many of them
 * were visited in any of its parts. */
static int issue_coverage(fetch_req_t *req, nq_redis_t *r, const char *salesperson_id,
                          const nq_period_t *parts, int n_parts, int64_t end_ms)
{
    char keyset[256], log[256];
    if (nq_key_key_customers(keyset, sizeof(keyset), salesperson_id) < 0 ||
        nq_key_key_log(log, sizeof(log), salesperson_id) < 0)
        return -1;
    nq_redis_args_t a;
    size_t nkeys = script_keys(&a, keyset, log, nq_key_visited, salesperson_id, parts, n_parts);
    nq_redis_args_addf(&a, "%lld", (long long)end_ms);
    nq_redis_args_addf(&a, "%d", NQ_KEYSET_SEQ_DIGITS);
    int rc = issue_sets(req, r, NQ_SCRIPT(KEYSET_AT_END), nkeys, &a, fill_coverage);
    nq_redis_args_free(&a);
    return rc;
}

static void fill_completion(fetch_req_t *req, const redisReply *reply)
{
    long long due = int_at(reply, 0), on_time = int_at(reply, 1);
    if (reply->elements != 2 || due < 0 || on_time < 0 || on_time > due) {
        req->failed = true;
        return;
    }
    req->values.v[NQ_KPI_ORDERS_DUE] = due;
    req->values.v[NQ_KPI_ORDERS_ON_TIME] = on_time;
}

/* The cohort of on-time completion: orders due in any of the parts, and of
 * those the ones fulfilled on time (whenever that was recorded;
 * common/lua/kpi_completion.lua). */
static int issue_completion(fetch_req_t *req, nq_redis_t *r, const char *salesperson_id,
                            const nq_period_t *parts, int n_parts)
{
    char on_time[256];
    if (nq_key_on_time(on_time, sizeof(on_time), salesperson_id) < 0)
        return -1;
    nq_redis_args_t a;
    size_t nkeys = script_keys(&a, on_time, NULL, nq_key_due, salesperson_id, parts, n_parts);
    int rc = issue_sets(req, r, NQ_SCRIPT(KPI_COMPLETION), nkeys, &a, fill_completion);
    nq_redis_args_free(&a);
    return rc;
}

/* ---- state counters: tickets overdue, receivables overdue, DSO ------------ */

/* The salesperson's tickets overdue at req->state_at. */
static void on_sp_tickets(nq_redis_t *r, redisReply *reply, void *data)
{
    fetch_req_t *req = data;
    int64_t n = nq_tickets_overdue_reply(reply, req->state_at);
    req->failed |= n < 0;
    req->state.tickets_overdue = n > 0 ? n : 0;
    fetch_done(req);
}

/* One customer's receivables facts: the salesperson's part of them at
 * req->state_at, and what the salesperson invoiced on the days read. */
static void on_customer_ar(nq_redis_t *r, redisReply *reply, void *data)
{
    fetch_req_t *req = data;
    nq_ar_t ar;
    if (nq_ar_from_reply(reply, req->state_at, &ar) != 0) {
        req->failed = true;
    } else {
        nq_ar_aging_t a = {0};
        nq_ar_age(&ar, req->state_at, req->sp, &a);
        req->state.balance_fen += a.balance_fen;
        req->state.overdue_fen += a.overdue_fen;
        for (int i = 0; i < req->n_parts; i++) {
            int64_t end =
                req->parts[i].end_ms <= req->state_at ? req->parts[i].end_ms : req->state_at + 1;
            req->state.invoiced_fen += nq_ar_invoiced(&ar, req->sp, req->parts[i].start_ms, end);
        }
        nq_ar_free(&ar);
    }
    fetch_done(req);
}

/* The customers with receivables of the salesperson: read each one's facts. */
static void on_sp_ar(nq_redis_t *r, redisReply *reply, void *data)
{
    fetch_req_t *req = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        req->failed = true;
        fetch_done(req);
        return;
    }
    for (size_t i = 0; i < reply->elements; i++) {
        char key[160];
        const redisReply *e = reply->element[i];
        if (e->type != REDIS_REPLY_STRING || nq_key_customer_ar(key, sizeof(key), e->str) < 0 ||
            nq_redis_command(req->redis, on_customer_ar, req, "HGETALL %s", key) != 0)
            req->failed = true;
        else
            req->waiting++;
    }
    fetch_done(req);
}

/* The state counters at the period's end (or now): the salesperson's
 * tickets, and the customers whose receivables facts name them. Returns
 * how many replies were asked for (of 2). */
static int issue_state(fetch_req_t *req, nq_redis_t *r, const char *salesperson_id, int64_t end_ms)
{
    char tickets[256], ar[256];
    req->redis = r;
    req->state_at = nq_kpi_state_at(end_ms, nq_now_ms());
    for (int i = 0; i < req->n_parts; i++)
        req->state.days += nq_kpi_days_until(&req->parts[i], req->state_at);
    if (snprintf(req->sp, sizeof(req->sp), "%s", salesperson_id) >= (int)sizeof(req->sp) ||
        nq_key_sp_tickets(tickets, sizeof(tickets), salesperson_id) < 0 ||
        nq_key_sp_ar(ar, sizeof(ar), salesperson_id) < 0)
        return 0;
    return (nq_redis_command(r, on_sp_tickets, req, "HGETALL %s", tickets) == 0) +
           (nq_redis_command(r, on_sp_ar, req, "SMEMBERS %s", ar) == 0);
}

/* Every counter read from sets, for the period made of `parts` that ends at
 * end_ms. Returns how many replies were asked for (of SETS_READS). */
#define SETS_READS 4
static int issue_set_counters(fetch_req_t *req, nq_redis_t *r, const char *salesperson_id,
                              const nq_period_t *parts, int n_parts, int64_t end_ms)
{
    return (issue_coverage(req, r, salesperson_id, parts, n_parts, end_ms) == 0) +
           (issue_completion(req, r, salesperson_id, parts, n_parts) == 0) +
           issue_state(req, r, salesperson_id, end_ms);
}

/* Issue the reads of one salesperson's counters summed over stored periods
 * `parts` (n_parts >= 1) of a span of time ending at end_ms: their KPI
 * hashes, and the set counters over all the parts at once (the key
 * customers at end_ms and of them those visited in any part, the orders due
 * in any part), so every way of naming the days reads them alike. */
static int fetch_parts(nq_redis_t *r, const char *salesperson_id, const nq_period_t *parts,
                       int n_parts, int64_t end_ms, nq_kpi_fetch_cb cb, void *data)
{
    char kpi[256];
    if (n_parts < 1 || !nq_redis_ready(r))
        return -1;
    fetch_req_t *req = calloc(1, sizeof(*req) + (size_t)n_parts * sizeof(req->parts[0]));
    if (!req)
        return -1;
    req->cb = cb;
    req->data = data;
    req->n_parts = n_parts;
    memcpy(req->parts, parts, (size_t)n_parts * sizeof(*parts));
    /* Replies never arrive before the loop runs again, so the count can be
     * set once everything is issued. */
    int issued = 0;
    for (int i = 0; i < n_parts; i++) {
        issued += nq_key_kpi(kpi, sizeof(kpi), salesperson_id, &parts[i]) >= 0 &&
                  nq_redis_command(r, on_hgetall, req, "HGETALL %s", kpi) == 0;
    }
    issued += issue_set_counters(req, r, salesperson_id, parts, n_parts, end_ms);
    if (issued == 0) {
        free(req);
        return -1;
    }
    req->waiting = issued;
    req->failed = issued != n_parts + SETS_READS;
    return 0;
}

int nq_kpi_fetch(nq_redis_t *r, const char *salesperson_id, const nq_period_t *period,
                 nq_kpi_fetch_cb cb, void *data)
{
    nq_period_t parts[NQ_KPI_PARTS_MAX];
    int n_parts = nq_kpi_parts(period, parts);
    return n_parts < 0 ? -1
                       : fetch_parts(r, salesperson_id, parts, n_parts, period->end_ms, cb, data);
}

int nq_kpi_fetch_spans(nq_redis_t *r, const char *salesperson_id, const nq_span_t *spans, size_t n,
                       nq_kpi_fetch_cb cb, void *data)
{
    nq_period_t *parts = malloc(NQ_KPI_SPAN_PARTS_MAX * sizeof(*parts));
    int n_parts = parts ? nq_kpi_span_parts(spans, n, parts, NQ_KPI_SPAN_PARTS_MAX) : -1;
    int rc = n_parts < 1
                 ? -1
                 : fetch_parts(r, salesperson_id, parts, n_parts, spans[n - 1].end_ms, cb, data);
    free(parts);
    return rc;
}

/* ---- targets --------------------------------------------------------------- */

struct targets_req;

/* Where one target hash's reply goes. */
typedef struct targets_slot {
    struct targets_req *req; /* the fetch */
    size_t i;                /* which hash */
} targets_slot_t;

typedef struct targets_req {
    nq_targets_fetch_cb cb;                    /* caller's callback */
    void *data;                                /* its argument */
    const nq_target_reads_t *reads;            /* the hashes (borrowed until cb) */
    int metric;                                /* the one field read, or -1 */
    int waiting;                               /* replies outstanding */
    bool failed;                               /* a reply was missing or wrong */
    targets_slot_t slots[NQ_TARGET_READS_MAX]; /* reply slots */
    nq_targets_t set[];                        /* what each hash sets (reads->n) */
} targets_req_t;

static void on_target_hash(nq_redis_t *r, redisReply *reply, void *data)
{
    targets_slot_t *slot = data;
    targets_req_t *req = slot->req;
    nq_targets_t *t = &req->set[slot->i];
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        req->failed = true;
    } else if (req->metric >= 0) { /* HMGET of one field */
        const redisReply *v = reply->elements == 1 ? reply->element[0] : NULL;
        if (v && v->type == REDIS_REPLY_STRING)
            nq_targets_set_field(t, nq_metric_defs[req->metric].name, v->str);
    } else {
        for (size_t k = 0; k + 1 < reply->elements; k += 2)
            nq_targets_set_field(t, reply->element[k]->str, reply->element[k + 1]->str);
    }
    if (--req->waiting > 0)
        return;
    nq_targets_t out;
    nq_targets_clear(&out);
    if (req->failed || nq_targets_resolve(req->set, req->reads, &out) != 0) {
        req->failed = true;
        nq_targets_clear(&out);
    }
    req->cb(req->failed ? -1 : 0, &out, req->data);
    free(req);
}

int nq_targets_fetch(nq_redis_t *r, nq_subject_t subject, const char *id,
                     const nq_target_reads_t *reads, int metric, nq_targets_fetch_cb cb, void *data)
{
    if (reads->n < 1 || reads->n > NQ_TARGET_READS_MAX || !nq_redis_ready(r) ||
        metric >= NQ_METRIC_COUNT)
        return -1;
    targets_req_t *req = calloc(1, sizeof(*req) + reads->n * sizeof(req->set[0]));
    if (!req)
        return -1;
    req->cb = cb;
    req->data = data;
    req->reads = reads;
    req->metric = metric;
    int issued = 0;
    for (size_t i = 0; i < reads->n; i++) {
        char key[256];
        req->slots[i] = (targets_slot_t){req, i};
        nq_targets_clear(&req->set[i]);
        if (nq_key_target(key, sizeof(key), subject, id, &reads->period[i]) < 0)
            continue;
        issued += (metric >= 0 ? nq_redis_command(r, on_target_hash, &req->slots[i], "HMGET %s %s",
                                                  key, nq_metric_defs[metric].name)
                               : nq_redis_command(r, on_target_hash, &req->slots[i], "HGETALL %s",
                                                  key)) == 0;
    }
    if (issued == 0) {
        free(req);
        return -1;
    }
    req->waiting = issued;
    req->failed = issued != (int)reads->n;
    return 0;
}
