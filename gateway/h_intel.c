/* h_intel.c — GET /api/v1/intel?competitor=&product=&period=&at=&limit=:
 * competitor intel per competitor and product in a month, quarter or year
 * (nq/intel.h): mentions, customers, price first/last/min/max/avg, the
 * newest notes, and for one competitor and product the price series.
 * Scoping: only the intel of salespeople the caller may see (their current
 * team, gateway/scope.h): a coordinator their teams', a salesperson their
 * own. Reads the salespeople with any intel (one set), then per salesperson
 * the figures of the period's months (one hash each), its notes (and
 * observations for a series): at most 14 reads per salesperson.
 * With ?customer=<id>: that customer's intel, counted from the
 * competitor_intel events of its timeline in the period (nq/actindex_fetch.h,
 * a page of NQ_ACTINDEX_LIMIT_MAX per read) by whoever reported them; the
 * route's subject is then the customer (scope_check.c, GW_SUBJ_QUERY_CUSTOMER:
 * out of scope 404), as for its timeline. Any other parameter (?team=,
 * ?salesperson=) is a 400 naming it. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/actindex_fetch.h"
#include "nq/fielderr.h"
#include "nq/intel.h"
#include "nq/keys.h"
#include "nq/kpi_json.h"
#include "nq/money.h"
#include "nq/period.h"
#include "scope.h"
#include "scope_check.h"

#define INTEL_LIMIT_DEFAULT 50    /* pairs answered unless ?limit= */
#define INTEL_LIMIT_MAX     200   /* the most ?limit= may ask */
#define INTEL_MAX_SPS       10000 /* salespeople with intel read at most (503 above) */
#define INTEL_MAX_PAGES     50    /* timeline pages of one customer read at most (503 above) */

/* What one reply is for. */
typedef enum { READ_SUMS, READ_NOTES, READ_OBS } read_kind_t;

typedef struct intel_read intel_read_t;

/* One reply's context: whose and what. */
typedef struct intel_slot {
    intel_read_t *r;
    size_t sp;        /* index into r->sps */
    read_kind_t kind; /* what the reply holds */
} intel_slot_t;

/* One read in flight. */
struct intel_read {
    nq_http_conn_t *conn; /* retained until the answer */
    gateway_t *gw;        /* the gateway */
    gw_scope_t scope;     /* the caller's */
    nq_period_t period;   /* asked for */
    nq_intel_t in;        /* the figures so far */
    bool series;          /* one competitor and product: read observations too */
    size_t limit;         /* pairs answered */
    char **sps;           /* the salespeople read */
    size_t n_sps;
    intel_slot_t *slots;          /* SLOTS_PER_SP per salesperson */
    intel_slot_t held;            /* the hold on the answer while reads are sent */
    size_t left;                  /* replies to wait for */
    bool failed;                  /* a read failed */
    char customer[NQ_ID_MAX + 1]; /* ?customer, "" when absent */
    json_t *reporters;            /* a customer's: who reported its events (id -> true) */
    size_t pages;                 /* a customer's: timeline pages read */
};

static void intel_free(intel_read_t *r)
{
    for (size_t i = 0; i < r->n_sps; i++)
        free(r->sps[i]);
    free(r->sps);
    free(r->slots);
    nq_intel_free(&r->in);
    json_decref(r->reporters);
    nq_http_conn_release(r->conn);
    free(r);
}

static json_t *money_json(json_t *o, const char *name, int64_t fen)
{
    char buf[32], key[40];
    nq_money_format(fen, buf, sizeof(buf));
    json_object_set_new(o, name, json_string(buf));
    snprintf(key, sizeof(key), "%s_fen", name);
    json_object_set_new(o, key, json_integer((json_int_t)fen));
    return o;
}

static json_t *time_json(int64_t ms)
{
    char buf[40];
    nq_time_format(ms, buf, sizeof(buf));
    return json_string(buf);
}

/* A pair's price figures, or null without a priced observation. */
static json_t *price_json(const nq_intel_pair_t *p)
{
    int64_t avg;
    if (!nq_price_stats_avg(&p->price, &avg))
        return json_null();
    json_t *o = json_object(), *first = json_object(), *last = json_object();
    json_object_set_new(o, "observations", json_integer((json_int_t)p->price.n));
    json_object_set_new(first, "at", time_json(p->price.first_at));
    json_object_set_new(o, "first", money_json(first, "price", p->price.first_fen));
    json_object_set_new(last, "at", time_json(p->price.last_at));
    json_object_set_new(o, "last", money_json(last, "price", p->price.last_fen));
    money_json(o, "min", p->price.min_fen);
    money_json(o, "max", p->price.max_fen);
    return money_json(o, "avg", avg);
}

/* An observation or a note. */
static json_t *obs_json(const nq_intel_obs_t *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "at", time_json(o->at));
    if (o->text)
        json_object_set_new(j, "text", json_string(o->text));
    else if (o->has_price)
        money_json(j, "price", o->price_fen);
    else
        json_object_set_new(j, "price", json_null());
    json_object_set_new(j, "customer_id", *o->customer ? json_string(o->customer) : json_null());
    json_object_set_new(j, "salesperson_id", json_string(o->salesperson));
    return j;
}

static json_t *pair_json(const nq_intel_pair_t *p, bool series)
{
    json_t *o = json_object(), *notes = json_array();
    json_object_set_new(o, "competitor", json_string(p->competitor));
    json_object_set_new(o, "product", json_string(p->product));
    json_object_set_new(o, "mentions", json_integer((json_int_t)p->mentions));
    json_object_set_new(o, "customers", json_integer((json_int_t)p->n_customers));
    json_object_set_new(o, "price", price_json(p));
    for (size_t i = 0; i < p->n_notes; i++)
        json_array_append_new(notes, obs_json(&p->notes[i]));
    json_object_set_new(o, "notes", notes);
    if (series) {
        json_t *s = json_array();
        for (size_t i = 0; i < p->n_series; i++)
            json_array_append_new(s, obs_json(&p->series[i]));
        json_object_set_new(o, "series", s);
    }
    return o;
}

static void answer(intel_read_t *r)
{
    if (!nq_http_conn_open(r->conn)) {
        intel_free(r);
        return;
    }
    if (r->failed) {
        gw_respond_unavailable(r->conn, "the competitor intel");
        intel_free(r);
        return;
    }
    nq_intel_finish(&r->in);
    json_t *body = json_object(), *items = json_array(), *limits = json_object();
    if (!body || !items || !limits) {
        json_decref(body);
        json_decref(items);
        json_decref(limits);
        gw_respond_unavailable(r->conn, "the gateway (out of memory)");
        intel_free(r);
        return;
    }
    for (size_t i = 0; i < r->in.n && i < r->limit; i++)
        json_array_append_new(items, pair_json(&r->in.pairs[i], r->series));
    json_object_set_new(body, "period", nq_period_to_json(&r->period));
    json_object_set_new(body, "competitor",
                        r->in.competitor ? json_string(r->in.competitor) : json_null());
    json_object_set_new(body, "product", r->in.product ? json_string(r->in.product) : json_null());
    json_object_set_new(body, "customer", *r->customer ? json_string(r->customer) : json_null());
    json_object_set_new(
        body, "salespeople",
        json_integer((json_int_t)(*r->customer ? json_object_size(r->reporters) : r->n_sps)));
    json_object_set_new(body, "total", json_integer((json_int_t)r->in.n));
    json_object_set_new(body, "items", items);
    json_object_set_new(limits, "items", json_integer((json_int_t)r->limit));
    json_object_set_new(limits, "notes", json_integer(NQ_INTEL_NOTES_MAX));
    json_object_set_new(limits, "series", json_integer(NQ_INTEL_SERIES_MAX));
    json_object_set_new(body, "limits", limits);
    gw_respond_named(r->gw, r->conn, body, items);
    intel_free(r);
}

/* One reply: a HGETALL of figures, or members of notes or observations. */
static void on_read(nq_redis_t *redis, redisReply *reply, void *data)
{
    intel_slot_t *s = data;
    intel_read_t *r = s->r;
    const char *sp = s == &r->held ? NULL : r->sps[s->sp];
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        r->failed = true;
    } else {
        for (size_t i = 0; i < reply->elements && !r->failed; i++) {
            const redisReply *e = reply->element[i];
            const redisReply *v = i + 1 < reply->elements ? reply->element[i + 1] : NULL;
            if (e->type != REDIS_REPLY_STRING)
                continue;
            int rc = 0;
            if (s->kind == READ_SUMS) {
                rc = v && v->type == REDIS_REPLY_STRING ? nq_intel_add_sum(&r->in, e->str, v->str)
                                                        : 0;
                i++;
            } else if (s->kind == READ_NOTES) {
                rc = nq_intel_add_note(&r->in, sp, e->str);
            } else {
                rc = nq_intel_add_obs(&r->in, sp, e->str);
            }
            r->failed |= rc < 0;
        }
    }
    if (--r->left == 0)
        answer(r);
}

/* A ZSET range of a name prefix (NQ_INTEL_NAME_MAX bytes at most, twice):
 * a little more than a pair prefix and a time. */
#define RANGE_MAX (2 * NQ_INTEL_NAME_MAX + 64)

/* The ZSET range of the filter: "[<competitor>\x1f[<product>\x1f]" to the
 * same ending in a space instead ("-" "+" without a filter). Returns 0, or
 * -1 when it does not fit (names are checked shorter). */
static int range_of(const intel_read_t *r, char *from, char *to, size_t len)
{
    char prefix[RANGE_MAX];
    int n;
    if (!r->in.competitor)
        return snprintf(from, len, "-") < 0 || snprintf(to, len, "+") < 0 ? -1 : 0;
    if (r->in.product)
        n = nq_intel_pair_prefix(prefix, sizeof(prefix), r->in.competitor, r->in.product);
    else
        n = snprintf(prefix, sizeof(prefix), "%s\x1f", r->in.competitor);
    if (n <= 0 || (size_t)n >= sizeof(prefix))
        return -1;
    int a = snprintf(from, len, "[%s", prefix), b = snprintf(to, len, "(%.*s ", n - 1, prefix);
    return a < 0 || b < 0 || (size_t)a >= len || (size_t)b >= len ? -1 : 0;
}

/* The series' range of the pair's observations in [start, end). */
static int series_range(const intel_read_t *r, char *from, char *to, size_t len)
{
    char prefix[RANGE_MAX];
    if (nq_intel_pair_prefix(prefix, sizeof(prefix), r->in.competitor, r->in.product) < 0)
        return -1;
    int a = snprintf(from, len, "[%s%013lld", prefix, (long long)r->period.start_ms);
    int b = snprintf(to, len, "(%s%013lld", prefix, (long long)r->period.end_ms);
    return a < 0 || b < 0 || (size_t)a >= len || (size_t)b >= len ? -1 : 0;
}

static void send_read(intel_read_t *r, intel_slot_t *s, int argc, const char **argv)
{
    r->left++;
    if (nq_redis_commandv(r->gw->svc->redis, on_read, s, argc, argv, NULL) != 0) {
        r->left--;
        r->failed = true;
    }
}

/* Replies per salesperson: a month's figures each, its notes, its observations. */
#define SLOTS_PER_SP (NQ_INTEL_MONTHS_MAX + 2)

/* Read each salesperson of r->sps: the figures of the period's months,
 * notes (of the filter), and for a series the observations of the period,
 * newest first. */
static void read_salespeople(intel_read_t *r)
{
    char from[RANGE_MAX], to[RANGE_MAX], ofrom[RANGE_MAX], oto[RANGE_MAX], max[16], key[160];
    char months[NQ_INTEL_MONTHS_MAX][16], part[32];
    size_t n_months = nq_intel_months(&r->period, months);
    snprintf(max, sizeof(max), "%d", NQ_INTEL_SERIES_MAX);
    r->failed |= n_months == 0 || range_of(r, from, to, sizeof(from)) != 0 ||
                 (r->series && series_range(r, ofrom, oto, sizeof(ofrom)) != 0);
    r->slots = r->failed ? NULL : calloc(r->n_sps * SLOTS_PER_SP + 1, sizeof(*r->slots));
    r->left = 1; /* held until every read is sent */
    for (size_t i = 0; r->slots && i < r->n_sps; i++) {
        intel_slot_t *s = &r->slots[i * SLOTS_PER_SP];
        for (size_t m = 0; m < n_months; m++, s++) {
            *s = (intel_slot_t){r, i, READ_SUMS};
            snprintf(part, sizeof(part), "sums:%s", months[m]);
            nq_key_sp_intel(key, sizeof(key), r->sps[i], part);
            send_read(r, s, 2, (const char *[]){"HGETALL", key});
        }
        *s = (intel_slot_t){r, i, READ_NOTES};
        nq_key_sp_intel(key, sizeof(key), r->sps[i], "notes");
        send_read(r, s++, 4, (const char *[]){"ZRANGEBYLEX", key, from, to});
        if (!r->series)
            continue;
        *s = (intel_slot_t){r, i, READ_OBS};
        nq_key_sp_intel(key, sizeof(key), r->sps[i], "obs");
        send_read(r, s, 7, (const char *[]){"ZREVRANGEBYLEX", key, oto, ofrom, "LIMIT", "0", max});
    }
    r->failed |= !r->slots;
    r->held = (intel_slot_t){r, 0, READ_SUMS};
    on_read(NULL, &(redisReply){.type = REDIS_REPLY_ARRAY}, &r->held);
}

/* The current teams of the salespeople with intel: keep those in scope. */
static void on_teams(const char *const *teams, void *data)
{
    intel_read_t *r = data;
    if (!teams) {
        r->failed = true;
        answer(r);
        return;
    }
    size_t kept = 0;
    for (size_t i = 0; i < r->n_sps; i++) {
        if (gw_scope_sees_salesperson(&r->scope, r->sps[i], teams[i]))
            r->sps[kept++] = r->sps[i];
        else
            free(r->sps[i]);
    }
    r->n_sps = kept;
    read_salespeople(r);
}

static void on_salespeople(nq_redis_t *redis, redisReply *reply, void *data)
{
    intel_read_t *r = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements > INTEL_MAX_SPS ||
        !(r->sps = calloc(reply->elements + 1, sizeof(*r->sps)))) {
        r->failed = true;
        answer(r);
        return;
    }
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *e = reply->element[i];
        if (e->type == REDIS_REPLY_STRING && nq_valid_id(e->str) &&
            !(r->sps[r->n_sps++] = strdup(e->str)))
            r->failed = true;
    }
    if (r->failed) {
        answer(r);
    } else if (gw_scope_all(&r->scope) || r->n_sps == 0) {
        read_salespeople(r);
    } else if (gw_scope_teams_of(r->gw, (const char *const *)r->sps, r->n_sps, on_teams, r) != 0) {
        r->failed = true;
        answer(r);
    }
}

/* ---- one customer's: from its timeline ------------------------------------ */

static int read_customer_page(intel_read_t *r, const char *cursor);

/* A page of the customer's competitor_intel events: each counted once (the
 * timeline holds an event once), then the next page or the answer. */
static void on_customer_page(int status, const nq_actindex_page_t *page, void *data)
{
    intel_read_t *r = data;
    r->failed |= status != 0;
    for (size_t i = 0; !r->failed && i < page->n; i++) {
        const nq_actindex_item_t *it = &page->items[i];
        nq_intel_event_t ie;
        if (!nq_intel_event_of(it->event, it->event->event_id ? it->event->event_id : "-", &ie))
            continue;
        int rc = nq_intel_add_event(&r->in, it->salesperson, &ie, r->series);
        if (rc == 1)
            rc = json_object_set_new(r->reporters, it->salesperson, json_true());
        r->failed |= rc < 0;
    }
    if (!r->failed && page->next && read_customer_page(r, page->next) == 0)
        return;
    answer(r);
}

/* Read the customer's page after `cursor` (NULL: the newest). 0, or -1
 * (failed marked) when it could not be sent or too many were read. */
static int read_customer_page(intel_read_t *r, const char *cursor)
{
    nq_actindex_query_t q = {.customer = r->customer,
                             .types = ",competitor_intel,",
                             .has_from = true,
                             .has_to = true,
                             .from = r->period.start_ms,
                             .to = r->period.end_ms,
                             .cursor = cursor,
                             .limit = NQ_ACTINDEX_LIMIT_MAX};
    if (++r->pages > INTEL_MAX_PAGES ||
        nq_actindex_fetch(r->gw->svc->redis, &q, on_customer_page, r) != 0) {
        r->failed = true;
        return -1;
    }
    return 0;
}

/* Every parameter of the query is one the route takes: another (?team=,
 * ?salesperson=: the intel is always the caller's whole scope) is a 400
 * naming it, as a list refuses a parameter it does not take. */
static void only_known(const gw_request_t *req, nq_field_errors_t *errs)
{
    static const char *const known[] = {"competitor", "product", "customer",
                                        "period",     "at",      "limit"};
    static const char names[] = "competitor, product, customer, period, at, limit";
    const char *at = req->http->query;
    char name[64], value[2048]; /* as long as query_of reads them */
    int rc;
    for (size_t k = 1;
         (rc = nq_http_query_next(&at, name, sizeof(name), value, sizeof(value))) != 0; k++) {
        size_t i = 0;
        while (rc > 0 && i < sizeof(known) / sizeof(known[0]) && strcmp(name, known[i]) != 0)
            i++;
        if (rc < 0)
            nq_field_errors_add(errs, "query", "parameter %zu is malformed or longer than %d bytes",
                                k, (int)sizeof(value) - 1);
        else if (i == sizeof(known) / sizeof(known[0]))
            nq_field_errors_add(errs, name, "is not a parameter of this route (%s)", names);
    }
}

/* The query: competitor, product, period (month, quarter, year; default
 * month) of `at` (default now), limit. 0, or -1 with the errors in errs. */
static int query_of(const gw_request_t *req, intel_read_t *r, nq_field_errors_t *errs)
{
    only_known(req, errs);
    char competitor[2048], product[2048], buf[64]; /* longer than a name: refused by name */
    bool has_c = nq_http_query_param(req->http, "competitor", competitor, sizeof(competitor)) >= 0;
    bool has_p = nq_http_query_param(req->http, "product", product, sizeof(product)) >= 0;
    if (has_c && !nq_intel_name_ok(competitor, false))
        nq_field_errors_add(errs, "competitor",
                            "must be 1-%d bytes of text without control "
                            "characters",
                            NQ_INTEL_NAME_MAX);
    if (has_p && !nq_intel_name_ok(product, true))
        nq_field_errors_add(errs, "product",
                            "must be at most %d bytes of text without control "
                            "characters",
                            NQ_INTEL_NAME_MAX);
    char customer[2048];
    if (nq_http_query_param(req->http, "customer", customer, sizeof(customer)) >= 0) {
        if (nq_valid_id(customer))
            memcpy(r->customer, customer, strlen(customer) + 1);
        else
            nq_field_errors_add(errs, "customer", NQ_ID_RULE);
    }
    nq_period_kind_t kind = NQ_PERIOD_MONTH;
    if (nq_http_query_param(req->http, "period", buf, sizeof(buf)) >= 0 &&
        (nq_period_kind_parse(buf, &kind) != 0 ||
         (kind != NQ_PERIOD_MONTH && kind != NQ_PERIOD_QUARTER && kind != NQ_PERIOD_YEAR)))
        nq_field_errors_add(errs, "period", "must be month, quarter or year");
    int64_t at = nq_now_ms();
    const char *why = "must be a date (2026-11-26), an RFC 3339 time or Unix ms";
    if (nq_http_query_param(req->http, "at", buf, sizeof(buf)) >= 0 &&
        nq_time_parse(buf, &at, &why) != 0)
        nq_field_errors_add(errs, "at", "%s", why);
    r->limit = INTEL_LIMIT_DEFAULT;
    if (nq_http_query_param(req->http, "limit", buf, sizeof(buf)) >= 0) {
        char *end;
        long v = strtol(buf, &end, 10);
        if (end == buf || *end || v < 1 || v > INTEL_LIMIT_MAX)
            nq_field_errors_add(errs, "limit", "must be 1-%d", INTEL_LIMIT_MAX);
        else
            r->limit = (size_t)v;
    }
    if (errs->n == 0 && nq_period_of(kind, at, &r->period) != 0)
        nq_field_errors_add(errs, "at", "is outside the calendar");
    if (errs->n)
        return -1;
    if (nq_intel_init(&r->in, &r->period, has_c ? competitor : NULL, has_p ? product : NULL) != 0)
        return -1;
    r->series = has_c && has_p;
    return 0;
}

static void get_intel(const gw_request_t *req)
{
    nq_field_errors_t errs = {0};
    intel_read_t *r = calloc(1, sizeof(*r));
    if (!r) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    if (query_of(req, r, &errs) != 0) {
        if (errs.n)
            gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
        else
            gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        nq_intel_free(&r->in);
        free(r);
        return;
    }
    gw_scope_of(&r->scope, req->who);
    r->gw = req->gw;
    r->conn = req->conn;
    nq_http_conn_retain(req->conn);
    if (*r->customer) {
        if (!(r->reporters = json_object()) || read_customer_page(r, NULL) != 0) {
            r->failed = true;
            answer(r);
        }
        return;
    }
    if (nq_redis_command(req->gw->svc->redis, on_salespeople, r, "SMEMBERS %s",
                         NQ_KEY_INTEL_SALESPEOPLE) != 0) {
        r->failed = true;
        answer(r);
    }
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/intel", NQ_READ(ORG), get_intel, NULL, GW_SUBJ_QUERY_CUSTOMER},
};

const gw_routes_t gw_intel_routes = {rows, sizeof(rows) / sizeof(rows[0])};
