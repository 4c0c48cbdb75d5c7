/* h_custsum.c — GET /api/v1/customers/{id}/summary: the customer 360 from
 * its record and the figures the activity indexer keeps for it
 * (nq/custsum.h): last contact and by whom, next follow-up, orders and
 * sales this month, quarter, year and last year (Asia/Shanghai), open
 * tickets (and their SLA: overdue, closed late, median time to close),
 * satisfaction, competitor mentions, open receivables with aging, credit
 * headroom and credit hold (nq/receivable.h); satisfaction this month,
 * quarter and year against the period before (nq/satisf.h) and the last
 * comments (its timeline's feedback events, nq/actindex_fetch.h). Five
 * reads, no scan beyond the timeline's bounded one. The route's subject is
 * the customer (scope_check.h: out of scope 404). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arjson.h"
#include "gateway.h"
#include "nq/actindex_fetch.h"
#include "nq/custsum.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/money.h"
#include "nq/period.h"
#include "nq/satisf.h"
#include "satjson.h"

typedef struct summary_read {
    nq_http_conn_t *conn;   /* retained until the answer */
    nq_redis_t *redis;      /* the gateway's */
    char id[NQ_ID_MAX + 1]; /* the customer */
    char record[5][128];    /* record_fields as read ("" absent) */
    json_t *body;           /* the summary, once the figures are read */
    int64_t credit_flags;   /* orders flagged over the credit limit */
} summary_read_t;

static const char *const record_fields[] = {"name", "owner_id", "class", "followup_due_at",
                                            "credit_limit_fen"};
#define N_RECORD (sizeof(record_fields) / sizeof(record_fields[0]))

static void summary_free(summary_read_t *s)
{
    json_decref(s->body);
    nq_http_conn_release(s->conn);
    free(s);
}

/* Field i of record_fields, NULL when absent or empty. */
static const char *record_value(const summary_read_t *s, size_t i)
{
    return s->record[i][0] ? s->record[i] : NULL;
}

/* A time as RFC 3339 in the zone, or null. */
static json_t *time_json(int64_t ms)
{
    char buf[40];
    if (ms <= 0)
        return json_null();
    nq_time_format(ms, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *sales_json(const nq_custsum_sales_t *f, const nq_period_t *p)
{
    char amount[32];
    nq_money_format(f->sales_fen, amount, sizeof(amount));
    return json_pack("{s:s, s:I, s:s}", "period", p->key, "orders", (json_int_t)f->orders,
                     "sales_amount", amount);
}

/* The periods of the spans for now. 0, or -1. */
static int spans_of(int64_t now, nq_period_t p[NQ_CUSTSUM_SPANS])
{
    static const nq_period_kind_t kinds[] = {NQ_PERIOD_MONTH, NQ_PERIOD_QUARTER, NQ_PERIOD_YEAR};
    for (int i = 0; i < 3; i++) {
        if (nq_period_of(kinds[i], now, &p[i]) != 0)
            return -1;
    }
    return nq_period_last_year(&p[NQ_CUSTSUM_YEAR], &p[NQ_CUSTSUM_LAST_YEAR]);
}

/* Satisfaction this month, quarter and year (p[0..2]), each against the
 * period before, from the month-keyed fields; NULL when out of memory. */
static json_t *satisf_periods(const char *const *fields, size_t n, const nq_period_t *p)
{
    static const char *const names[] = {"month", "quarter", "year"};
    json_t *o = json_object();
    for (int i = 0; o && i < 3; i++) {
        nq_period_t before;
        nq_satisf_t cur, prev;
        if (nq_period_prev(&p[i], &before) != 0)
            continue;
        nq_satisf_customer(fields, n, &p[i], &cur);
        nq_satisf_customer(fields, n, &before, &prev);
        json_object_set_new(o, names[i], gw_satisf_compare_json(&p[i], &cur, &before, &prev));
    }
    return o;
}

static json_t *summary_json(summary_read_t *s, const redisReply *sums)
{
    const char **fields = calloc(sums->elements + 1, sizeof(*fields));
    nq_period_t p[NQ_CUSTSUM_SPANS];
    if (!fields || spans_of(nq_now_ms(), p) != 0) {
        free(fields);
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < sums->elements; i++) {
        const redisReply *e = sums->element[i];
        fields[n++] = e->type == REDIS_REPLY_STRING ? e->str : "";
        if (i % 2 == 1 && strcmp(fields[i - 1], "credit_flags") == 0)
            s->credit_flags = strtoll(fields[i], NULL, 10);
    }
    nq_custsum_t f;
    nq_custsum_read(fields, n, p[NQ_CUSTSUM_MONTH].key, &f);
    json_t *periods = satisf_periods(fields, n, p);
    free(fields);
    int64_t due = 0, nps, avg;
    const char *due_text = record_value(s, 3);
    if (due_text)
        due = strtoll(due_text, NULL, 10);
    json_t *last = f.last_contact_at
                       ? json_pack("{s:o, s:s, s:s}", "at", time_json(f.last_contact_at), "type",
                                   f.last_contact_type, "salesperson_id", f.last_contact_by)
                       : json_null();
    json_t *sat = json_pack("{s:I, s:I}", "ratings", (json_int_t)f.rating_count, "nps_answers",
                            (json_int_t)f.nps_count);
    json_object_set_new(sat, "avg_rating",
                        nq_custsum_avg_rating(&f, &avg) ? json_real((double)avg / 100)
                                                        : json_null());
    json_object_set_new(sat, "nps",
                        nq_custsum_nps(&f, &nps) ? json_real((double)nps / 10) : json_null());
    json_object_set_new(sat, "promoters", json_integer((json_int_t)f.promoters));
    json_object_set_new(sat, "detractors", json_integer((json_int_t)f.detractors));
    json_object_set_new(sat, "periods", periods ? periods : json_null());
    static const char *const span_names[] = {"month", "quarter", "year", "last_year"};
    json_t *sales = json_object();
    for (int i = 0; i < NQ_CUSTSUM_SPANS; i++)
        json_object_set_new(sales, span_names[i], sales_json(&f.sales[i], &p[i]));
    return json_pack("{s:s, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:I, s:o, s:I}", "id", s->id, "name",
                     record_value(s, 0), "class", record_value(s, 2), "owner_id",
                     record_value(s, 1), "last_contact", last, "followup_due_at", time_json(due),
                     "sales", sales, "open_tickets", (json_int_t)f.open_tickets, "satisfaction",
                     sat, "competitor_mentions", (json_int_t)f.competitor_mentions);
}

/* The receivables now, the credit limit, headroom and hold, the flagged
 * orders (the latest few), into the summary. */
static json_t *receivables_json(const summary_read_t *s, const redisReply *facts)
{
    nq_ar_aging_t a = {0};
    if (gw_ar_add(facts, nq_now_ms(), NULL, 0, &a) != 0)
        return NULL;
    json_t *o = gw_ar_json(&a);
    const char *limit_text = record_value(s, 4);
    char buf[32];
    if (!o)
        return NULL;
    if (limit_text) {
        int64_t limit = strtoll(limit_text, NULL, 10);
        nq_money_format(limit, buf, sizeof(buf));
        json_object_set_new(o, "credit_limit", json_string(buf));
        nq_money_format(limit - a.balance_fen, buf, sizeof(buf));
        json_object_set_new(o, "credit_headroom", json_string(buf));
        json_object_set_new(o, "credit_hold", json_boolean(a.balance_fen > limit));
    } else {
        json_object_set_new(o, "credit_limit", json_null());
        json_object_set_new(o, "credit_headroom", json_null());
        json_object_set_new(o, "credit_hold", json_false());
    }
    json_t *flagged = json_array();
    for (size_t i = 0; i + 1 < facts->elements; i += 2) {
        const redisReply *f = facts->element[i], *v = facts->element[i + 1];
        long long at, amount, bal, lim;
        char order[NQ_ID_MAX + 1] = "";
        if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING ||
            strncmp(f->str, "c|", 2) != 0)
            continue;
        if (sscanf(v->str, "%lld|%64[^|]|%lld|%lld|%lld", &at, order, &amount, &bal, &lim) != 5 &&
            sscanf(v->str, "%lld||%lld|%lld|%lld", &at, &amount, &bal, &lim) != 4)
            continue;
        char t[40], am[32], b[32], l[32];
        nq_time_format(at, t, sizeof(t));
        nq_money_format(amount, am, sizeof(am));
        nq_money_format(bal, b, sizeof(b));
        nq_money_format(lim, l, sizeof(l));
        json_array_append_new(flagged,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "order_id", order, "at", t,
                                        "amount", am, "balance_before", b, "credit_limit", l));
    }
    json_object_set_new(o, "credit_flags", json_integer(s->credit_flags));
    json_object_set_new(o, "flagged_orders", flagged);
    return o;
}

/* The last comments (feedback events, newest first) into the satisfaction;
 * then the answer. */
static void on_comments(int status, const nq_actindex_page_t *page, void *data)
{
    summary_read_t *s = data;
    json_t *list = json_array();
    if (!nq_http_conn_open(s->conn)) {
        /* the client left */
    } else if (status != 0 || !list) {
        gw_respond_unavailable(s->conn, "the customer's comments");
    } else {
        for (size_t i = 0; i < page->n; i++)
            json_array_append_new(list, gw_comment_json(page->items[i].event));
        json_object_set(json_object_get(s->body, "satisfaction"), "comments", list);
        gw_respond_json(s->conn, 200, s->body, NULL);
        s->body = NULL;
    }
    json_decref(list);
    summary_free(s);
}

static void on_ar(nq_redis_t *r, redisReply *reply, void *data)
{
    summary_read_t *s = data;
    json_t *ar = NULL;
    if (!nq_http_conn_open(s->conn)) {
        /* the client left */
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || !(ar = receivables_json(s, reply))) {
        gw_respond_unavailable(s->conn, "the customer's receivables");
    } else {
        json_object_set_new(s->body, "receivables", ar);
        nq_actindex_query_t q = {
            .customer = s->id, .types = ",feedback,", .limit = GW_COMMENTS_MAX};
        if (nq_actindex_fetch(s->redis, &q, on_comments, s) == 0)
            return;
        gw_respond_unavailable(s->conn, "the customer's comments");
    }
    summary_free(s);
}

/* The tickets object: open, overdue (past the SLA target now), the median
 * time to close in hours (2 decimals) and how many closed late. */
static json_t *tickets_json(const redisReply *reply)
{
    const char **fields = calloc(reply->elements + 1, sizeof(*fields));
    nq_custsum_tickets_t t;
    if (!fields)
        return NULL;
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *e = reply->element[i];
        fields[i] = e->type == REDIS_REPLY_STRING ? e->str : "";
    }
    int rc = nq_custsum_tickets_read(fields, reply->elements, nq_now_ms(), &t);
    free(fields);
    if (rc != 0)
        return NULL;
    /* ms -> hours, 2 decimals, half up */
    json_t *median =
        t.has_median ? json_real((double)((t.median_ms + 18000) / 36000) / 100) : json_null();
    return json_pack("{s:I, s:I, s:I, s:I, s:o}", "open", (json_int_t)t.open, "overdue",
                     (json_int_t)t.overdue, "closed", (json_int_t)t.closed, "closed_late",
                     (json_int_t)t.breached, "median_hours_to_close", median);
}

static void on_tickets(nq_redis_t *r, redisReply *reply, void *data)
{
    summary_read_t *s = data;
    json_t *tickets = NULL;
    if (!nq_http_conn_open(s->conn)) {
        /* the client left */
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || !(tickets = tickets_json(reply))) {
        gw_respond_unavailable(s->conn, "the customer's tickets");
    } else {
        json_object_set_new(s->body, "tickets", tickets);
        char key[160];
        if (nq_key_customer_ar(key, sizeof(key), s->id) >= 0 &&
            nq_redis_command(s->redis, on_ar, s, "HGETALL %s", key) == 0)
            return;
        gw_respond_unavailable(s->conn, "the customer's receivables");
    }
    summary_free(s);
}

static void on_sums(nq_redis_t *r, redisReply *reply, void *data)
{
    summary_read_t *s = data;
    char key[160];
    if (!nq_http_conn_open(s->conn)) {
        summary_free(s); /* the client left */
        return;
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY || !(s->body = summary_json(s, reply))) {
        gw_respond_unavailable(s->conn, "the customer's figures");
        summary_free(s);
        return;
    }
    nq_key_customer_tickets(key, sizeof(key), s->id);
    if (nq_redis_command(s->redis, on_tickets, s, "HGETALL %s", key) != 0) {
        gw_respond_unavailable(s->conn, "the customer's tickets");
        summary_free(s);
    }
}

static void on_record(nq_redis_t *r, redisReply *reply, void *data)
{
    summary_read_t *s = data;
    char key[160];
    if (!nq_http_conn_open(s->conn)) {
        summary_free(s);
        return;
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != N_RECORD) {
        gw_respond_unavailable(s->conn, "the customer");
        summary_free(s);
        return;
    }
    if (reply->element[0]->type != REDIS_REPLY_STRING) { /* no name: no such customer */
        gw_respond_error(s->conn, 404, "not_found", "no such customer", NULL);
        summary_free(s);
        return;
    }
    for (size_t i = 0; i < N_RECORD; i++) {
        const redisReply *e = reply->element[i];
        snprintf(s->record[i], sizeof(s->record[i]), "%s",
                 e->type == REDIS_REPLY_STRING ? e->str : "");
    }
    nq_key_customer_sums(key, sizeof(key), s->id);
    if (nq_redis_command(s->redis, on_sums, s, "HGETALL %s", key) != 0) {
        gw_respond_unavailable(s->conn, "the customer's figures");
        summary_free(s);
    }
}

static void get_summary(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    summary_read_t *s = calloc(1, sizeof(*s));
    char key[160];
    if (!s || nq_key_customer(key, sizeof(key), id) < 0) {
        free(s);
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    snprintf(s->id, sizeof(s->id), "%s", id);
    s->conn = req->conn;
    s->redis = req->gw->svc->redis;
    nq_http_conn_retain(req->conn);
    if (nq_redis_command(s->redis, on_record, s, "HMGET %s %s %s %s %s %s", key, record_fields[0],
                         record_fields[1], record_fields[2], record_fields[3],
                         record_fields[4]) != 0) {
        gw_respond_unavailable(req->conn, "the customer");
        summary_free(s);
    }
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/customers/:id/summary", NQ_READ(ORG), get_summary, NULL, GW_SUBJ_CUSTOMER},
};

const gw_routes_t gw_custsum_routes = {rows, sizeof(rows) / sizeof(rows[0])};
