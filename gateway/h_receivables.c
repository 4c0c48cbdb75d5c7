/* h_receivables.c — GET /api/v1/receivables?scope=&at=: open balance,
 * aging, credit and DSO of a salesperson, a team or the company at the end
 * of a day, from the customers' receivables facts (nq/receivable.h). Reads
 * only the customers with an invoice or payment of the scope (a set per
 * salesperson, one for the company), never every customer. Scoping: the
 * board stage (scope_check.c) answers 404 for another team; a team or
 * salesperson scope is resolved against the caller by scopesps.h (a
 * salesperson caller reads only themselves and the company totals). */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arjson.h"
#include "nq/ar_reply.h"
#include "nq/ar_totals.h"
#include "gateway.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/money.h"
#include "nq/period.h"
#include "scopesps.h"

#define AR_MAX_CUSTOMERS   200000 /* a scope's customers read at most (refused above: 503) */
#define AR_MAX_SALESPEOPLE 5000   /* a team's members read at most (refused above: 503) */

static json_t *money(int64_t fen)
{
    char buf[32];
    nq_money_format(fen, buf, sizeof(buf));
    return json_string(buf);
}

json_t *gw_ar_json(const nq_ar_aging_t *a)
{
    json_t *aging = json_object(), *o = json_object();
    if (!aging || !o) {
        json_decref(aging);
        json_decref(o);
        return NULL;
    }
    for (int b = 0; b < NQ_AR_BUCKETS; b++)
        json_object_set_new(aging, nq_ar_bucket_name((nq_ar_bucket_t)b), money(a->bucket_fen[b]));
    int64_t dso;
    json_object_set_new(o, "balance", money(a->balance_fen));
    json_object_set_new(o, "open", money(a->open_fen));
    json_object_set_new(o, "credit", money(a->credit_fen));
    json_object_set_new(o, "overdue", money(a->overdue_fen));
    json_object_set_new(o, "open_invoices", json_integer(a->open_invoices));
    json_object_set_new(o, "aging", aging);
    json_object_set_new(o, "invoiced_90d", money(a->invoiced_window_fen));
    json_object_set_new(o, "dso_days",
                        nq_ar_dso(a, &dso) ? json_real((double)dso / 10) : json_null());
    return o;
}

int gw_ar_add(const redisReply *facts, int64_t at, const char *const *sps, size_t n,
              nq_ar_aging_t *sums)
{
    nq_ar_t ar;
    if (nq_ar_from_reply(facts, at, &ar) != 0)
        return -1;
    if (sps)
        nq_ar_age_each(&ar, at, sps, n, sums);
    else
        nq_ar_age(&ar, at, NULL, sums);
    nq_ar_free(&ar);
    return 0;
}

/* One read in flight. */
struct ar_read;
static void sum_and_answer(struct ar_read *r);

typedef struct ar_read {
    nq_http_conn_t *conn;       /* retained until the answer */
    gateway_t *gw;              /* the gateway */
    int64_t at;                 /* end of the day asked for */
    char day[16];               /* that day, "2026-12-15" */
    char scope[NQ_ID_MAX + 16]; /* as asked */
    char **sps;                 /* the salespeople counted (NULL: everyone) */
    size_t n_sps;
    nq_ar_aging_t *per_sp; /* per salesperson of sps */
    nq_ar_aging_t total;   /* the scope */
    size_t left;           /* replies to wait for */
    size_t customers;      /* customers read (now: the members' sets' sizes summed) */
    size_t shared_each;    /* now: the members' shared sets' sizes summed */
    size_t shared_union;   /* now: their union's size (a customer shared in a team once) */
    bool failed;           /* a read failed */
    bool now;              /* at is now: a team's or salesperson's kept totals */
    struct ar_part *parts; /* the totals' reads in flight */
} ar_read_t;

/* One read of a salesperson's kept totals (nq/ar_totals.h). */
typedef enum {
    PART_DUE,
    PART_INVOICED,
    PART_CREDIT,
    PART_CUSTOMERS,
    PART_SHARED, /* its customers with facts of others too (SCARD) */
    PARTS
} ar_part_kind_t;
typedef struct ar_part {
    ar_read_t *r;
    size_t sp;           /* its place in r->sps */
    ar_part_kind_t kind; /* which key */
} ar_part_t;

static void ar_free(ar_read_t *r)
{
    for (size_t i = 0; i < r->n_sps; i++)
        free(r->sps[i]);
    free(r->sps);
    free(r->per_sp);
    free(r->parts);
    nq_http_conn_release(r->conn);
    free(r);
}

static void answer(ar_read_t *r)
{
    if (!nq_http_conn_open(r->conn)) {
        ar_free(r);
        return;
    }
    if (r->failed) {
        gw_respond_unavailable(r->conn, "the receivables");
        ar_free(r);
        return;
    }
    json_t *body = gw_ar_json(&r->total);
    if (!body) {
        gw_respond_unavailable(r->conn, "the gateway (out of memory)");
        ar_free(r);
        return;
    }
    json_object_set_new(body, "scope", json_string(r->scope));
    json_object_set_new(body, "at", json_string(r->day));
    /* a customer shared by members: once (shared ⊆ customers, so never below 0) */
    size_t customers = r->customers + r->shared_union;
    customers = customers > r->shared_each ? customers - r->shared_each : 0;
    json_object_set_new(body, "customers", json_integer((json_int_t)customers));
    if (strncmp(r->scope, "team:", 5) == 0) { /* each member */
        json_t *list = json_array();
        for (size_t i = 0; i < r->n_sps; i++) {
            json_t *one = gw_ar_json(&r->per_sp[i]);
            if (one) {
                json_object_set_new(one, "salesperson_id", json_string(r->sps[i]));
                json_array_append_new(list, one);
            }
        }
        json_object_set_new(body, "salespeople", list);
    }
    gw_respond_json(r->conn, 200, body, NULL);
    ar_free(r);
}

static void on_facts(nq_redis_t *redis, redisReply *reply, void *data)
{
    ar_read_t *r = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        r->failed = true;
    } else {
        r->failed |= gw_ar_add(reply, r->at, (const char *const *)r->sps, r->n_sps,
                               r->sps ? r->per_sp : &r->total) != 0;
    }
    if (--r->left == 0)
        sum_and_answer(r);
}

/* Every read is in: the scope's total from its people's sums, the answer. */
static void sum_and_answer(ar_read_t *r)
{
    {
        for (size_t i = 0; r->sps && i < r->n_sps; i++) { /* the scope: its people's sums */
            nq_ar_aging_t *t = &r->total, *s = &r->per_sp[i];
            for (int b = 0; b < NQ_AR_BUCKETS; b++)
                t->bucket_fen[b] += s->bucket_fen[b];
            t->open_fen += s->open_fen;
            t->credit_fen += s->credit_fen;
            t->balance_fen += s->balance_fen;
            t->overdue_fen += s->overdue_fen;
            t->invoiced_window_fen += s->invoiced_window_fen;
            t->open_invoices += s->open_invoices;
        }
        answer(r);
    }
}

/* The customers (a SMEMBERS/SUNION reply): read each one's facts. */
static void on_customers(nq_redis_t *redis, redisReply *reply, void *data)
{
    ar_read_t *r = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements > AR_MAX_CUSTOMERS) {
        r->failed = true;
        answer(r);
        return;
    }
    r->left = 1; /* held until every read is sent */
    for (size_t i = 0; i < reply->elements; i++) {
        char key[160];
        const redisReply *e = reply->element[i];
        if (e->type != REDIS_REPLY_STRING || nq_key_customer_ar(key, sizeof(key), e->str) < 0)
            continue;
        r->left++;
        r->customers++;
        if (nq_redis_command(r->gw->svc->redis, on_facts, r, "HGETALL %s", key) != 0) {
            r->left--;
            r->failed = true;
        }
    }
    on_facts(NULL, &(redisReply){.type = REDIS_REPLY_ARRAY}, r);
}

/* One of a salesperson's kept totals: added to its sum. */
static void on_part(nq_redis_t *redis, redisReply *reply, void *data)
{
    ar_part_t *p = data;
    ar_read_t *r = p->r;
    nq_ar_aging_t *sum = r->sps ? &r->per_sp[p->sp] : &r->total;
    const char **f = NULL;
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
        r->failed = true;
    } else if (p->kind == PART_CUSTOMERS || p->kind == PART_SHARED) {
        size_t n = reply->type == REDIS_REPLY_INTEGER ? (size_t)reply->integer : 0;
        *(p->kind == PART_SHARED ? &r->shared_each : &r->customers) += n;
    } else if (p->kind == PART_CREDIT) {
        nq_ar_totals_age(NULL, 0, NULL, 0,
                         reply->type == REDIS_REPLY_STRING ? strtoll(reply->str, NULL, 10) : 0,
                         r->at, sum);
    } else if (reply->type == REDIS_REPLY_ARRAY && (f = nq_reply_strings(reply))) {
        bool due = p->kind == PART_DUE;
        size_t n = reply->elements;
        nq_ar_totals_age(due ? f : NULL, due ? n : 0, due ? NULL : f, due ? 0 : n, 0, r->at, sum);
    } else {
        r->failed = true;
    }
    free(f);
    if (--r->left == 0)
        sum_and_answer(r);
}

/* SUNION of the salespeople r->sps' sets: their customers (part NULL) or
 * their totals' `part` ("shared"). 0 when sent (cb runs), else -1. */
static int sunion(ar_read_t *r, const char *part, nq_redis_cb cb)
{
    const char **argv = calloc(r->n_sps + 1, sizeof(*argv));
    char(*keys)[160] = calloc(r->n_sps, sizeof(*keys));
    int rc = -1;
    if (argv && keys) {
        argv[0] = "SUNION";
        for (size_t i = 0; i < r->n_sps; i++) {
            if (part)
                nq_key_sp_ar_totals(keys[i], sizeof(keys[i]), r->sps[i], part);
            else
                nq_key_sp_ar(keys[i], sizeof(keys[i]), r->sps[i]);
            argv[i + 1] = keys[i];
        }
        rc = nq_redis_commandv(r->gw->svc->redis, cb, r, (int)r->n_sps + 1, argv, NULL);
    }
    free(argv);
    free(keys);
    return rc;
}

/* The union of the members' shared sets: each such customer once. */
static void on_shared_union(nq_redis_t *redis, redisReply *reply, void *data)
{
    ar_read_t *r = data;
    if (reply && reply->type == REDIS_REPLY_ARRAY)
        r->shared_union = reply->elements;
    else
        r->failed = true;
    if (--r->left == 0)
        sum_and_answer(r);
}

/* Read the kept totals of the salespeople r->sps, or the company's (sps
 * NULL) (nq/ar_totals.h): a few small keys each, whatever their customers;
 * for salespeople also the union of their shared sets (usually small), so
 * a customer of several members counts once. */
static void read_totals(ar_read_t *r)
{
    static const char *const parts[] = {"due", "invoiced", "credit", NULL, "shared"};
    static const char *const commands[] = {"HGETALL %s", "HGETALL %s", "GET %s", "SCARD %s",
                                           "SCARD %s"};
    size_t n = r->sps ? r->n_sps : 1;
    r->parts = calloc(n * PARTS + 1, sizeof(*r->parts));
    r->left = 1; /* held until every read is sent */
    for (size_t i = 0; r->parts && i < n; i++) {
        const char *sp = r->sps ? r->sps[i] : NQ_AR_COMPANY;
        for (int k = 0; k < PARTS; k++) {
            ar_part_t *p = &r->parts[i * PARTS + (size_t)k];
            char key[160];
            *p = (ar_part_t){r, i, (ar_part_kind_t)k};
            if (k == PART_SHARED && !r->sps)
                continue; /* the company: nq:ar:customers holds each once */
            if (k == PART_CUSTOMERS && !r->sps)
                snprintf(key, sizeof(key), "%s", NQ_KEY_AR_CUSTOMERS);
            else if (k == PART_CUSTOMERS)
                nq_key_sp_ar(key, sizeof(key), sp);
            else
                nq_key_sp_ar_totals(key, sizeof(key), sp, parts[k]);
            if (nq_redis_command(r->gw->svc->redis, on_part, p, commands[k], key) == 0)
                r->left++;
            else
                r->failed = true;
        }
    }
    r->failed |= !r->parts;
    if (r->sps && r->parts) {
        if (sunion(r, "shared", on_shared_union) == 0)
            r->left++;
        else
            r->failed = true;
    }
    if (--r->left == 0)
        sum_and_answer(r);
}

/* Read the customers of the salespeople r->sps (their sets' union), or
 * every customer with receivables (sps NULL: the company). */
static void read_customers(ar_read_t *r)
{
    if (!r->sps) {
        if (nq_redis_command(r->gw->svc->redis, on_customers, r, "SMEMBERS %s",
                             NQ_KEY_AR_CUSTOMERS) != 0) {
            r->failed = true;
            answer(r);
        }
        return;
    }
    if (r->n_sps == 0) {
        r->left = 1;
        on_facts(NULL, &(redisReply){.type = REDIS_REPLY_ARRAY}, r);
        return;
    }
    if (sunion(r, NULL, on_customers) != 0) {
        r->failed = true;
        answer(r);
    }
}

/* The totals' mark: kept totals when complete, else every customer. */
static void on_mark(nq_redis_t *redis, redisReply *reply, void *data)
{
    ar_read_t *r = data;
    if (reply && reply->type == REDIS_REPLY_STRING && strcmp(reply->str, NQ_AR_TOTALS_READY) == 0)
        read_totals(r);
    else
        read_customers(r);
}

/* A scope's figures now: from the kept totals once they are complete
 * (nq:ar:totals NQ_AR_TOTALS_READY); at a date, per customer. */
static void read_scope(ar_read_t *r)
{
    if (!r->now || (r->sps && r->n_sps == 0))
        read_customers(r);
    else if (nq_redis_command(r->gw->svc->redis, on_mark, r, "GET %s", NQ_KEY_AR_TOTALS) != 0) {
        r->failed = true;
        answer(r);
    }
}

/* The salespeople of a team or salesperson scope (scopesps.h). */
static void on_salespeople(int status, char **ids, size_t n, void *data)
{
    ar_read_t *r = data;
    if (status == 1) { /* answered 404 */
        ar_free(r);
        return;
    }
    if (status != 0 || !(r->per_sp = calloc(n + 1, sizeof(*r->per_sp)))) {
        for (size_t i = 0; i < n; i++)
            free(ids[i]);
        free(ids);
        r->failed = true;
        answer(r);
        return;
    }
    r->sps = ids;
    r->n_sps = n;
    read_scope(r);
}

static void bad(const gw_request_t *req, const char *field, const char *why)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, field, "%s", why);
    gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
}

/* ?at=YYYY-MM-DD: the end of that local day; absent: now. 0, or -1 answered. */
static int at_of(const gw_request_t *req, ar_read_t *r)
{
    char text[32];
    nq_period_t day;
    int64_t ms = nq_now_ms();
    const char *why = NULL;
    bool given = nq_http_query_param(req->http, "at", text, sizeof(text)) >= 0;
    if (given && (strlen(text) != 10 || nq_time_parse(text, &ms, &why) != 0)) {
        bad(req, "at", "must be a date YYYY-MM-DD");
        return -1;
    }
    if (nq_period_of(NQ_PERIOD_DAY, ms, &day) != 0) {
        bad(req, "at", "is out of range");
        return -1;
    }
    r->at = given ? day.end_ms - 1 : ms;
    r->now = !given;
    snprintf(r->day, sizeof(r->day), "%s", day.key);
    return 0;
}

static void get_receivables(const gw_request_t *req)
{
    ar_read_t *r = calloc(1, sizeof(*r));
    if (!r) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    if (nq_http_query_param(req->http, "scope", r->scope, sizeof(r->scope)) < 0)
        snprintf(r->scope, sizeof(r->scope), "company"); /* as the scope stage reads it */
    if (at_of(req, r) != 0) {
        free(r);
        return;
    }
    r->gw = req->gw;
    r->conn = req->conn;
    nq_http_conn_retain(req->conn);
    if (strcmp(r->scope, "company") == 0) {
        read_scope(r); /* every caller may read the company's (as the KPI company reads) */
    } else if (gw_scope_salespeople(req, r->scope, AR_MAX_SALESPEOPLE, on_salespeople, r) != 0) {
        ar_free(r);
    }
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/receivables", NQ_READ(KPI), get_receivables, NULL, GW_SUBJ_BOARD},
};

const gw_routes_t gw_receivables_routes = {rows, sizeof(rows) / sizeof(rows[0])};
