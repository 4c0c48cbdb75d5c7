/* test_ingest.c — the activity feeds over real HTTP against a private suite
 * (harness.h), as docs/api.md describes them: batches with good, bad,
 * duplicate and conflicting events and the status of the whole; body limits
 * and malformed bodies; every event type with its documented example and its
 * required fields; amounts and times; NDJSON and protobuf bodies; signed
 * webhooks and their replay; Redis going away and coming back; and a ledger
 * check that every event acknowledged is stored and scored exactly once.
 *
 * The suite runs with small limits (NQ_MAX_BODY_BYTES=65536,
 * NQ_MAX_BATCH_EVENTS=100: the ledger posts batches of exactly 100) and one
 * feed secret. Tests run in order: every answer's `accepted` count is added
 * to tk_accepted, which the ledger compares with Redis; the Redis outage comes
 * last because the Redis started again is empty (the harness's Redis keeps
 * nothing on disk).
 *
 * harness.h has no call to stop and start its Redis: the outage test kills
 * it (by the pid Redis reports) and starts a redis-server of its own on the
 * same port, which the last test stops after the suite. */
#include <stdarg.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "neiqin.pb-c.h"
#include "nq/feedsig.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/money.h"
#include "nq/period.h"
#include "nq/redis_acl.h"
#include "nq/scripts.h"
#include "nq_test.h"
#include "testkit.h"

#define HOUR_MS        3600000LL
#define DAY_MS         (24 * HOUR_MS)
#define POLL_MS        10000 /* how long KPIs may take to reflect events */
#define SCORE_MS       30000 /* how long scorers may take to catch up with the ledger */
#define RECOVER_MS     15000 /* how long the suite may take to use a restarted Redis */
#define MAX_BODY       65536
#define MAX_EVENTS     100
#define ERP_SECRET     "erp-secret-0123456789abc" /* 24 characters */
#define ACTIVITIES     "/api/v1/activities"
#define FEED_ERP       "/api/v1/feeds/erp"
#define JSON_TYPE      "application/json"
#define MAX_FRAME      131072 /* NQ_MAX_FRAME_BYTES of the suite */
#define HOLD_BACKLOG   1000   /* NQ_SCORING_BACKLOG_MAX of the suite */
#define HOLD_MS        400    /* NQ_INGEST_HOLD_MAX_MS of the suite */
#define STR_(x)        #x
#define STR(x)         STR_(x)
#define LEDGER_EVENTS  3000
#define LEDGER_BATCH   100
#define LEDGER_SP      7
#define LEDGER_DAYS    40
#define LEDGER_MONTHS  4
#define LEDGER_DUP_MOD 10  /* every 10th event (i % 10 == 5) resends an earlier one */
#define LEDGER_CON_MOD 150 /* every 150th (i % 150 == 77) changes an earlier one */

static int64_t s_now;    /* when the suite started, Unix ms */
static int s_redis_port; /* the harness's Redis port (also after the harness stopped) */
static char s_redis_pw[NQ_REDIS_PASSWORD_LEN + 1]; /* the operator's Redis password, likewise */

/* ---------------------------------------------------------------- helpers */

/* One answer: HTTP status (0 when none came), Retry-After, parsed body. */
typedef struct answer {
    int status;           /* HTTP status, 0 on a transport error */
    char retry_after[64]; /* Retry-After as sent, "" when absent */
    json_t *json;         /* the body as JSON, NULL when none or not JSON */
} answer_t;

static void answer_free(answer_t *a)
{
    json_decref(a->json);
    a->json = NULL;
}

/* POST body[0..len) to path with content_type (NULL: none) and extra header
 * lines. The answer's `accepted` is added to tk_accepted. */
static answer_t post_raw(const char *path, const char *content_type, const char *body, size_t len,
                         const char *headers)
{
    nq_httpc_response_t r;
    answer_t a = {0};
    int rc = nq_httpc_request(tk_http, "POST", path, content_type, body, len, headers, &r);
    if (rc != 0)
        fprintf(stderr, "\nPOST %s: %s\n", path, nq_httpc_strerror(rc));
    a.status = rc == 0 ? r.status : 0;
    snprintf(a.retry_after, sizeof(a.retry_after), "%s", rc == 0 ? r.retry_after : "");
    a.json = rc == 0 ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    tk_accepted += tk_num(a.json, "accepted");
    nq_httpc_response_free(&r);
    return a;
}

static answer_t post_text(const char *body)
{
    return post_raw(ACTIVITIES, JSON_TYPE, body, strlen(body), NULL);
}

/* POST a JSON value (stolen) to /api/v1/activities. */
static answer_t post_json(json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    answer_t a = post_text(text ? text : "");
    free(text);
    return a;
}

static json_t *get_json(const char *path, int *status)
{
    nq_httpc_response_t r;
    int rc = nq_httpc_request(tk_http, "GET", path, NULL, NULL, 0, NULL, &r);
    *status = rc == 0 ? r.status : 0;
    json_t *j = rc == 0 ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    nq_httpc_response_free(&r);
    return j;
}

/* Check the status and the four counters of a batch answer. */
static void expect_counts(const answer_t *a, int status, int accepted, int duplicate, int conflict,
                          int rejected)
{
    CU_ASSERT_EQUAL(a->status, status);
    CU_ASSERT_EQUAL(tk_num(a->json, "accepted"), accepted);
    CU_ASSERT_EQUAL(tk_num(a->json, "duplicate"), duplicate);
    CU_ASSERT_EQUAL(tk_num(a->json, "conflict"), conflict);
    CU_ASSERT_EQUAL(tk_num(a->json, "rejected"), rejected);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(a->json, "results")),
                    (size_t)(accepted + duplicate + conflict + rejected));
    if (a->status != status) {
        char *text = a->json ? json_dumps(a->json, JSON_COMPACT) : NULL;
        fprintf(stderr, "\nwant HTTP %d, got %d %s\n", status, a->status, text ? text : "");
        free(text);
    }
}

/* Check result i of an answer: its index, event id (NULL: not checked),
 * status and, for a rejected event, that `field` is named. */
static void expect_result(const answer_t *a, size_t i, const char *event_id, const char *status,
                          const char *field)
{
    json_t *r = json_array_get(json_object_get(a->json, "results"), i);
    CU_ASSERT_EQUAL(tk_num(r, "index"), (json_int_t)i);
    if (event_id)
        CU_ASSERT_STRING_EQUAL(tk_str(r, "event_id"), event_id);
    CU_ASSERT_STRING_EQUAL(tk_str(r, "status"), status);
    if (field) {
        bool named = tk_names_field(json_object_get(r, "errors"), field);
        if (!named) {
            char *text = json_dumps(r, JSON_COMPACT);
            fprintf(stderr, "\nresult %zu does not name '%s': %s\n", i, field, text ? text : "");
            free(text);
        }
        CU_ASSERT(named);
    }
    if (strcmp(status, "rejected") != 0)
        CU_ASSERT_PTR_NULL(json_object_get(r, "errors"));
}

static json_t *order(const char *id, const char *sp, int64_t at, const char *amount)
{
    return tk_event(id, "order", sp, "cust-it-001", at, amount);
}

static json_t *visit(const char *id, const char *sp, int64_t at)
{
    return tk_event(id, "visit", sp, "cust-it-001", at, NULL);
}

/* The KPIs of sp for the period of `kind` containing `at`, polled until
 * orders, sales (fen) and visits are as wanted or POLL_MS pass. */
static void expect_kpis(const char *sp, nq_period_kind_t kind, int64_t at, int orders,
                        int64_t sales_fen, int visits)
{
    char path[256], date[16], want[32];
    int status = 0;
    json_t *got = NULL;
    bool ok = false;
    tk_date_of(at, date, sizeof(date));
    nq_money_format(sales_fen, want, sizeof(want));
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s/kpis?period=%s&at=%s", sp,
             nq_period_kind_name(kind), date);
    for (int64_t deadline = tk_mono_ms() + POLL_MS; !ok && tk_mono_ms() < deadline;) {
        json_decref(got);
        got = get_json(path, &status);
        json_t *k = json_object_get(got, "kpis");
        ok = status == 200 && tk_num(k, "orders") == orders && tk_num(k, "visits") == visits &&
             strcmp(tk_str(k, "sales_amount"), want) == 0;
        if (!ok)
            usleep(100000);
    }
    if (!ok) {
        char *text = got ? json_dumps(got, JSON_COMPACT) : NULL;
        fprintf(stderr, "\nGET %s: want orders %d, sales %s, visits %d; got HTTP %d %s\n", path,
                orders, want, visits, status, text ? text : "(no JSON)");
        free(text);
    }
    CU_ASSERT(ok);
    nq_period_t p;
    nq_period_of(kind, at, &p);
    CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(got, "period"), "key"), p.key);
    json_decref(got);
}

/* ---- Redis, read directly ---- */

static redisContext *redis_connect(void)
{
    redisContext *c = redisConnectWithTimeout("127.0.0.1", s_redis_port, (struct timeval){1, 0});
    redisReply *r =
        c && !c->err ? redisCommand(c, "AUTH %s %s", NQ_REDIS_ACL_ADMIN, s_redis_pw) : NULL;
    if (c && !c->err && (!r || r->type == REDIS_REPLY_ERROR))
        c->err = REDIS_ERR_OTHER;
    freeReplyObject(r);
    if (c && c->err) {
        redisFree(c);
        return NULL;
    }
    return c;
}

/* An integer answer (GET of a counter, XLEN, ...); -1 when Redis does not
 * answer, 0 for nil. */
static long long redis_int(const char *fmt, const char *arg)
{
    redisContext *c = redis_connect();
    redisReply *r = c ? redisCommand(c, fmt, arg) : NULL;
    long long v = tk_reply_int(r);
    freeReplyObject(r);
    if (c)
        redisFree(c);
    return v;
}

static long long stat_accepted(void)
{
    return redis_int("GET %s", NQ_KEY_STATS_ACCEPTED);
}

static long long stat_scored(void)
{
    return redis_int("GET %s", NQ_KEY_STATS_SCORED);
}

/* The events that count in the activity log, decoded entry by entry. */
static long long log_events(void)
{
    redisContext *c = redis_connect();
    long long n = c ? nq_harness_log_events(c) : -1;
    if (c)
        redisFree(c);
    return n;
}

/* The stored event with event_id, from the newest `count` log entries
 * (caller frees with nq__activity__free_unpacked), or NULL. */
static Nq__Activity *stored_event(const char *event_id, int count)
{
    redisContext *c = redis_connect();
    Nq__Activity *found = c ? nq_harness_log_find(c, event_id, count) : NULL;
    if (c)
        redisFree(c);
    return found;
}

/* ------------------------------------------------------------ suite setup */

static int suite_init(void)
{
    static const char *const env[] = {
        "NQ_MAX_BODY_BYTES=65536",
        "NQ_MAX_BATCH_EVENTS=100",
        "NQ_FEED_SECRETS=erp=" ERP_SECRET,
        "NQ_FUTURE_SKEW_S=300",
        "NQ_FEED_TOLERANCE_S=300",
        "NQ_REQUEST_TIMEOUT_MS=2000",
        "NQ_SCORING_BACKLOG_MAX=" STR(HOLD_BACKLOG),
        "NQ_INGEST_HOLD_MAX_MS=" STR(HOLD_MS),
        "NQ_MAX_FRAME_BYTES=" STR(MAX_FRAME),
        NULL,
    };
    s_now = nq_now_ms();
    if (tk_start(env) != 0)
        return 1;
    s_redis_port = nq_harness_redis_port(tk_h);
    char dir[400], err[300];
    snprintf(dir, sizeof(dir), "%s/redis-acl", nq_harness_dir(tk_h));
    if (nq_redis_acl_password(dir, NQ_REDIS_ACL_ADMIN, s_redis_pw, sizeof(s_redis_pw), err,
                              sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    nq_httpc_set_timeout(tk_http, 5000); /* > NQ_REQUEST_TIMEOUT_MS: its 503 comes first */
    return 0;
}

static int suite_clean(void)
{
    tk_stop(); /* left over when a test failed before the last one */
    return 0;
}

/* ------------------------------------------------------------------ tests */

/* Two events stored first, so that the mixed batch can repeat and change them. */
static void test_batch_mixed(void)
{
    int64_t at = s_now - 2 * HOUR_MS;
    answer_t a = post_json(json_pack("[o, o]", order("mx-prior-1", "sp-it-mix", at, "100.00"),
                                     visit("mx-prior-2", "sp-it-mix", at)));
    expect_counts(&a, 202, 2, 0, 0, 0);
    answer_free(&a);

    json_t *no_sp = visit("mx-bad-nosp", "sp-it-mix", at);
    json_object_del(no_sp, "salesperson_id");
    json_t *no_id = visit("mx-bad-noid", "sp-it-mix", at);
    json_object_del(no_id, "event_id");
    json_t *bad_type = visit("mx-bad-type", "sp-it-mix", at);
    json_object_set_new(bad_type, "type", json_string("teleport"));
    json_t *unknown = visit("mx-bad-unknown", "sp-it-mix", at);
    json_object_set_new(unknown, "colour", json_string("red"));
    json_t *wrong_type = visit("mx-bad-duration", "sp-it-mix", at);
    json_object_set_new(wrong_type, "duration_s", json_string("long"));
    json_t *bad_time = visit("mx-bad-time", "sp-it-mix", at);
    json_object_set_new(bad_time, "occurred_at", json_string("yesterday"));
    json_t *not_applicable = visit("mx-bad-amount-visit", "sp-it-mix", at);
    json_object_set_new(not_applicable, "amount", json_string("10.00"));
    json_t *bad_location = visit("mx-bad-location", "sp-it-mix", at);
    json_object_set_new(bad_location, "location",
                        json_pack("{s:f, s:f}", "lat", 123.0, "lng", 1.0));
    json_t *bad_rating =
        tk_event("mx-bad-rating", "feedback", "sp-it-mix", "cust-it-001", at, NULL);
    json_object_set_new(bad_rating, "rating", json_integer(9));

    json_t *batch = json_pack(
        "[o, o, o, o, o, o, o, o, o, o, o, o, o, o, o, o, o, i]",
        order("mx-good-1", "sp-it-mix", at, "200.00"),              /* 0 accepted */
        no_sp,                                                      /* 1 salesperson_id */
        order("mx-prior-1", "sp-it-mix", at, "100.00"),             /* 2 duplicate */
        order("mx-bad-decimals", "sp-it-mix", at, "12.345"),        /* 3 amount */
        order("mx-prior-1", "sp-it-mix", at, "101.00"),             /* 4 conflict */
        bad_type,                                                   /* 5 type */
        visit("mx-good-2", "sp-it-mix", at),                        /* 6 accepted */
        unknown,                                                    /* 7 colour */
        visit("mx-good-2", "sp-it-mix", at),                        /* 8 duplicate in the batch */
        wrong_type,                                                 /* 9 duration_s */
        tk_event("mx-good-2", "call", "sp-it-mix", NULL, at, NULL), /* 10 conflict in the batch */
        bad_time,                                                   /* 11 occurred_at */
        not_applicable,                                             /* 12 amount */
        bad_location,                                               /* 13 location */
        bad_rating,                                                 /* 14 rating */
        no_id,                                                      /* 15 event_id */
        tk_event("mx-good-3", "call", "sp-it-mix", NULL, at, NULL), /* 16 accepted */
        42);                                                        /* 17 not an object */
    CU_ASSERT_PTR_NOT_NULL_FATAL(batch);
    a = post_json(batch);
    expect_counts(&a, 207, 3, 2, 2, 11);
    expect_result(&a, 0, "mx-good-1", "accepted", NULL);
    expect_result(&a, 1, "mx-bad-nosp", "rejected", "salesperson_id");
    expect_result(&a, 2, "mx-prior-1", "duplicate", NULL);
    expect_result(&a, 3, "mx-bad-decimals", "rejected", "amount");
    expect_result(&a, 4, "mx-prior-1", "conflict", NULL);
    expect_result(&a, 5, "mx-bad-type", "rejected", "type");
    expect_result(&a, 6, "mx-good-2", "accepted", NULL);
    expect_result(&a, 7, "mx-bad-unknown", "rejected", "colour");
    expect_result(&a, 8, "mx-good-2", "duplicate", NULL);
    expect_result(&a, 9, "mx-bad-duration", "rejected", "duration_s");
    expect_result(&a, 10, "mx-good-2", "conflict", NULL);
    expect_result(&a, 11, "mx-bad-time", "rejected", "occurred_at");
    expect_result(&a, 12, "mx-bad-amount-visit", "rejected", "amount");
    expect_result(&a, 13, "mx-bad-location", "rejected", "location");
    expect_result(&a, 14, "mx-bad-rating", "rejected", "rating");
    expect_result(&a, 15, NULL, "rejected", "event_id");
    expect_result(&a, 16, "mx-good-3", "accepted", NULL);
    expect_result(&a, 17, NULL, "rejected", NULL);
    answer_free(&a);

    /* The first version of mx-prior-1 counts once, its conflict not at all. */
    expect_kpis("sp-it-mix", NQ_PERIOD_DAY, at, 2, 30000, 2);
}

static void test_batch_all_one_kind(void)
{
    int64_t at = s_now - 3 * HOUR_MS;
    json_t *bad = visit("ak-bad-2", "sp-it-kind", at);
    json_object_del(bad, "customer_id");
    answer_t a = post_json(json_pack("[o, o]", order("ak-bad-1", "sp-it-kind", at, "-5"), bad));
    expect_counts(&a, 400, 0, 0, 0, 2);
    expect_result(&a, 0, "ak-bad-1", "rejected", "amount");
    expect_result(&a, 1, "ak-bad-2", "rejected", "customer_id");
    answer_free(&a);

    a = post_json(json_pack("[o, o, o]", order("ak-good-1", "sp-it-kind", at, "10.00"),
                            order("ak-good-2", "sp-it-kind", at, "20.00"),
                            visit("ak-good-3", "sp-it-kind", at)));
    expect_counts(&a, 202, 3, 0, 0, 0);
    answer_free(&a);

    a = post_json(json_pack("[o, o]", order("ak-good-1", "sp-it-kind", at, "11.00"),
                            order("ak-good-2", "sp-it-kind", at, "21.00")));
    expect_counts(&a, 409, 0, 0, 2, 0);
    expect_result(&a, 0, "ak-good-1", "conflict", NULL);
    expect_result(&a, 1, "ak-good-2", "conflict", NULL);
    answer_free(&a);

    /* Only duplicates is a success; one conflict among rejects is 400. */
    a = post_json(json_pack("[o, o]", order("ak-good-1", "sp-it-kind", at, "10.00"),
                            visit("ak-good-3", "sp-it-kind", at)));
    expect_counts(&a, 202, 0, 2, 0, 0);
    answer_free(&a);
    a = post_json(json_pack("[o, o]", order("ak-good-1", "sp-it-kind", at, "12.00"),
                            order("ak-bad-3", "sp-it-kind", at, "0")));
    expect_counts(&a, 400, 0, 0, 1, 1);
    answer_free(&a);

    /* One object instead of an array; a body without a Content-Type is refused (a web
     * page could send it without a CORS preflight), naming the types the route takes. */
    a = post_json(visit("ak-good-4", "sp-it-kind", at));
    expect_counts(&a, 202, 1, 0, 0, 0);
    expect_result(&a, 0, "ak-good-4", "accepted", NULL);
    answer_free(&a);
    json_t *e = visit("ak-good-5", "sp-it-kind", at);
    char *text = json_dumps(e, JSON_COMPACT);
    json_decref(e);
    a = post_raw(ACTIVITIES, NULL, text, strlen(text), NULL);
    CU_ASSERT_EQUAL(a.status, 415);
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(a.json, "detail"), "application/x-ndjson"));
    answer_free(&a);
    free(text);

    expect_kpis("sp-it-kind", NQ_PERIOD_DAY, at, 2, 3000, 2);
}

/* A refused body: status, error code, and a detail that says why. */
static void expect_refused(answer_t a, int status, const char *error)
{
    CU_ASSERT_EQUAL(a.status, status);
    CU_ASSERT_STRING_EQUAL(tk_str(a.json, "error"), error);
    CU_ASSERT(strlen(tk_str(a.json, "detail")) > 0);
    CU_ASSERT_PTR_NULL(json_object_get(a.json, "results"));
    if (a.status != status)
        fprintf(stderr, "\nwant HTTP %d %s, got %d %s\n", status, error, a.status,
                tk_str(a.json, "detail"));
    answer_free(&a);
}

/* A JSON array of n small valid visits of sp-it-limit, ids prefix-<i>. */
static char *visits_text(const char *prefix, int n, size_t pad)
{
    json_t *arr = json_array();
    char id[64];
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "%s-%d", prefix, i);
        json_t *e = visit(id, "sp-it-limit", s_now - HOUR_MS);
        if (pad) {
            char *notes = malloc(pad + 1);
            memset(notes, 'x', pad);
            notes[pad] = '\0';
            json_object_set_new(e, "notes", json_string(notes));
            free(notes);
        }
        json_array_append_new(arr, e);
    }
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return text;
}

static void test_bodies_refused(void)
{
    expect_refused(post_text("[]"), 400, "invalid");
    expect_refused(post_text("42"), 400, "invalid");
    answer_t a = post_text("this is not JSON");
    CU_ASSERT(strstr(tk_str(a.json, "detail"), "JSON") != NULL);
    expect_refused(a, 400, "invalid");
    expect_refused(post_text("[{\"event_id\": \"x\""), 400, "invalid");

    const char *one = "{\"event_id\":\"ct-1\",\"type\":\"call\",\"salesperson_id\":\"sp-it-limit\","
                      "\"occurred_at\":\"2024-01-01\"}";
    expect_refused(post_raw(ACTIVITIES, "text/plain", one, strlen(one), NULL), 415,
                   "unsupported_media_type");
    expect_refused(post_raw(ACTIVITIES, "application/xml", one, strlen(one), NULL), 415,
                   "unsupported_media_type");

    /* Duplicate keys, invalid UTF-8 in a string. */
    expect_refused(post_text("{\"event_id\":\"dk-1\",\"event_id\":\"dk-2\",\"type\":\"call\","
                             "\"salesperson_id\":\"sp-it-limit\",\"occurred_at\":\"2024-01-01\"}"),
                   400, "invalid");
    expect_refused(post_text("{\"event_id\":\"u8-1\",\"type\":\"call\",\"salesperson_id\":"
                             "\"sp-it-limit\",\"occurred_at\":\"2024-01-01\",\"notes\":\"ab\xff\xfe"
                             "cd\"}"),
                   400, "invalid");
    expect_refused(post_text("{\"event_id\":\"u8-2\",\"type\":\"call\",\"salesperson_id\":"
                             "\"sp-it-limit\",\"occurred_at\":\"2024-01-01\",\"notes\":\"\xc3\"}"),
                   400, "invalid");

    /* Deep nesting: refused, and the gateway still serves. */
    enum { DEPTH = 10000 };
    char *deep = malloc(2 * DEPTH + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(deep);
    memset(deep, '[', DEPTH);
    memset(deep + DEPTH, ']', DEPTH);
    deep[2 * DEPTH] = '\0';
    expect_refused(post_text(deep), 400, "invalid");
    memset(deep, '{', 1); /* "{[[[...]]]" is not JSON either */
    expect_refused(post_text(deep), 400, "invalid");
    free(deep);
    int status;
    json_decref(get_json("/livez", &status));
    CU_ASSERT_EQUAL(status, 200);
    a = post_json(visit("deep-after", "sp-it-limit", s_now - HOUR_MS));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);

    /* Limits: exactly NQ_MAX_BATCH_EVENTS is fine, one more is 413; a body over
     * NQ_MAX_BODY_BYTES is 413 whatever it holds. */
    char *text = visits_text("lim-a", MAX_EVENTS, 0);
    CU_ASSERT_FATAL(strlen(text) < MAX_BODY);
    a = post_text(text);
    expect_counts(&a, 202, MAX_EVENTS, 0, 0, 0);
    answer_free(&a);
    free(text);
    text = visits_text("lim-b", MAX_EVENTS + 1, 0);
    CU_ASSERT_FATAL(strlen(text) < MAX_BODY);
    expect_refused(post_text(text), 413, "too_large");
    free(text);
    text = visits_text("lim-c", 20, 3500); /* ~70 KiB */
    CU_ASSERT_FATAL(strlen(text) > MAX_BODY);
    a = post_text(text);
    CU_ASSERT_EQUAL(a.status, 413);
    answer_free(&a);
    free(text);
    json_decref(get_json("/livez", &status));
    CU_ASSERT_EQUAL(status, 200);
    expect_kpis("sp-it-limit", NQ_PERIOD_DAY, s_now - HOUR_MS, 0, 0, MAX_EVENTS + 1);
}

/* docs/api.md, "Examples, one per type", verbatim. */
static const char *const doc_examples[] = {
    "{\"event_id\":\"app-v-1001\",\"type\":\"visit\",\"salesperson_id\":\"sp-zhangwei\",\"customer_"
    "id\":\"cust-001\",\"occurred_at\":\"2026-11-26T09:30:00+08:00\",\"location\":{\"lat\":31.2304,"
    "\"lng\":121.4737,\"accuracy_m\":15},\"duration_s\":1800,\"purpose\":\"季度回访\",\"notes\":"
    "\"客户关注新品\"}",
    "{\"event_id\":\"pbx-c-2001\",\"type\":\"call\",\"salesperson_id\":\"sp-zhangwei\",\"customer_"
    "id\":\"cust-001\",\"occurred_at\":\"2026-11-26T10:05:00+08:00\",\"duration_s\":240,"
    "\"direction\":\"outbound\",\"outcome\":\"约好下周拜访\"}",
    "{\"event_id\":\"cal-m-3001\",\"type\":\"meeting\",\"salesperson_id\":\"sp-lina\",\"occurred_"
    "at\":\"2026-11-26T14:00:00+08:00\",\"duration_s\":3600,\"purpose\":\"方案评审\"}",
    "{\"event_id\":\"erp-o-4001\",\"type\":\"order\",\"salesperson_id\":\"sp-zhangwei\",\"customer_"
    "id\":\"cust-001\",\"occurred_at\":\"2026-11-26T11:00:00+08:00\",\"order_id\":\"SO-20261126-"
    "01\",\"amount\":\"86000.00\",\"due_at\":\"2026-12-10\",\"line_count\":3}",
    "{\"event_id\":\"erp-f-4002\",\"type\":\"order_fulfilled\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-12-09T16:00:00+08:00\",\"order_id\":\"SO-"
    "20261126-01\",\"on_time\":true,\"amount\":\"86000.00\"}",
    "{\"event_id\":\"erp-x-4003\",\"type\":\"order_cancelled\",\"salesperson_id\":\"sp-lina\","
    "\"customer_id\":\"cust-002\",\"occurred_at\":\"2026-11-26T12:00:00+08:00\",\"order_id\":\"SO-"
    "20261120-07\",\"amount\":\"3200.00\"}",
    "{\"event_id\":\"erp-r-4004\",\"type\":\"return\",\"salesperson_id\":\"sp-lina\",\"customer_"
    "id\":\"cust-002\",\"occurred_at\":\"2026-11-26T12:30:00+08:00\",\"order_id\":\"SO-20261101-"
    "02\",\"amount\":\"450.50\"}",
    "{\"event_id\":\"erp-i-5001\",\"type\":\"invoice\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T17:00:00+08:00\",\"order_id\":\"SO-"
    "20261126-01\",\"amount\":\"86000.00\",\"due_at\":\"2026-12-26\"}",
    "{\"event_id\":\"erp-p-5002\",\"type\":\"payment\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-27T09:00:00+08:00\",\"amount\":"
    "\"40000.00\"}",
    "{\"event_id\":\"crm-n-6001\",\"type\":\"new_customer\",\"salesperson_id\":\"sp-wangfang\","
    "\"customer_id\":\"cust-010\",\"occurred_at\":\"2026-11-26T15:00:00+08:00\"}",
    "{\"event_id\":\"srv-fb-7001\",\"type\":\"feedback\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T18:00:00+08:00\",\"rating\":5,"
    "\"nps\":9,\"channel\":\"survey\",\"text\":\"服务及时\"}",
    "{\"event_id\":\"svc-t-8001\",\"type\":\"ticket_opened\",\"salesperson_id\":\"sp-liuyang\","
    "\"customer_id\":\"cust-004\",\"occurred_at\":\"2026-11-26T10:00:00+08:00\",\"ticket_id\":"
    "\"TK-1001\",\"category\":\"质量投诉\",\"priority\":\"high\"}",
    "{\"event_id\":\"svc-t-8002\",\"type\":\"ticket_closed\",\"salesperson_id\":\"sp-liuyang\","
    "\"customer_id\":\"cust-004\",\"occurred_at\":\"2026-11-27T10:00:00+08:00\",\"ticket_id\":"
    "\"TK-1001\",\"outcome\":\"已换货\"}",
    "{\"event_id\":\"app-ci-9001\",\"type\":\"competitor_intel\",\"salesperson_id\":\"sp-lina\","
    "\"customer_id\":\"cust-002\",\"occurred_at\":\"2026-11-26T13:00:00+08:00\",\"competitor\":"
    "\"某竞品\",\"product\":\"A100\",\"price\":\"980.00\",\"text\":\"对方降价 10%\"}",
    "{\"event_id\":\"lms-tr-9501\",\"type\":\"training\",\"salesperson_id\":\"sp-wangfang\","
    "\"occurred_at\":\"2026-11-25T19:00:00+08:00\",\"course\":\"大客户谈判\",\"score\":92}",
};
#define N_TYPES (sizeof(doc_examples) / sizeof(doc_examples[0]))

/* For each example in turn: the field that, removed, makes it invalid, and
 * the field the error names (a feedback without rating and nps names rating). */
static const char *const required_field[N_TYPES][3] = {
    {"customer_id", NULL, "customer_id"},
    {"occurred_at", NULL, "occurred_at"},
    {"salesperson_id", NULL, "salesperson_id"},
    {"amount", NULL, "amount"},
    {"on_time", NULL, "on_time"},
    {"order_id", NULL, "order_id"},
    {"amount", NULL, "amount"},
    {"due_at", NULL, "due_at"},
    {"customer_id", NULL, "customer_id"},
    {"customer_id", NULL, "customer_id"},
    {"rating", "nps", "rating"},
    {"ticket_id", NULL, "ticket_id"},
    {"ticket_id", NULL, "ticket_id"},
    {"competitor", NULL, "competitor"},
    {"course", NULL, "course"},
};

/* Example i with its own id ("<prefix>-<doc id>") and times moved to now:
 * occurred two hours ago, due in two weeks. */
static json_t *doc_example(size_t i, const char *prefix)
{
    char id[160], when[48], due[16];
    json_t *e = json_loads(doc_examples[i], JSON_REJECT_DUPLICATES, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    snprintf(id, sizeof(id), "%s-%s", prefix, tk_str(e, "event_id"));
    json_object_set_new(e, "event_id", json_string(id));
    nq_time_format(s_now - 2 * HOUR_MS, when, sizeof(when));
    json_object_set_new(e, "occurred_at", json_string(when));
    if (json_object_get(e, "due_at")) {
        tk_date_of(s_now + 14 * DAY_MS, due, sizeof(due));
        json_object_set_new(e, "due_at", json_string(due));
    }
    return e;
}

static void test_every_type(void)
{
    json_t *batch = json_array();
    for (size_t i = 0; i < N_TYPES; i++)
        json_array_append_new(batch, doc_example(i, "ty"));
    answer_t a = post_json(batch);
    expect_counts(&a, 202, (int)N_TYPES, 0, 0, 0);
    for (size_t i = 0; i < N_TYPES; i++) {
        json_t *e = doc_example(i, "ty");
        expect_result(&a, i, tk_str(e, "event_id"), "accepted", NULL);
        json_decref(e);
    }
    answer_free(&a);

    /* One by one, each example alone is accepted too (as a new event). */
    for (size_t i = 0; i < N_TYPES; i++) {
        json_t *e = doc_example(i, "ty1");
        char id[160];
        snprintf(id, sizeof(id), "%s", tk_str(e, "event_id"));
        a = post_json(e);
        expect_counts(&a, 202, 1, 0, 0, 0);
        expect_result(&a, 0, id, "accepted", NULL);
        answer_free(&a);
    }

    batch = json_array();
    for (size_t i = 0; i < N_TYPES; i++) {
        json_t *e = doc_example(i, "rq");
        for (int k = 0; k < 2 && required_field[i][k]; k++)
            CU_ASSERT_EQUAL(json_object_del(e, required_field[i][k]), 0);
        json_array_append_new(batch, e);
    }
    a = post_json(batch);
    expect_counts(&a, 400, 0, 0, 0, (int)N_TYPES);
    for (size_t i = 0; i < N_TYPES; i++) {
        json_t *e = doc_example(i, "rq");
        expect_result(&a, i, tk_str(e, "event_id"), "rejected", required_field[i][2]);
        json_decref(e);
    }
    answer_free(&a);

    /* The order example counts for sp-zhangwei (twice: ty- and ty1-). */
    expect_kpis("sp-zhangwei", NQ_PERIOD_DAY, s_now - 2 * HOUR_MS, 2, 2 * 8600000, 2);
}

static json_t *with_amount(json_t *e, json_t *amount)
{
    json_object_set_new(e, "amount", amount);
    return e;
}

static void test_amounts_and_times(void)
{
    int64_t at = s_now - 3 * HOUR_MS;
    answer_t a = post_json(
        json_pack("[o, o, o, o, o, o, o]", order("am-1", "sp-it-amt", at, "0.01"),
                  with_amount(order("am-2", "sp-it-amt", at, NULL), json_real(1234.5)),
                  order("am-3", "sp-it-amt", at, "12.345"), order("am-4", "sp-it-amt", at, "-1"),
                  order("am-5", "sp-it-amt", at, "1e3"), order("am-6", "sp-it-amt", at, "0.00"),
                  with_amount(order("am-7", "sp-it-amt", at, NULL), json_real(0.001))));
    expect_counts(&a, 207, 2, 0, 0, 5);
    expect_result(&a, 0, "am-1", "accepted", NULL);
    expect_result(&a, 1, "am-2", "accepted", NULL);
    for (size_t i = 2; i < 7; i++)
        expect_result(&a, i, NULL, "rejected", "amount");
    answer_free(&a);
    expect_kpis("sp-it-amt", NQ_PERIOD_DAY, at, 2, 123451, 0);

    /* Numbers are judged on the text sent, as strings are: these read as 1.5
     * and 0.3 once parsed, but have more than two decimals. Both on the fast
     * path (a plain body) and the general one (an escape sends it there). */
    char when[48], body[1024];
    nq_time_format(at, when, sizeof(when));
    static const char *const notes[] = {"plain", "esc\\u00e9"};
    for (size_t k = 0; k < 2; k++) {
        snprintf(
            body, sizeof(body),
            "[{\"event_id\":\"amt-n1-%zu\",\"type\":\"order\",\"salesperson_id\":\"sp-it-amt\","
            "\"occurred_at\":\"%s\",\"amount\":1.50000000000000000001,\"notes\":\"%s\"},"
            "{\"event_id\":\"amt-n2-%zu\",\"type\":\"order\",\"salesperson_id\":\"sp-it-amt\","
            "\"occurred_at\":\"%s\",\"amount\":0.29999999999999999}]",
            k, when, notes[k], k, when);
        a = post_text(body);
        expect_counts(&a, 400, 0, 0, 0, 2);
        for (size_t i = 0; i < 2; i++) {
            json_t *r = json_array_get(json_object_get(a.json, "results"), i);
            json_t *e = json_array_get(json_object_get(r, "errors"), 0);
            CU_ASSERT_STRING_EQUAL(tk_str(e, "field"), "amount");
            CU_ASSERT_STRING_EQUAL(tk_str(e, "reason"), "more than two decimals");
        }
        answer_free(&a);
    }

    /* occurred_at: beyond now + skew is refused, within it is fine, before 2000 is refused. */
    a = post_json(json_pack("[o, o, o, o]", visit("tm-future", "sp-it-time", nq_now_ms() + 600000),
                            visit("tm-skew", "sp-it-time", nq_now_ms() + 60000),
                            visit("tm-1999", "sp-it-time", 915148800000LL),
                            visit("tm-past", "sp-it-time", s_now - DAY_MS)));
    expect_counts(&a, 207, 2, 0, 0, 2);
    expect_result(&a, 0, "tm-future", "rejected", "occurred_at");
    expect_result(&a, 1, "tm-skew", "accepted", NULL);
    expect_result(&a, 2, "tm-1999", "rejected", "occurred_at");
    expect_result(&a, 3, "tm-past", "accepted", NULL);
    answer_free(&a);

    /* A late event of last month counts in last month, not this one. */
    nq_period_t month, last;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, s_now, &month), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_prev(&month, &last), 0);
    int64_t late = last.start_ms + 5 * DAY_MS + 10 * HOUR_MS;
    a = post_json(json_pack("[o, o]", order("late-1", "sp-it-late", late, "777.77"),
                            visit("late-2", "sp-it-late", late + HOUR_MS)));
    expect_counts(&a, 202, 2, 0, 0, 0);
    answer_free(&a);
    expect_kpis("sp-it-late", NQ_PERIOD_MONTH, late, 1, 77777, 1);
    expect_kpis("sp-it-late", NQ_PERIOD_MONTH, s_now, 0, 0, 0);
    /* Unix milliseconds are a time too. */
    json_t *ms = order("late-3", "sp-it-late", late, "0.23");
    json_object_set_new(ms, "occurred_at", json_integer(late + 2 * HOUR_MS));
    a = post_json(ms);
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    expect_kpis("sp-it-late", NQ_PERIOD_MONTH, late, 2, 77800, 1);
}

static void test_ndjson(void)
{
    char when[48], body[2048];
    nq_time_format(s_now - HOUR_MS, when, sizeof(when));
    snprintf(body, sizeof(body),
             "{\"event_id\":\"nd-1\",\"type\":\"visit\",\"salesperson_id\":\"sp-it-nd\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\"}\n"
             "{\"event_id\":\"nd-2\",\"type\":\"order\",\"salesperson_id\":\"sp-it-nd\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\",\"amount\":\"5.50\"}\r\n"
             "{\"event_id\":\"nd-3\", this line is broken\n"
             "\n"
             "{\"event_id\":\"nd-4\",\"type\":\"order\",\"salesperson_id\":\"sp-it-nd\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\",\"amount\":\"1.005\"}\n"
             "   \n"
             "{\"event_id\":\"nd-5\",\"type\":\"visit\",\"salesperson_id\":\"sp-it-nd\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\"}",
             when, when, when, when);
    answer_t a = post_raw(ACTIVITIES, "application/x-ndjson", body, strlen(body), NULL);
    expect_counts(&a, 207, 3, 0, 0, 2);
    expect_result(&a, 0, "nd-1", "accepted", NULL);
    expect_result(&a, 1, "nd-2", "accepted", NULL);
    expect_result(&a, 2, NULL, "rejected", NULL);
    expect_result(&a, 3, "nd-4", "rejected", "amount");
    expect_result(&a, 4, "nd-5", "accepted", NULL);
    CU_ASSERT(json_array_size(json_object_get(json_array_get(json_object_get(a.json, "results"), 2),
                                              "errors")) > 0);
    answer_free(&a);
    expect_kpis("sp-it-nd", NQ_PERIOD_DAY, s_now - HOUR_MS, 1, 550, 2);

    a = post_raw(ACTIVITIES, "application/x-ndjson; charset=utf-8", "\n\n", 2, NULL);
    CU_ASSERT_EQUAL(a.status, 400);
    answer_free(&a);
}

/* A malformed \u escape followed by a multi-byte character: the parser's
 * message quotes part of that character, which once made the answer
 * impossible to build (500 {"error":"internal"}). Every variant is a 400
 * whose reasons are valid UTF-8 (the answer parses as JSON: jansson refuses
 * invalid UTF-8). */
static void test_malformed_escapes(void)
{
    static const char *const bodies[] = {
        "{\"event_id\":\"esc-1\",\"type\":\"visit\",\"salesperson_id\":\"sp-it-esc\","
        "\"occurred_at\":\"2026-01-01\",\"notes\":\"\\u\xc3\xa9\"}",
        "{\"name\":\"\\u\xe5\xae\xa2\"}",
        "[{\"event_id\":\"esc-2\",\"type\":\"visit\",\"salesperson_id\":\"sp-it-esc\","
        "\"occurred_at\":\"2026-01-01\"},{\"notes\":\"\\u\xe5\xae\xa2\"}]",
        "{\"notes\":\"\\u12\xe5\xae\xa2\"}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        answer_t a = post_text(bodies[i]);
        CU_ASSERT_PTR_NOT_NULL(a.json);
        CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(a.json, "detail"), "invalid escape"));
        expect_refused(a, 400, "invalid");
    }

    /* NDJSON: the bad line is rejected with its reason, the others taken. */
    char when[48], body[1024];
    nq_time_format(s_now - HOUR_MS, when, sizeof(when));
    snprintf(body, sizeof(body),
             "{\"event_id\":\"esc-nd-1\",\"type\":\"call\",\"salesperson_id\":\"sp-it-esc\","
             "\"occurred_at\":\"%s\"}\n"
             "{\"event_id\":\"esc-nd-2\",\"type\":\"visit\",\"salesperson_id\":\"sp-it-esc\","
             "\"occurred_at\":\"%s\",\"notes\":\"\\u\xc3\xa9\"}\n"
             "{\"name\":\"\\u\xe5\xae\xa2\"}\n",
             when, when);
    answer_t a = post_raw(ACTIVITIES, "application/x-ndjson", body, strlen(body), NULL);
    expect_counts(&a, 207, 1, 0, 0, 2);
    for (size_t i = 1; i < 3; i++) {
        json_t *r = json_array_get(json_object_get(a.json, "results"), i);
        json_t *e = json_array_get(json_object_get(r, "errors"), 0);
        CU_ASSERT_STRING_EQUAL(tk_str(e, "field"), "(line)");
        CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(e, "reason"), "invalid escape"));
    }
    answer_free(&a);

    /* An unknown field whose name is cut to fit the error: cut between
     * characters, so the error is in the answer. */
    json_t *ev = visit("esc-long-key", "sp-it-esc", s_now - HOUR_MS);
    json_object_set_new(ev, "客户客户客户客户客户客户客户客户客户客户", json_string("x"));
    a = post_json(ev);
    expect_counts(&a, 400, 0, 0, 0, 1);
    json_t *r = json_array_get(json_object_get(a.json, "results"), 0);
    json_t *e = json_array_get(json_object_get(r, "errors"), 0);
    CU_ASSERT_EQUAL(strncmp(tk_str(e, "field"), "客户客户", strlen("客户客户")), 0);
    CU_ASSERT_STRING_EQUAL(tk_str(e, "reason"), "unknown field");
    answer_free(&a);
}

/* POST a packed ActivityBatchRequest of the n events. */
static answer_t post_protobuf(Nq__Activity **events, size_t n)
{
    Nq__ActivityBatchRequest req = NQ__ACTIVITY_BATCH_REQUEST__INIT;
    req.events = events;
    req.n_events = n;
    size_t len = nq__activity_batch_request__get_packed_size(&req);
    uint8_t *buf = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    nq__activity_batch_request__pack(&req, buf);
    answer_t a = post_raw(ACTIVITIES, "application/x-protobuf", (const char *)buf, len, NULL);
    free(buf);
    return a;
}

/* A protobuf activity of salesperson sp with customer cust-it-001 at `at`. */
static Nq__Activity pb_activity(char *id, char *type, char *sp, int64_t at)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT;
    ev.event_id = id;
    ev.type = type;
    ev.salesperson_id = sp;
    ev.customer_id = "cust-it-001";
    ev.has_occurred_at = 1;
    ev.occurred_at = at;
    return ev;
}

static void test_protobuf(void)
{
    int64_t at = s_now - HOUR_MS;
    Nq__Activity o = pb_activity("pb-1", "order", "sp-it-pb", at);
    Nq__Activity v = pb_activity("pb-2", "visit", "sp-it-pb", at);
    Nq__GeoPoint where = NQ__GEO_POINT__INIT;
    o.has_amount_fen = 1;
    o.amount_fen = 12345;
    where.has_lat = where.has_lng = 1;
    where.lat = 31.2304;
    where.lng = 121.4737;
    v.location = &where;
    Nq__Activity bad = o;
    bad.event_id = "pb-3";
    bad.amount_fen = -100;
    Nq__Activity *events[] = {&o, &v, &bad};
    answer_t a = post_protobuf(events, 2);
    expect_counts(&a, 202, 2, 0, 0, 0);
    expect_result(&a, 0, "pb-1", "accepted", NULL);
    expect_result(&a, 1, "pb-2", "accepted", NULL);
    answer_free(&a);
    a = post_protobuf(events, 3);
    expect_counts(&a, 207, 0, 2, 0, 1);
    expect_result(&a, 2, "pb-3", "rejected", "amount");
    answer_free(&a);
    expect_kpis("sp-it-pb", NQ_PERIOD_DAY, at, 1, 12345, 1);

    /* More events than allowed. */
    Nq__Activity *many[MAX_EVENTS + 1];
    for (size_t i = 0; i < MAX_EVENTS + 1; i++)
        many[i] = &v;
    a = post_protobuf(many, MAX_EVENTS + 1);
    CU_ASSERT_EQUAL(a.status, 413);
    answer_free(&a);

    /* Garbage, an empty message. */
    static const char garbage[] = "\xff\xff\xff\xff\xff\x01not a protobuf at all\x0a\xff";
    a = post_raw(ACTIVITIES, "application/x-protobuf", garbage, sizeof(garbage) - 1, NULL);
    CU_ASSERT_EQUAL(a.status, 400);
    CU_ASSERT_STRING_EQUAL(tk_str(a.json, "error"), "invalid");
    answer_free(&a);
    a = post_raw(ACTIVITIES, "application/x-protobuf", "", 0, NULL);
    CU_ASSERT_EQUAL(a.status, 400);
    answer_free(&a);
    int status;
    json_decref(get_json("/livez", &status));
    CU_ASSERT_EQUAL(status, 200);
}

/* ---- signed webhooks ---- */

/* POST body to a feed path signed with secret at ts ("" secret: no
 * signature header; ts NULL: no timestamp header). sig_out, if not NULL,
 * receives the signature sent. */
static answer_t post_feed(const char *path, const char *secret, const char *ts, const char *body,
                          char *sig_out)
{
    char sig[80] = "", headers[256] = "";
    if (secret && *secret)
        CU_ASSERT_EQUAL(nq_feed_sign(secret, ts ? ts : "", body, strlen(body), sig, sizeof(sig)),
                        0);
    int n = 0;
    if (ts)
        n += snprintf(headers + n, sizeof(headers) - (size_t)n, "X-Neiqin-Timestamp: %s\r\n", ts);
    if (*sig)
        n += snprintf(headers + n, sizeof(headers) - (size_t)n, "X-Neiqin-Signature: %s\r\n", sig);
    if (sig_out)
        strcpy(sig_out, sig);
    return post_raw(path, JSON_TYPE, body, strlen(body), *headers ? headers : NULL);
}

static void expect_unauthorized(answer_t a)
{
    CU_ASSERT_EQUAL(a.status, 401);
    CU_ASSERT_STRING_EQUAL(tk_str(a.json, "error"), "unauthorized");
    CU_ASSERT(strlen(tk_str(a.json, "detail")) > 0);
    answer_free(&a);
}

static char s_feed_body[1024]; /* the delivery taken, for the replay tests */
static char s_feed_ts[24];
static char s_feed_sig[80];

static void test_feed_signed(void)
{
    char when[48], ts[24], old[24];
    nq_time_format(s_now - HOUR_MS, when, sizeof(when));
    snprintf(s_feed_body, sizeof(s_feed_body),
             "[{\"event_id\":\"fd-1\",\"type\":\"payment\",\"salesperson_id\":\"sp-it-feed\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\",\"amount\":\"1200.00\"},"
             "{\"event_id\":\"fd-2\",\"type\":\"order\",\"salesperson_id\":\"sp-it-feed\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\",\"amount\":\"300.00\","
             "\"source\":\"app\"}]",
             when, when);
    snprintf(ts, sizeof(ts), "%lld", (long long)(nq_now_ms() / 1000));
    snprintf(old, sizeof(old), "%lld", (long long)(nq_now_ms() / 1000 - 600));
    long long before = stat_accepted();

    /* Refusals first: none of them may store anything. */
    expect_unauthorized(post_feed(FEED_ERP, "wrong-secret-0123456789a", ts, s_feed_body, NULL));
    expect_unauthorized(post_feed(FEED_ERP, ERP_SECRET, old, s_feed_body, NULL));
    expect_unauthorized(post_feed(FEED_ERP, NULL, ts, s_feed_body, NULL));   /* no signature */
    expect_unauthorized(post_feed(FEED_ERP, NULL, NULL, s_feed_body, NULL)); /* no headers */
    expect_unauthorized(post_feed("/api/v1/feeds/phone", ERP_SECRET, ts, s_feed_body, NULL));
    char headers[256];
    snprintf(headers, sizeof(headers),
             "X-Neiqin-Timestamp: %s\r\nX-Neiqin-Signature: sha256=zz\r\n", ts);
    expect_unauthorized(post_raw(FEED_ERP, JSON_TYPE, s_feed_body, strlen(s_feed_body), headers));
    {
        char sig[80], tampered[1024];
        nq_feed_sign(ERP_SECRET, ts, s_feed_body, strlen(s_feed_body), sig, sizeof(sig));
        snprintf(tampered, sizeof(tampered), "%s", s_feed_body);
        *strstr(tampered, "1200.00") = '9'; /* signed body changed on the way */
        snprintf(headers, sizeof(headers), "X-Neiqin-Timestamp: %s\r\nX-Neiqin-Signature: %s\r\n",
                 ts, sig);
        expect_unauthorized(post_raw(FEED_ERP, JSON_TYPE, tampered, strlen(tampered), headers));
    }
    CU_ASSERT_EQUAL(stat_accepted(), before);

    answer_t a = post_feed(FEED_ERP, ERP_SECRET, ts, s_feed_body, s_feed_sig);
    snprintf(s_feed_ts, sizeof(s_feed_ts), "%s", ts);
    expect_counts(&a, 202, 2, 0, 0, 0);
    expect_result(&a, 0, "fd-1", "accepted", NULL);
    expect_result(&a, 1, "fd-2", "accepted", NULL);
    answer_free(&a);
    CU_ASSERT_EQUAL(stat_accepted(), before + 2);

    Nq__Activity *ev = stored_event("fd-1", 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    CU_ASSERT_STRING_EQUAL(ev->source ? ev->source : "(none)", "erp");
    CU_ASSERT_EQUAL(ev->amount_fen, 120000);
    nq__activity__free_unpacked(ev, NULL);
    ev = stored_event("fd-2", 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    CU_ASSERT_STRING_EQUAL(ev->source ? ev->source : "(none)", "app");
    nq__activity__free_unpacked(ev, NULL);
    expect_kpis("sp-it-feed", NQ_PERIOD_DAY, s_now - HOUR_MS, 1, 30000, 0);
}

static void test_feed_replay(void)
{
    CU_ASSERT_FATAL(s_feed_sig[0] != '\0');
    long long accepted = stat_accepted(), length = log_events();
    char headers[256];
    snprintf(headers, sizeof(headers), "X-Neiqin-Timestamp: %s\r\nX-Neiqin-Signature: %s\r\n",
             s_feed_ts, s_feed_sig);
    answer_t a = post_raw(FEED_ERP, JSON_TYPE, s_feed_body, strlen(s_feed_body), headers);
    CU_ASSERT_EQUAL(a.status, 409);
    CU_ASSERT_STRING_EQUAL(tk_str(a.json, "error"), "replayed");
    answer_free(&a);

    /* The same events in a new delivery (new timestamp): idempotent. */
    char ts[24];
    snprintf(ts, sizeof(ts), "%lld", (long long)(nq_now_ms() / 1000 + 1));
    a = post_feed(FEED_ERP, ERP_SECRET, ts, s_feed_body, NULL);
    expect_counts(&a, 202, 0, 2, 0, 0);
    answer_free(&a);
    CU_ASSERT_EQUAL(stat_accepted(), accepted);
    CU_ASSERT_EQUAL(log_events(), length);
    expect_kpis("sp-it-feed", NQ_PERIOD_DAY, s_now - HOUR_MS, 1, 30000, 0);
}

/* The signature is checked case-insensitively, so the same delivery with its
 * hex digits in upper case is the same signed delivery: a replay too. */
static void test_feed_replay_upper_case(void)
{
    CU_ASSERT_FATAL(s_feed_sig[0] != '\0');
    char sig[80], headers[256];
    snprintf(sig, sizeof(sig), "%s", s_feed_sig);
    for (char *p = sig + 7; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    snprintf(headers, sizeof(headers), "X-Neiqin-Timestamp: %s\r\nX-Neiqin-Signature: %s\r\n",
             s_feed_ts, sig);
    answer_t a = post_raw(FEED_ERP, JSON_TYPE, s_feed_body, strlen(s_feed_body), headers);
    CU_ASSERT_EQUAL(a.status, 409);
    CU_ASSERT_STRING_EQUAL(tk_str(a.json, "error"), "replayed");
    if (a.status != 409)
        fprintf(stderr, "\nreplay with upper-case signature: HTTP %d (want 409 replayed)\n",
                a.status);
    answer_free(&a);
}

/* The same new delivery posted on several connections at once: taken once,
 * the others refused as replays (the check and the mark are one script in
 * ingest, so no two can both pass the check). */
static void test_feed_replay_race(void)
{
    enum { CONNS = 4 };
    char when[48], ts[24], body[512], sig[80], headers[256];
    nq_time_format(s_now - HOUR_MS, when, sizeof(when));
    snprintf(body, sizeof(body),
             "{\"event_id\":\"fd-race-1\",\"type\":\"call\",\"salesperson_id\":\"sp-it-race\","
             "\"occurred_at\":\"%s\",\"duration_s\":60}",
             when);
    snprintf(ts, sizeof(ts), "%lld", (long long)(nq_now_ms() / 1000));
    CU_ASSERT_EQUAL_FATAL(nq_feed_sign(ERP_SECRET, ts, body, strlen(body), sig, sizeof(sig)), 0);
    snprintf(headers, sizeof(headers), "X-Neiqin-Timestamp: %s\r\nX-Neiqin-Signature: %s\r\n", ts,
             sig);
    long long accepted = stat_accepted();
    int start[2], results[2];
    CU_ASSERT_EQUAL_FATAL(pipe(start), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(results), 0);
    pid_t kids[CONNS];
    for (int i = 0; i < CONNS; i++) {
        if ((kids[i] = fork()) == 0) { /* each posts once the parent lets them all go */
            nq_httpc_t *http = nq_httpc_new(nq_harness_url(tk_h));
            char go;
            close(start[1]);
            while (read(start[0], &go, 1) > 0) {
            }
            nq_httpc_response_t r;
            int status = http && nq_httpc_request(http, "POST", FEED_ERP, JSON_TYPE, body,
                                                  strlen(body), headers, &r) == 0
                             ? r.status
                             : 0;
            if (status)
                nq_httpc_response_free(&r);
            ssize_t w = write(results[1], &status, sizeof(status));
            _exit(w == sizeof(status) ? 0 : 1);
        }
    }
    close(start[0]);
    close(start[1]); /* go */
    close(results[1]);
    int taken = 0, replayed = 0, status;
    for (int i = 0; i < CONNS && read(results[0], &status, sizeof(status)) == sizeof(status); i++) {
        taken += status == 202;
        replayed += status == 409;
    }
    close(results[0]);
    for (int i = 0; i < CONNS; i++)
        waitpid(kids[i], NULL, 0);
    tk_accepted += taken; /* the ledger's sum of answers: the taken one accepted its event */
    CU_ASSERT_EQUAL(taken, 1);
    CU_ASSERT_EQUAL(replayed, CONNS - 1);
    if (taken != 1 || replayed != CONNS - 1)
        fprintf(stderr, "\n%d deliveries taken, %d refused as replays (want 1, %d)\n", taken,
                replayed, CONNS - 1);
    CU_ASSERT_EQUAL(stat_accepted(), accepted + 1);
}

/* ---- the ledger ---- */

typedef struct ledger_cell {
    char month[16];   /* period key */
    int64_t at;       /* an instant in it */
    long long orders; /* orders counted */
    long long sales;  /* their sum, fen */
} ledger_cell_t;

static void test_ledger(void)
{
    static json_t *sent[LEDGER_EVENTS];  /* every event, in send order */
    static bool original[LEDGER_EVENTS]; /* first use of its id */
    static ledger_cell_t cells[LEDGER_SP][LEDGER_MONTHS];
    size_t n_orig = 0, orig_at[LEDGER_EVENTS];
    int64_t newest = nq_now_ms() - HOUR_MS;
    srand(20261126);
    memset(cells, 0, sizeof(cells));

    for (size_t i = 0; i < LEDGER_EVENTS; i++) {
        bool dup = i % LEDGER_DUP_MOD == 5, con = i % LEDGER_CON_MOD == 77;
        if ((dup || con) && n_orig > 0) {
            json_t *first = sent[orig_at[(size_t)rand() % n_orig]];
            json_t *e = json_deep_copy(first);
            if (con && json_object_get(e, "amount"))
                json_object_set_new(e, "amount", json_string("0.01")); /* never an original */
            else if (con)
                json_object_set_new(e, "customer_id", json_string("cust-lg-other"));
            sent[i] = e;
            continue;
        }
        char id[32], sp[32];
        snprintf(id, sizeof(id), "lg-%05zu", i);
        snprintf(sp, sizeof(sp), "sp-lg-%d", rand() % LEDGER_SP);
        /* Out of order: any time over the last LEDGER_DAYS days. */
        int64_t at =
            newest - (int64_t)(rand() % LEDGER_DAYS) * DAY_MS - (int64_t)(rand() % 86400) * 1000;
        int kind = rand() % 10;
        json_t *e;
        if (kind < 6) {
            long long fen = 100 + rand() % 5000000;
            if (kind == 0) {
                fen -= fen % 100; /* a whole number of yuan, sent as a JSON integer */
                e = with_amount(order(id, sp, at, NULL), json_integer(fen / 100));
            } else {
                char amount[32];
                nq_money_format(fen, amount, sizeof(amount));
                e = order(id, sp, at, amount);
            }
        } else if (kind < 9) {
            e = visit(id, sp, at);
        } else {
            e = tk_event(id, "call", sp, NULL, at, NULL);
        }
        original[i] = true;
        orig_at[n_orig++] = i;
        sent[i] = e;
    }

    /* The independent sums: originals only, per salesperson and month. */
    size_t want_accepted = 0, want_dup = 0, want_con = 0;
    long long total_orders = 0, total_sales = 0;
    for (size_t i = 0; i < LEDGER_EVENTS; i++) {
        if (!original[i]) {
            want_dup += i % LEDGER_DUP_MOD == 5;
            want_con += i % LEDGER_CON_MOD == 77;
            continue;
        }
        want_accepted++;
        json_t *e = sent[i];
        int64_t at;
        const char *why;
        CU_ASSERT_EQUAL_FATAL(nq_time_parse(tk_str(e, "occurred_at"), &at, &why), 0);
        int spi = atoi(tk_str(e, "salesperson_id") + strlen("sp-lg-"));
        nq_period_t m;
        nq_period_of(NQ_PERIOD_MONTH, at, &m);
        ledger_cell_t *c = NULL;
        for (int k = 0; k < LEDGER_MONTHS && !c; k++)
            if (cells[spi][k].month[0] == '\0' || strcmp(cells[spi][k].month, m.key) == 0)
                c = &cells[spi][k];
        if (!c) {
            CU_FAIL_FATAL("the events span more than LEDGER_MONTHS months");
            return;
        }
        snprintf(c->month, sizeof(c->month), "%s", m.key);
        c->at = m.start_ms;
        if (strcmp(tk_str(e, "type"), "order") == 0) {
            json_t *amt = json_object_get(e, "amount");
            int64_t fen = 0;
            if (json_is_integer(amt))
                fen = json_integer_value(amt) * 100;
            else
                CU_ASSERT_EQUAL(nq_money_parse(json_string_value(amt), &fen, &why), 0);
            c->orders++;
            c->sales += fen;
            total_orders++;
            total_sales += fen;
        }
    }
    CU_ASSERT_EQUAL(want_dup + want_con + want_accepted, LEDGER_EVENTS);
    CU_ASSERT_EQUAL(want_con, LEDGER_EVENTS / LEDGER_CON_MOD);

    /* Send, 100 at a time, counting the answers. */
    long long got[4] = {0, 0, 0, 0}; /* accepted, duplicate, conflict, rejected */
    int64_t t0 = tk_mono_ms();
    for (size_t b = 0; b < LEDGER_EVENTS / LEDGER_BATCH; b++) {
        json_t *batch = json_array();
        size_t conflicts = 0;
        for (size_t i = b * LEDGER_BATCH; i < (b + 1) * LEDGER_BATCH; i++) {
            json_array_append(batch, sent[i]);
            conflicts += !original[i] && i % LEDGER_CON_MOD == 77;
        }
        answer_t a = post_json(batch);
        CU_ASSERT_EQUAL(a.status, conflicts ? 207 : 202);
        got[0] += tk_num(a.json, "accepted");
        got[1] += tk_num(a.json, "duplicate");
        got[2] += tk_num(a.json, "conflict");
        got[3] += tk_num(a.json, "rejected");
        answer_free(&a);
    }
    fprintf(stderr, "\n  ledger: %d events posted in %lld ms", LEDGER_EVENTS,
            (long long)(tk_mono_ms() - t0));
    CU_ASSERT_EQUAL(got[0], (long long)want_accepted);
    CU_ASSERT_EQUAL(got[1], (long long)want_dup);
    CU_ASSERT_EQUAL(got[2], (long long)want_con);
    CU_ASSERT_EQUAL(got[3], 0);
    for (size_t i = 0; i < LEDGER_EVENTS; i++)
        json_decref(sent[i]);

    /* Every acknowledged event is in the log once and scored once. */
    long long accepted = -1, scored = -2;
    for (int64_t deadline = tk_mono_ms() + SCORE_MS; tk_mono_ms() < deadline;) {
        accepted = stat_accepted();
        scored = stat_scored();
        if (accepted >= 0 && scored == accepted)
            break;
        usleep(100000);
    }
    fprintf(stderr, " (scored after %lld ms) ", (long long)(tk_mono_ms() - t0));
    CU_ASSERT_EQUAL(accepted, tk_accepted);
    CU_ASSERT_EQUAL(scored, accepted);
    CU_ASSERT_EQUAL(log_events(), accepted);
    if (accepted != tk_accepted || scored != accepted)
        fprintf(stderr,
                "\nanswers accepted %lld, nq:stats:accepted %lld, scored %lld, log events %lld\n",
                tk_accepted, accepted, scored, log_events());

    /* The month KPIs, per salesperson and month, and in total. */
    long long kpi_orders = 0, kpi_sales = 0;
    for (int s = 0; s < LEDGER_SP; s++) {
        for (int k = 0; k < LEDGER_MONTHS && cells[s][k].month[0]; k++) {
            char path[256], date[16];
            int status;
            tk_date_of(cells[s][k].at, date, sizeof(date));
            snprintf(path, sizeof(path), "/api/v1/salespeople/sp-lg-%d/kpis?period=month&at=%s", s,
                     date);
            json_t *j = get_json(path, &status);
            json_t *kp = json_object_get(j, "kpis");
            int64_t fen = -1;
            const char *why;
            CU_ASSERT_EQUAL(status, 200);
            CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(j, "period"), "key"), cells[s][k].month);
            CU_ASSERT_EQUAL(nq_money_parse(tk_str(kp, "sales_amount"), &fen, &why), 0);
            CU_ASSERT_EQUAL(tk_num(kp, "orders"), cells[s][k].orders);
            CU_ASSERT_EQUAL(fen, cells[s][k].sales);
            if (tk_num(kp, "orders") != cells[s][k].orders || fen != cells[s][k].sales)
                fprintf(stderr, "\nsp-lg-%d %s: want %lld orders, %lld fen; got %lld, %lld\n", s,
                        cells[s][k].month, cells[s][k].orders, cells[s][k].sales,
                        (long long)tk_num(kp, "orders"), (long long)fen);
            kpi_orders += tk_num(kp, "orders");
            kpi_sales += fen;
            json_decref(j);
        }
    }
    CU_ASSERT_EQUAL(kpi_orders, total_orders);
    CU_ASSERT_EQUAL(kpi_sales, total_sales);
}

/* ---- nq-ingest away and back ---- */

/* A batch the gateway could not hand over answers 503, which docs/api.md
 * defines as "nothing was stored": the batch must not be stored later either,
 * when ingest comes back (a client that retries after the 503 would otherwise
 * see its events as duplicates of something it was told was not taken). */
/* Whether field `field` of hash `key` reads `want`, polled for POLL_MS. */
static bool hash_field_becomes(const char *key, const char *field, const char *want)
{
    char got[64] = "";
    for (int64_t deadline = tk_mono_ms() + POLL_MS; tk_mono_ms() < deadline; usleep(50000)) {
        redisContext *c = redis_connect();
        redisReply *r = c ? redisCommand(c, "HGET %s %s", key, field) : NULL;
        snprintf(got, sizeof(got), "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "(nil)");
        freeReplyObject(r);
        if (c)
            redisFree(c);
        if (strcmp(got, want) == 0)
            return true;
    }
    fprintf(stderr, "\n%s %s: want %s, got %s\n", key, field, want, got);
    return false;
}

/* Counters stay exact to the fen beyond 2^53, where a double (a Lua number)
 * no longer is: the sums are made by HINCRBY, on 64-bit integers. */
static void test_counters_exact(void)
{
    const char *sp = "sp-it-big";
    int64_t at = s_now - HOUR_MS;
    answer_t a = post_json(order("big-1", sp, at, "0.01"));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    expect_kpis(sp, NQ_PERIOD_MONTH, at, 1, 1, 0);

    nq_period_t month, day;
    char mkey[160], dkey[160];
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_MONTH, at, &month) == 0 &&
                    nq_period_of(NQ_PERIOD_DAY, at, &day) == 0);
    nq_key_kpi(mkey, sizeof(mkey), sp, &month);
    nq_key_kpi(dkey, sizeof(dkey), sp, &day);
    const char *sales = nq_kpi_defs[NQ_KPI_SALES_FEN].field;
    const char *orders = nq_kpi_defs[NQ_KPI_ORDERS].field;
    redisContext *c = redis_connect();
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    /* 2^53 + 2 fen and 2^53 + 1 orders: neither sum is a double */
    redisReply *r =
        redisCommand(c, "HSET %s %s 9007199254740994 %s 9007199254740993", mkey, sales, orders);
    CU_ASSERT(r && r->type == REDIS_REPLY_INTEGER);
    freeReplyObject(r);
    redisFree(c);

    a = post_json(order("big-2", sp, at, "0.01"));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    CU_ASSERT(hash_field_becomes(mkey, sales, "9007199254740995"));
    CU_ASSERT(hash_field_becomes(mkey, orders, "9007199254740994"));
    CU_ASSERT(hash_field_becomes(dkey, sales, "2"));
    CU_ASSERT(hash_field_becomes(dkey, orders, "2"));
}

/* The answer's accepted count for a batch of n visits of sp, ids from first. */
static int post_visits(const char *prefix, int first, int n, const char *sp)
{
    json_t *batch = json_array();
    for (int i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof(id), "%s-%d", prefix, first + i);
        json_array_append_new(batch, visit(id, sp, s_now - HOUR_MS));
    }
    answer_t a = post_json(batch);
    int accepted = a.status == 202 ? (int)tk_num(a.json, "accepted") : -1;
    answer_free(&a);
    return accepted;
}

/* Scorers frozen: once more than NQ_SCORING_BACKLOG_MAX events wait to be
 * scored, a new batch waits NQ_INGEST_HOLD_MAX_MS before it is stored (the
 * answer cannot come sooner), and is then stored; scoring catches up after. */
static void test_hold_while_scoring_behind(void)
{
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_signal(tk_h, "nq-scoring-1", SIGSTOP), 0);
    long long before = log_events();
    int sent = 0;
    while (sent <= HOLD_BACKLOG) {
        int got = post_visits("hold", sent, 100, "sp-it-hold");
        CU_ASSERT_EQUAL(got, 100);
        if (got != 100)
            break;
        sent += got;
    }
    int64_t t0 = tk_mono_ms();
    CU_ASSERT_EQUAL(post_visits("hold", sent, 100, "sp-it-hold"), 100);
    int64_t waited = tk_mono_ms() - t0;
    sent += 100;
    CU_ASSERT(waited >= HOLD_MS);
    if (waited < HOLD_MS)
        fprintf(stderr, "\nheld batch answered after %lld ms (< %d)\n", (long long)waited, HOLD_MS);
    CU_ASSERT_EQUAL(log_events(), before + sent);
    CU_ASSERT_EQUAL(nq_harness_proc_signal(tk_h, "nq-scoring-1", SIGCONT), 0);
    int64_t deadline = tk_mono_ms() + SCORE_MS;
    while (stat_scored() != stat_accepted() && tk_mono_ms() < deadline)
        usleep(50000);
    CU_ASSERT_EQUAL(stat_scored(), stat_accepted());
    expect_kpis("sp-it-hold", NQ_PERIOD_DAY, s_now - HOUR_MS, 0, 0, sent);
}

/* A Redis command on a fresh connection; the reply (caller frees) or NULL. */
static redisReply *redis_do(const char *fmt, ...)
{
    redisContext *c = redis_connect();
    if (!c)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    redisFree(c);
    return r;
}

/* The dedupe bucket (a hash of event ids) that holds `id`, into buf. */
static bool bucket_of(const char *id, char *buf, size_t len)
{
    redisReply *r = redis_do("ZRANGE %s 0 -1", NQ_KEY_DEDUPE_BUCKETS);
    bool found = false;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements && !found; i++) {
        redisReply *h = redis_do("HEXISTS %s %s", r->element[i]->str, id);
        found = h && h->type == REDIS_REPLY_INTEGER && h->integer == 1;
        if (found)
            snprintf(buf, len, "%s", r->element[i]->str);
        freeReplyObject(h);
    }
    freeReplyObject(r);
    return found;
}

/* An id is remembered while its bucket is live: the bucket is listed until
 * its quarter-window span ended and a whole window passed; once the index
 * says it expired, a resent event counts again (docs/api.md). */
static void test_dedupe_window(void)
{
    int64_t at = s_now - HOUR_MS;
    answer_t a = post_json(order("win-1", "sp-it-window", at, "1.00"));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    a = post_json(order("win-1", "sp-it-window", at, "1.00"));
    expect_counts(&a, 202, 0, 1, 0, 0);
    answer_free(&a);
    char bucket[96];
    CU_ASSERT_FATAL(bucket_of("win-1", bucket, sizeof(bucket)));
    long long window = 2592000, span = window / 4, now_s = nq_now_ms() / 1000;
    redisReply *r = redis_do("ZSCORE %s %s", NQ_KEY_DEDUPE_BUCKETS, bucket);
    long long expires = r && r->type == REDIS_REPLY_STRING ? atoll(r->str) : 0;
    freeReplyObject(r);
    CU_ASSERT(expires >= now_s + window && expires <= now_s + window + span);
    long long ttl = redis_int("TTL %s", bucket);
    CU_ASSERT(ttl >= expires - now_s - 2 && ttl <= expires - now_s);

    /* The window passes for this bucket. */
    freeReplyObject(redis_do("ZADD %s %lld %s", NQ_KEY_DEDUPE_BUCKETS, now_s - 1, bucket));
    a = post_json(order("win-1", "sp-it-window", at, "1.00"));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    expect_kpis("sp-it-window", NQ_PERIOD_DAY, at, 2, 200, 0);
    a = post_json(order("win-1", "sp-it-window", at, "1.00")); /* remembered anew */
    expect_counts(&a, 202, 0, 1, 0, 0);
    answer_free(&a);
}

/* Redis forgets the scripts (SCRIPT FLUSH, or a restart behind a proxy that
 * keeps the connections): each call that meets NOSCRIPT is sent again as
 * EVAL and the scripts are loaded again; nothing is refused, lost or counted
 * twice. */
static void test_scripts_flushed(void)
{
    int64_t at = s_now - HOUR_MS;
    freeReplyObject(redis_do("SCRIPT FLUSH"));
    answer_t a = post_json(order("flush-1", "sp-it-flush", at, "2.00"));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    expect_kpis("sp-it-flush", NQ_PERIOD_DAY, at, 1, 200, 0);
    redisReply *r = redis_do("SCRIPT EXISTS %s %s %s", NQ_SCRIPT(INGEST_APPEND)->sha,
                             NQ_SCRIPT(SCORER_GUARD)->sha, NQ_SCRIPT(ORG_UNKNOWN)->sha);
    CU_ASSERT_FATAL(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(r->element[i]->integer, 1); /* every script, not only those called */
    freeReplyObject(r);
    freeReplyObject(redis_do("SCRIPT FLUSH"));
    a = post_json(order("flush-1", "sp-it-flush", at, "2.00"));
    expect_counts(&a, 202, 0, 1, 0, 0);
    answer_free(&a);
    a = post_json(order("flush-2", "sp-it-flush", at, "3.00"));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    expect_kpis("sp-it-flush", NQ_PERIOD_DAY, at, 2, 500, 0);
}

/* Entries in the alert stream. */
static long long alert_count(void)
{
    return redis_int("XLEN %s", NQ_KEY_ALERTS);
}

/* Long events: one scorer batch of them is larger than a ZeroMQ frame may
 * be, so the scorer tells alerting in parts; the big order at its end still
 * raises its alert. */
static void test_long_events(void)
{
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_signal(tk_h, "nq-scoring-1", SIGSTOP), 0);
    char notes[2001];
    memset(notes, 'n', sizeof(notes) - 1);
    notes[sizeof(notes) - 1] = '\0';
    int sent = 0;
    for (int r = 0; r < 4; r++) { /* 4 x 25 x 2 KB: about 200 KB for the scorer */
        json_t *batch = json_array();
        for (int i = 0; i < 25; i++) {
            char id[64];
            snprintf(id, sizeof(id), "long-%d", sent + i);
            json_t *v = visit(id, "sp-it-long", s_now - HOUR_MS);
            json_object_set_new(v, "notes", json_string(notes));
            json_array_append_new(batch, v);
        }
        answer_t a = post_json(batch);
        expect_counts(&a, 202, 25, 0, 0, 0);
        answer_free(&a);
        sent += 25;
    }
    long long alerts = alert_count();
    answer_t a = post_json(order("long-big", "sp-it-long", s_now - HOUR_MS, "88888.00"));
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    CU_ASSERT_EQUAL(nq_harness_proc_signal(tk_h, "nq-scoring-1", SIGCONT), 0);
    expect_kpis("sp-it-long", NQ_PERIOD_DAY, s_now - HOUR_MS, 1, 8888800, sent);
    int64_t deadline = tk_mono_ms() + POLL_MS;
    while (alert_count() <= alerts && tk_mono_ms() < deadline)
        usleep(50000);
    CU_ASSERT(alert_count() > alerts);
}

static void test_ingest_down(void)
{
    char when[48], body[512];
    nq_time_format(s_now - HOUR_MS, when, sizeof(when));
    snprintf(body, sizeof(body),
             "{\"event_id\":\"down-1\",\"type\":\"order\",\"salesperson_id\":\"sp-it-down\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\",\"amount\":\"4.56\"}",
             when);
    long long accepted = stat_accepted(), length = log_events();
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_stop(tk_h, "nq-ingest", SIGTERM), 0);
    answer_t a = post_text(body);
    CU_ASSERT_EQUAL(a.status, 503);
    CU_ASSERT(a.retry_after[0] != '\0');
    CU_ASSERT_STRING_EQUAL(tk_str(a.json, "error"), "unavailable");
    answer_free(&a);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-ingest"), 0);
    CU_ASSERT_FATAL(nq_harness_wait_ready(tk_h, 10000));
    usleep(1000000); /* time for anything left queued to arrive */
    CU_ASSERT_EQUAL(stat_accepted(), accepted);
    CU_ASSERT_EQUAL(log_events(), length);

    /* The client retries, as the 503 told it to: its event is new. */
    a = post_text(body);
    expect_counts(&a, 202, 1, 0, 0, 0);
    if (a.status == 202 && tk_num(a.json, "accepted") != 1)
        fprintf(stderr, "\nretry after 503: %s (the 503'd batch was stored after all)\n",
                tk_str(json_array_get(json_object_get(a.json, "results"), 0), "status"));
    answer_free(&a);
    /* Keep the ledger of the later tests straight whatever happened above. */
    tk_accepted = stat_accepted();
}

/* ---- Redis away and back ---- */

static bool redis_answers(void)
{
    redisContext *c = redis_connect();
    redisReply *r = c ? redisCommand(c, "PING") : NULL;
    bool ok = r && r->type == REDIS_REPLY_STATUS;
    freeReplyObject(r);
    if (c)
        redisFree(c);
    return ok;
}

/* A POST made by a child process, so that several wait at once. */
typedef struct bg_post {
    pid_t pid; /* the child, -1 when it could not start */
    int fd;    /* its answer: "<status> <body>" */
} bg_post_t;

static bg_post_t post_in_child(json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    bg_post_t bg = {-1, -1};
    int p[2];
    if (!text || pipe(p) != 0) {
        free(text);
        return bg;
    }
    fflush(NULL);
    bg.pid = fork();
    if (bg.pid == 0) {
        close(p[0]);
        nq_httpc_t *c = nq_httpc_new(nq_harness_url(tk_h));
        nq_httpc_response_t r;
        if (c &&
            nq_httpc_request(c, "POST", ACTIVITIES, JSON_TYPE, text, strlen(text), NULL, &r) == 0 &&
            dprintf(p[1], "%d ", r.status) > 0 && write(p[1], r.body, r.len) != (ssize_t)r.len)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    free(text);
    bg.fd = bg.pid > 0 ? p[0] : -1;
    if (bg.pid <= 0)
        close(p[0]);
    return bg;
}

/* Wait for a child's answer (status 0 when it got none). */
static answer_t bg_answer(bg_post_t bg)
{
    answer_t a = {0};
    static char buf[1 << 16];
    size_t len = 0;
    ssize_t n;
    while (bg.fd >= 0 && len < sizeof(buf) - 1 &&
           (n = read(bg.fd, buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    if (bg.fd >= 0)
        close(bg.fd);
    if (bg.pid > 0)
        waitpid(bg.pid, NULL, 0);
    char *body;
    a.status = (int)strtol(buf, &body, 10);
    a.json = json_loads(body, 0, NULL);
    tk_accepted += tk_num(a.json, "accepted");
    return a;
}

/* Batches that come while an append is in flight go to Redis together, as
 * one log entry, and each is answered for its own events: duplicates and
 * conflicts across them are told as if they had come one by one. */
static void test_grouped_appends(void)
{
    int64_t at = s_now - HOUR_MS;
    long long entries = redis_int("XLEN %s", NQ_KEY_ACTIVITIES);
    /* the first append stays in flight */
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_signal(tk_h, "redis", SIGSTOP), 0);
    bg_post_t first = post_in_child(order("grp-1", "sp-it-group", at, "1.00"));
    usleep(200000);
    json_t *b2 = json_array();
    json_array_append_new(b2, order("grp-1", "sp-it-group", at, "1.00"));
    json_array_append_new(b2, order("grp-2", "sp-it-group", at, "2.00"));
    bg_post_t second = post_in_child(b2);
    usleep(100000);
    json_t *b3 = json_array();
    json_array_append_new(b3, order("grp-1", "sp-it-group", at, "9.00"));
    json_array_append_new(b3, order("grp-2", "sp-it-group", at, "2.00"));
    json_array_append_new(b3, order("grp-3", "sp-it-group", at, "3.00"));
    bg_post_t third = post_in_child(b3);
    usleep(200000); /* both wait in ingest for the first */
    CU_ASSERT_EQUAL(nq_harness_proc_signal(tk_h, "redis", SIGCONT), 0);

    answer_t a = bg_answer(first);
    expect_counts(&a, 202, 1, 0, 0, 0);
    answer_free(&a);
    a = bg_answer(second);
    expect_counts(&a, 202, 1, 1, 0, 0);
    expect_result(&a, 0, "grp-1", "duplicate", NULL);
    expect_result(&a, 1, "grp-2", "accepted", NULL);
    answer_free(&a);
    a = bg_answer(third);
    expect_counts(&a, 207, 1, 1, 1, 0);
    expect_result(&a, 0, "grp-1", "conflict", NULL);
    expect_result(&a, 1, "grp-2", "duplicate", NULL);
    expect_result(&a, 2, "grp-3", "accepted", NULL);
    answer_free(&a);
    CU_ASSERT_EQUAL(redis_int("XLEN %s", NQ_KEY_ACTIVITIES), entries + 2);
    expect_kpis("sp-it-group", NQ_PERIOD_DAY, at, 3, 600, 0);
}

/* Redis dies the way a crash or the OOM killer leaves it: it hangs (SIGSTOP)
 * long enough for every service to send its next heartbeat, then is killed
 * (SIGKILL) with those commands unread, so the kernel resets the connections.
 * (With SHUTDOWN NOSAVE the same happens or not by timing: some services then
 * see a FIN and recover, others a reset; this makes it deterministic.) */
static void test_redis_outage(void)
{
    char when[48], body[512];
    nq_time_format(s_now - HOUR_MS, when, sizeof(when));
    snprintf(body, sizeof(body),
             "[{\"event_id\":\"out-1\",\"type\":\"order\",\"salesperson_id\":\"sp-it-out\","
             "\"customer_id\":\"cust-it-001\",\"occurred_at\":\"%s\",\"amount\":\"9.99\"}]",
             when);

    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_signal(tk_h, "redis", SIGSTOP), 0);
    usleep(1500000); /* > NQ_HEARTBEAT_MS: every service has a command in flight */
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "redis", SIGKILL), 128 + SIGKILL);
    for (int64_t deadline = tk_mono_ms() + 5000; redis_answers() && tk_mono_ms() < deadline;)
        usleep(50000);
    CU_ASSERT_FATAL(!redis_answers());

    /* While Redis is away: 503 with Retry-After, never an acknowledgement. */
    for (int i = 0; i < 2; i++) {
        answer_t a = post_text(body);
        CU_ASSERT_EQUAL(a.status, 503);
        CU_ASSERT(a.retry_after[0] != '\0');
        CU_ASSERT_STRING_EQUAL(tk_str(a.json, "error"), "unavailable");
        CU_ASSERT_PTR_NULL(json_object_get(a.json, "results"));
        CU_ASSERT_PTR_NULL(json_object_get(a.json, "accepted"));
        answer_free(&a);
        usleep(200000);
    }
    char ts[24];
    snprintf(ts, sizeof(ts), "%lld", (long long)(nq_now_ms() / 1000));
    answer_t a = post_feed(FEED_ERP, ERP_SECRET, ts, body, NULL);
    CU_ASSERT_EQUAL(a.status, 503);
    CU_ASSERT(a.retry_after[0] != '\0');
    if (a.status != 503)
        fprintf(stderr, "\nfeed POST while Redis is away: %s\n",
                a.status ? "wrong status" : "no answer within the client's 5 s");
    answer_free(&a);
    int status;
    json_t *j = get_json("/readyz", &status);
    CU_ASSERT_EQUAL(status, 503);
    CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(j, "checks"), "redis"), "down");
    if (status != 503)
        fprintf(stderr, "\nGET /readyz while Redis is away: %s\n",
                status ? "wrong status" : "no answer within the client's 5 s");
    json_decref(j);

    /* Back on the same port: the services reconnect by themselves. */
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "redis"), 0);
    for (int64_t deadline = tk_mono_ms() + 5000; !redis_answers() && tk_mono_ms() < deadline;)
        usleep(50000);
    CU_ASSERT_FATAL(redis_answers());
    CU_ASSERT_FATAL(nq_harness_grant(tk_h) == 0); /* the new Redis is empty: the tests' key again */
    int64_t t0 = tk_mono_ms();
    status = 0;
    while (status != 202 && tk_mono_ms() - t0 < RECOVER_MS) {
        a = post_text(body);
        status = a.status;
        if (status == 202) {
            expect_counts(&a, 202, 1, 0, 0, 0); /* nothing of the outage was stored */
        } else {
            CU_ASSERT_EQUAL(status, 503);
            usleep(200000);
        }
        answer_free(&a);
    }
    int64_t posted = tk_mono_ms() - t0;
    CU_ASSERT_EQUAL(status, 202);
    bool ready = false;
    while (!ready && tk_mono_ms() - t0 < RECOVER_MS) {
        json_decref(get_json("/readyz", &status));
        ready = status == 200;
        if (!ready)
            usleep(200000);
    }
    CU_ASSERT(ready);
    fprintf(stderr, "\n  redis back: POST %s after %lld ms, readyz %s after %lld ms ",
            posted < RECOVER_MS ? "202" : "still not 202", (long long)posted,
            ready ? "200" : "still not 200", (long long)(tk_mono_ms() - t0));
    CU_ASSERT(posted < 10000);

    /* The new log holds exactly that event, and the scorers take it. */
    CU_ASSERT_EQUAL(log_events(), 1);
    expect_kpis("sp-it-out", NQ_PERIOD_DAY, s_now - HOUR_MS, 1, 999, 0);
    CU_ASSERT_EQUAL(stat_scored(), 1);
}

static void test_graceful_shutdown(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(tk_h);
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

static CU_TestInfo tests[] = {
    {"batch: good, bad, duplicate, conflict -> 207", test_batch_mixed},
    {"batch: all bad 400, all conflict 409, all good 202", test_batch_all_one_kind},
    {"bodies refused: empty, not JSON, 415, 413, keys, UTF-8, depth", test_bodies_refused},
    {"every documented type accepted, required fields named", test_every_type},
    {"amounts, future and late times", test_amounts_and_times},
    {"NDJSON with a bad line", test_ndjson},
    {"malformed escapes: 400 with UTF-8 reasons (object, array, NDJSON)", test_malformed_escapes},
    {"protobuf batches, garbage refused", test_protobuf},
    {"signed webhooks: accepted, refused, source", test_feed_signed},
    {"signed webhooks: replay 409, nothing counted twice", test_feed_replay},
    {"signed webhooks: replay with upper-case hex is a replay", test_feed_replay_upper_case},
    {"signed webhooks: one delivery on four connections at once is taken once",
     test_feed_replay_race},
    {"ledger: 3000 events stored and scored once", test_ledger},
    {"counters exact to the fen beyond 2^53", test_counters_exact},
    {"scoring behind: batches held, then stored", test_hold_while_scoring_behind},
    {"dedupe window: ids remembered while their bucket is live", test_dedupe_window},
    {"scripts flushed: sent again as EVAL, loaded again, nothing lost", test_scripts_flushed},
    {"grouped appends: batches that waited go as one, answered each", test_grouped_appends},
    {"long events: batches larger than a frame still raise alerts", test_long_events},
    {"ingest down: 503, and nothing stored when it returns", test_ingest_down},
    {"redis outage: 503 + Retry-After, recovery", test_redis_outage},
    {"graceful shutdown", test_graceful_shutdown},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ingest", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
