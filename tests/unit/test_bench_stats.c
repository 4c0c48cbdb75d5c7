/* test_bench_stats.c — nq-bench's pure helpers: tools/bench_stats.h (histogram,
 * answer counts, time, /proc readers), tools/bench_events.h (the event mix, read
 * path templates, the freshness probe's marker) and tools/bench_opts.h (the
 * option table). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bench_events.h"
#include "bench_opts.h"
#include "bench_stats.h"
#include "nq_test.h"

/* ---- histogram ------------------------------------------------------------ */

static void test_hist_buckets(void)
{
    /* Exact below 2 SUB, contiguous, and each value within its bucket's range. */
    for (uint64_t v = 0; v < 2 * BENCH_HIST_SUB; v++) {
        CU_ASSERT_EQUAL(bench_hist_bucket(v), v);
        CU_ASSERT_EQUAL(bench_hist_bucket_top(v), v);
    }
    size_t prev = bench_hist_bucket(2 * BENCH_HIST_SUB - 1);
    for (uint64_t v = 2 * BENCH_HIST_SUB; v < 1u << 20; v++) {
        size_t b = bench_hist_bucket(v);
        CU_ASSERT_FATAL(b == prev || b == prev + 1);
        CU_ASSERT_FATAL(bench_hist_bucket_top(b) >= v);
        /* Relative error bound: the top is less than 1/SUB above the value. */
        CU_ASSERT_FATAL(bench_hist_bucket_top(b) - v < v / BENCH_HIST_SUB + 1);
        if (b == prev + 1)
            CU_ASSERT_FATAL(bench_hist_bucket_top(prev) == v - 1);
        prev = b;
    }
    CU_ASSERT_EQUAL(bench_hist_bucket(UINT64_MAX), BENCH_HIST_BUCKETS - 1);
    CU_ASSERT_EQUAL(bench_hist_bucket_top(BENCH_HIST_BUCKETS - 1), UINT64_MAX);
    CU_ASSERT(bench_hist_bucket_top(bench_hist_bucket(1ULL << 40)) >= 1ULL << 40);
}

static void test_hist_percentiles(void)
{
    static bench_hist_t h;
    bench_hist_init(&h);
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 50), 0);
    for (uint64_t v = 1; v <= 100000; v++)
        bench_hist_record(&h, v);
    CU_ASSERT_EQUAL(h.count, 100000);
    CU_ASSERT_EQUAL(h.min, 1);
    CU_ASSERT_EQUAL(h.max, 100000);
    static const struct {
        double q;
        uint64_t exact;
    } cases[] = {{50, 50000}, {99, 99000}, {99.9, 99900}, {0.001, 1}, {100, 100000}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t got = bench_hist_percentile(&h, cases[i].q);
        CU_ASSERT(got >= cases[i].exact);
        CU_ASSERT(got <= cases[i].exact + cases[i].exact / BENCH_HIST_SUB + 1);
    }
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 100), 100000); /* clamped to the max */
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 0), 0);
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 101), 0);
}

static void test_hist_outlier(void)
{
    static bench_hist_t h;
    bench_hist_init(&h);
    for (int i = 0; i < 999; i++)
        bench_hist_record(&h, 100);
    bench_hist_record(&h, 5000000);
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 50), 100);
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 99.9), 100);
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 99.95), 5000000);
    CU_ASSERT_EQUAL(bench_hist_percentile(&h, 100), 5000000);
    CU_ASSERT_DOUBLE_EQUAL((double)(h.sum / h.count), (999 * 100 + 5000000) / 1000.0, 1e-6);
}

/* ---- answer counts ---------------------------------------------------------- */

static int counts_of(const char *body, bench_counts_t *c)
{
    return bench_answer_counts(body, strlen(body), c);
}

static void test_counts_answer(void)
{
    bench_counts_t c;
    const char *body = "{\"accepted\":498,\"duplicate\":1,\"conflict\":0,\"rejected\":1,"
                       "\"results\":[{\"index\":0,\"event_id\":\"e-1\",\"status\":\"accepted\"},"
                       "{\"index\":1,\"event_id\":\"x\\\"accepted\\\":9\",\"status\":\"rejected\","
                       "\"errors\":[{\"field\":\"amount\",\"reason\":\"must be > 0\"}]}]}";
    CU_ASSERT_EQUAL_FATAL(counts_of(body, &c), 0);
    CU_ASSERT_EQUAL(c.accepted, 498);
    CU_ASSERT_EQUAL(c.duplicate, 1);
    CU_ASSERT_EQUAL(c.conflict, 0);
    CU_ASSERT_EQUAL(c.rejected, 1);

    /* Keys in any order, spaces, nested look-alikes ignored. */
    CU_ASSERT_EQUAL_FATAL(counts_of(" { \"results\" : [ {\"accepted\":7} ], \"x\":{\"accepted\":8},"
                                    " \"rejected\" : 2 , \"accepted\" : 3 } ",
                                    &c),
                          0);
    CU_ASSERT_EQUAL(c.accepted, 3);
    CU_ASSERT_EQUAL(c.rejected, 2);
    CU_ASSERT_EQUAL(c.duplicate, 0);

    /* Scalars of every kind before the count are skipped. */
    CU_ASSERT_EQUAL_FATAL(
        counts_of("{\"a\":true,\"b\":null,\"c\":-1.5e3,\"d\":\"}\",\"accepted\":42}", &c), 0);
    CU_ASSERT_EQUAL(c.accepted, 42);
}

static void test_counts_not_an_answer(void)
{
    bench_counts_t c;
    static const char *const bad[] = {
        "",
        "{}",
        "[]",
        "{\"error\":\"unavailable\",\"detail\":\"ingest did not answer\"}",
        "{\"results\":[{\"accepted\":1}]}",
        "{\"accepted\":\"many\"}",
        "{\"accepted\"",
        "not json",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c.accepted = 99;
        CU_ASSERT_EQUAL(counts_of(bad[i], &c), -1);
        CU_ASSERT_EQUAL(c.accepted, 0);
    }
    /* The length bounds the scan: a count past it is not seen. */
    const char *body = "{\"rejected\":1}{\"accepted\":5}";
    CU_ASSERT_EQUAL(bench_answer_counts(body, 14, &c), -1);
}

/* ---- /proc readers ------------------------------------------------------------- */

static void test_status_kb(void)
{
    const char *status = "Name:\tnq-gateway\nVmPeak:\t  200000 kB\nVmHWM:\t    9000 kB\n"
                         "VmRSS:\t    8123 kB\nThreads:\t1\n";
    CU_ASSERT_EQUAL(bench_status_kb(status, "VmRSS"), 8123);
    CU_ASSERT_EQUAL(bench_status_kb(status, "VmHWM"), 9000);
    CU_ASSERT_EQUAL(bench_status_kb(status, "VmSwap"), -1);
    CU_ASSERT_EQUAL(bench_status_kb(status, "Vm"), -1); /* a prefix is not a field */
    CU_ASSERT_EQUAL(bench_status_kb("VmRSS:\t x kB\n", "VmRSS"), -1);
    CU_ASSERT_EQUAL(bench_status_kb("", "VmRSS"), -1);
}

static void test_stat_ticks(void)
{
    /* comm may hold spaces and ')'; utime 14 and stime 15 are summed. */
    const char *stat = "4242 (nq) (x y)) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 56 0 0 20 0 1 "
                       "0 100 1000000 300";
    CU_ASSERT_EQUAL(bench_stat_cpu_ticks(stat), 1290);
    CU_ASSERT_EQUAL(bench_stat_cpu_ticks("4242 (nq) S 1 2 3"), -1);
    CU_ASSERT_EQUAL(bench_stat_cpu_ticks("no parenthesis"), -1);
}

/* ---- event mix -------------------------------------------------------------------- */

static void test_gen_init(void)
{
    bench_gen_t g;
    CU_ASSERT_EQUAL(bench_gen_init(&g, "run_1", 0, 200, 2000, 0), 0);
    CU_ASSERT_NOT_EQUAL(g.rng, 0);
    CU_ASSERT_EQUAL(bench_gen_init(&g, "", 1, 1, 1, 0), -1);
    CU_ASSERT_EQUAL(bench_gen_init(&g, "has-dash", 1, 1, 1, 0), -1);
    CU_ASSERT_EQUAL(bench_gen_init(&g, "abcdefghijklmnopqrstuvwxy", 1, 1, 1, 0), -1); /* 25 */
    CU_ASSERT_EQUAL(bench_gen_init(&g, "r", 1, 0, 1, 0), -1);
    CU_ASSERT_EQUAL(bench_gen_init(&g, "r", 1, 1, 0, 0), -1);
    CU_ASSERT_EQUAL(bench_gen_init(&g, "r", 1, 1, 1, -1), -1);
}

/* Check one generated event against what ingest requires of its type. */
static void check_event(const json_t *ev, int64_t now_ms, int64_t spread_ms, int *types_seen)
{
    static const char *const types[] = {"visit", "call", "order", "payment", "feedback", "meeting"};
    const char *type = json_string_value(json_object_get(ev, "type"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(type);
    size_t t = 0;
    while (t < 6 && strcmp(types[t], type) != 0)
        t++;
    CU_ASSERT_FATAL(t < 6);
    types_seen[t]++;
    CU_ASSERT_EQUAL(strncmp(json_string_value(json_object_get(ev, "salesperson_id")), "sp-", 3), 0);
    json_int_t at = json_integer_value(json_object_get(ev, "occurred_at"));
    CU_ASSERT(at <= now_ms && at >= now_ms - spread_ms);
    if (strcmp(type, "meeting") != 0)
        CU_ASSERT(json_is_string(json_object_get(ev, "customer_id")));
    if (strcmp(type, "order") == 0 || strcmp(type, "payment") == 0) {
        const char *amount = json_string_value(json_object_get(ev, "amount"));
        CU_ASSERT_PTR_NOT_NULL_FATAL(amount);
        const char *dot = strchr(amount, '.');
        CU_ASSERT(dot && strlen(dot) == 3 && atof(amount) >= 100.0);
    }
    if (strcmp(type, "visit") == 0) {
        json_t *loc = json_object_get(ev, "location");
        CU_ASSERT(json_is_real(json_object_get(loc, "lat")));
        CU_ASSERT(json_is_real(json_object_get(loc, "lng")));
    }
    if (strcmp(type, "feedback") == 0) {
        json_int_t r = json_integer_value(json_object_get(ev, "rating"));
        CU_ASSERT(r >= 1 && r <= 5);
    }
}

static void test_batch(void)
{
    enum { N = 2000 };
    const int64_t now = 1764120600000LL, spread = 3 * 86400000LL;
    bench_gen_t g;
    size_t cap = BENCH_EVENT_MAX * N + 2;
    char *buf = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    CU_ASSERT_EQUAL_FATAL(bench_gen_init(&g, "abcdefghijklmnopqrstuvwx", 7, 99999, 999999, spread),
                          0);
    int len = bench_batch_write(&g, buf, cap, N, false, 1000000000ULL, now);
    CU_ASSERT_FATAL(len > 0 && (size_t)len < cap);
    json_error_t jerr;
    json_t *arr = json_loadb(buf, (size_t)len, 0, &jerr);
    CU_ASSERT_FATAL(json_is_array(arr));
    CU_ASSERT_EQUAL_FATAL(json_array_size(arr), N);
    int seen[6] = {0};
    for (size_t i = 0; i < N; i++) {
        const json_t *ev = json_array_get(arr, i);
        char want[64];
        snprintf(want, sizeof(want), "abcdefghijklmnopqrstuvwx-%llu", 1000000000ULL + i);
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "event_id")), want);
        check_event(ev, now, spread, seen);
    }
    for (int t = 0; t < 6; t++)
        CU_ASSERT(seen[t] > 0);   /* every type of the mix appears in 2000 events */
    CU_ASSERT(seen[0] > seen[5]); /* visits (30) outnumber meetings (5) */
    json_decref(arr);
    free(buf);
}

static void test_single_and_limits(void)
{
    bench_gen_t g;
    char buf[BENCH_EVENT_MAX + 2];
    CU_ASSERT_EQUAL_FATAL(bench_gen_init(&g, "r", 1, 2, 3, 0), 0);
    int len = bench_batch_write(&g, buf, sizeof(buf), 1, false, 5, 1764120600000LL);
    CU_ASSERT_FATAL(len > 0);
    CU_ASSERT_EQUAL(buf[0], '{'); /* one event: an object, not an array */
    json_t *ev = json_loads(buf, 0, NULL);
    CU_ASSERT(json_is_object(ev));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "event_id")), "r-5");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(ev, "occurred_at")), 1764120600000LL);
    json_decref(ev);
    len = bench_batch_write(&g, buf, sizeof(buf), 1, true, 6, 1764120600000LL);
    CU_ASSERT(len > 0 && buf[0] == '[' && buf[len - 1] == ']');
    /* Too small a buffer is refused, never overrun. */
    CU_ASSERT_EQUAL(bench_batch_write(&g, buf, 10, 1, false, 7, 1), -1);
    CU_ASSERT_EQUAL(bench_event_write(&g, buf, 0, 7, 1), -1);
    CU_ASSERT_EQUAL(bench_batch_write(&g, buf, sizeof(buf), 0, false, 7, 1), -1);
}

/* The customers mix: every type about a customer, each by the customer's owner, invoices
 * due within 45 days either side of their issue. */
static void test_customers_mix(void)
{
    static const char *const types[] = {
        "visit",   "call",     "meeting",       "order",         "invoice",
        "payment", "feedback", "ticket_opened", "ticket_closed", "competitor_intel"};
    enum { N = 2000, T = sizeof(types) / sizeof(types[0]) };
    const int64_t now = 1764120600000LL, day = 86400000LL;
    bench_gen_t g;
    size_t cap = BENCH_EVENT_MAX * N + 2;
    char *buf = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    CU_ASSERT_EQUAL_FATAL(bench_gen_init(&g, "abcdefghijklmnopqrstuvwx", 3, 1000, 9999999, day), 0);
    g.mix = BENCH_MIX_CUSTOMERS;
    int len = bench_batch_write(&g, buf, cap, N, true, 1, now);
    CU_ASSERT_FATAL(len > 0 && (size_t)len < cap);
    json_t *arr = json_loadb(buf, (size_t)len, 0, NULL);
    CU_ASSERT_FATAL(json_is_array(arr) && json_array_size(arr) == N);
    int seen[T] = {0}, alerting = 0;
    for (size_t i = 0; i < N; i++) {
        const json_t *ev = json_array_get(arr, i);
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *cust = json_string_value(json_object_get(ev, "customer_id"));
        const char *sp = json_string_value(json_object_get(ev, "salesperson_id"));
        CU_ASSERT_FATAL(type && cust && sp && strncmp(cust, "c-", 2) == 0);
        size_t t = 0;
        while (t < T && strcmp(types[t], type) != 0)
            t++;
        CU_ASSERT_FATAL(t < T);
        seen[t]++;
        unsigned long c = strtoul(cust + 2, NULL, 10);
        CU_ASSERT(c >= 1 && c <= 9999999);
        CU_ASSERT_EQUAL(strtoul(sp + 3, NULL, 10), bench_owner_of((uint32_t)c, 1000));
        json_int_t at = json_integer_value(json_object_get(ev, "occurred_at"));
        if (strcmp(type, "invoice") == 0) {
            json_int_t due = json_integer_value(json_object_get(ev, "due_at"));
            CU_ASSERT(due >= at - 45 * day && due < at + 45 * day);
            CU_ASSERT(json_is_string(json_object_get(ev, "amount")));
        }
        if (strncmp(type, "ticket_", 7) == 0) {
            const char *prio = json_string_value(json_object_get(ev, "priority"));
            CU_ASSERT(json_is_string(json_object_get(ev, "ticket_id")));
            CU_ASSERT(prio && strstr(" low normal high urgent ", prio));
            alerting += prio && (strcmp(prio, "high") == 0 || strcmp(prio, "urgent") == 0);
        }
        if (strcmp(type, "feedback") == 0) {
            json_int_t r = json_integer_value(json_object_get(ev, "rating"));
            CU_ASSERT(r >= 1 && r <= 5);
            alerting += r <= 2;
        }
        if (strcmp(type, "competitor_intel") == 0) { /* one price per competitor and product */
            unsigned comp = 0, prod = 0;
            CU_ASSERT(
                sscanf(json_string_value(json_object_get(ev, "competitor")), "竞品%u", &comp) == 1);
            CU_ASSERT(sscanf(json_string_value(json_object_get(ev, "product")), "P%u", &prod) == 1);
            CU_ASSERT(atof(json_string_value(json_object_get(ev, "price"))) ==
                      100.0 + comp * 50 + prod);
        }
    }
    /* alerts are rare: 1 in 20 ratings, 1 in 10 tickets (about 0.6 % of events) */
    CU_ASSERT(alerting > 0 && alerting < N / 50);
    for (size_t t = 0; t < T; t++)
        CU_ASSERT(seen[t] > 0);
    json_decref(arr);
    free(buf);
}

static void test_mix_names(void)
{
    static const struct {
        const char *name;
        int want;
    } rows[] = {
        {"default", BENCH_MIX_DEFAULT},
        {"customers", BENCH_MIX_CUSTOMERS},
        {"", -1},
        {"Customers", -1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        CU_ASSERT_EQUAL(bench_mix_of(rows[i].name), rows[i].want);
    static const uint32_t owner[][3] = {
        {1, 1000, 1}, {1000, 1000, 1000}, {1001, 1000, 1}, {7, 1, 1}};
    for (size_t i = 0; i < sizeof(owner) / sizeof(owner[0]); i++)
        CU_ASSERT_EQUAL(bench_owner_of(owner[i][0], owner[i][1]), owner[i][2]);
}

/* ---- KPI reads and the freshness probe ---------------------------------------------- */

static void test_sp_id(void)
{
    char buf[16];
    CU_ASSERT_EQUAL(bench_sp_id(buf, sizeof(buf), 42), 8);
    CU_ASSERT_STRING_EQUAL(buf, "sp-00042");
    CU_ASSERT_EQUAL(bench_sp_id(buf, sizeof(buf), 99999), 8);
    CU_ASSERT_STRING_EQUAL(buf, "sp-99999");
    CU_ASSERT_EQUAL(bench_sp_id(buf, 8, 1), -1); /* no room for the NUL */
}

static void test_path_expand(void)
{
    char buf[BENCH_PATH_MAX + 1];
    const char *kpi = "/api/v1/salespeople/{sp}/kpis?period=month";
    CU_ASSERT_EQUAL(bench_path_expand(kpi, buf, sizeof(buf), 7, "t-bench"),
                    (int)strlen("/api/v1/salespeople/sp-00007/kpis?period=month"));
    CU_ASSERT_STRING_EQUAL(buf, "/api/v1/salespeople/sp-00007/kpis?period=month");
    CU_ASSERT(bench_path_expand("/api/v1/leaderboards?scope=team:{team}&metric=sales_amount", buf,
                                sizeof(buf), 1, "t-east") > 0);
    CU_ASSERT_STRING_EQUAL(buf, "/api/v1/leaderboards?scope=team:t-east&metric=sales_amount");
    CU_ASSERT(bench_path_expand("/{team}/{sp}/{sp}", buf, sizeof(buf), 3, "t") > 0);
    CU_ASSERT_STRING_EQUAL(buf, "/t/sp-00003/sp-00003");
    CU_ASSERT(bench_path_expand("/livez", buf, sizeof(buf), 1, "t") == 6);

    /* Refused: not a path, unknown or open placeholder, bytes a request line cannot hold. */
    static const char *const bad[] = {
        "",     "api/v1",      "/x/{id}", "/x/{sp", "/x/{}",
        "/a b", "/a\r\nHost:", "/a#frag", "/a\x7f", "/\xe4\xb8\xad",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(bench_path_expand(bad[i], buf, sizeof(buf), 1, "t"), -1);
    /* A team id that would make the line invalid is refused too. */
    CU_ASSERT_EQUAL(bench_path_expand("/{team}", buf, sizeof(buf), 1, "a b"), -1);
    /* Too long for the buffer or for BENCH_PATH_MAX. */
    CU_ASSERT_EQUAL(bench_path_expand(kpi, buf, 20, 1, "t"), -1);
    char long_tmpl[BENCH_PATH_MAX + 8];
    memset(long_tmpl, 'a', sizeof(long_tmpl) - 1);
    long_tmpl[0] = '/';
    long_tmpl[sizeof(long_tmpl) - 1] = '\0';
    char big[2 * BENCH_PATH_MAX];
    CU_ASSERT_EQUAL(bench_path_expand(long_tmpl, big, sizeof(big), 1, "t"), -1);
}

static void test_probe_write(void)
{
    char buf[BENCH_EVENT_MAX];
    const char *sp = "sp-probe-0123456789-0123456789-0123456789-0123456789-0123456789x";
    int len =
        bench_probe_write(buf, sizeof(buf), "abcdefghijklmnopqrstuvwx", sp, 12345, 1764120600000LL);
    CU_ASSERT_FATAL(len > 0 && (size_t)len < sizeof(buf));
    json_t *ev = json_loads(buf, 0, NULL);
    CU_ASSERT_FATAL(json_is_object(ev));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "event_id")),
                           "abcdefghijklmnopqrstuvwx-p12345");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "type")), "order");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "salesperson_id")), sp);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "customer_id")), "c-probe");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "amount")), "124.45");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(ev, "occurred_at")), 1764120600000LL);
    json_decref(ev);
    /* Amounts differ from one marker to the next, and stay under the big-order threshold. */
    bench_probe_write(buf, sizeof(buf), "r", "sp-p", 0, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"amount\":\"1.00\""));
    bench_probe_write(buf, sizeof(buf), "r", "sp-p", 99, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"amount\":\"1.99\""));
    bench_probe_write(buf, sizeof(buf), "r", "sp-p", 100, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"amount\":\"2.00\""));
    bench_probe_write(buf, sizeof(buf), "r", "sp-p", 3999999, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"amount\":\"40000.99\""));
    CU_ASSERT_EQUAL(bench_probe_write(buf, 20, "r", "sp-p", 1, 1), -1);
}

/* ---- time ----------------------------------------------------------------- */

static void test_since_s(void)
{
    CU_ASSERT_DOUBLE_EQUAL(bench_since_s(1000, 1500001000), 1.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(bench_since_s(5, 5), 0.0, 0.0);
    /* A later start than end (a phase that never began) is 0, not a wrap. */
    CU_ASSERT_DOUBLE_EQUAL(bench_since_s(10, 3), 0.0, 0.0);
}

/* ---- options -------------------------------------------------------------- */

/* Parse a NULL-terminated argument list after "nq-bench". */
static int parse(bench_opts_t *o, char *err, size_t len, const char *const *args)
{
    char *argv[32] = {"nq-bench"};
    int argc = 1;
    while (args[argc - 1] && argc < 31) {
        argv[argc] = (char *)args[argc - 1];
        argc++;
    }
    return bench_opts_parse(o, argc, argv, err, len);
}

static void test_opts_defaults(void)
{
    bench_opts_t o;
    char err[256] = "";
    static const char *const none[] = {NULL};
    CU_ASSERT_EQUAL_FATAL(parse(&o, err, sizeof(err), none), 0);
    CU_ASSERT_STRING_EQUAL(o.mode, "write");
    CU_ASSERT_STRING_EQUAL(o.url, "http://127.0.0.1:8080");
    CU_ASSERT_EQUAL(o.connections, 4);
    CU_ASSERT_EQUAL(o.batch, 1);
    CU_ASSERT_EQUAL(o.rate, 0);
    CU_ASSERT_EQUAL(o.duration_s, 10);
    CU_ASSERT_EQUAL(o.redis_port, 6390);
    CU_ASSERT_EQUAL(o.seed_events, 100000);
    CU_ASSERT_EQUAL(o.probe_poll_ms, 2);
    CU_ASSERT_PTR_NULL(o.run_id);
    CU_ASSERT_PTR_NULL(o.pids_dir);
    CU_ASSERT_FALSE(o.json);
    CU_ASSERT_FALSE(o.rate_given);
}

static void test_opts_values(void)
{
    bench_opts_t o;
    char err[256] = "";
    static const char *const args[] = {"--mode", "read",   "--connections=8", "--rate",  "0",
                                       "--json", "--path", "/x/{sp}",         "--setup", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(&o, err, sizeof(err), args), 0);
    CU_ASSERT_STRING_EQUAL(o.mode, "read");
    CU_ASSERT_EQUAL(o.connections, 8);
    CU_ASSERT_EQUAL(o.rate, 0);
    CU_ASSERT_TRUE(o.rate_given); /* --rate 0 given: --mode read keeps it */
    CU_ASSERT_TRUE(o.json);
    CU_ASSERT_TRUE(o.setup);
    CU_ASSERT_STRING_EQUAL(o.path, "/x/{sp}");
    CU_ASSERT_EQUAL(bench_mode_of("read"), MODE_READ);
    CU_ASSERT_EQUAL(bench_mode_of("freshness"), MODE_FRESHNESS);
    CU_ASSERT_EQUAL(bench_mode_of("Read"), -1);
}

static void test_opts_errors(void)
{
    static const struct {
        const char *args[4];
        const char *err;
    } cases[] = {
        {{"--connections", "0"}, "--connections: must be an integer in 1..10000, got '0'"},
        {{"--duration", "3601"}, "--duration: must be an integer in 1..3600, got '3601'"},
        {{"--batch", "12x"}, "--batch: must be an integer in 1..10000, got '12x'"},
        {{"--rate"}, "--rate needs a value (R)"},
        {{"--json=1"}, "--json takes no value"},
        {{"extra"}, "unexpected argument 'extra' (see --help)"},
        {{"--nope"}, "unknown option '--nope' (see --help)"},
        {{"--connection", "2"}, "unknown option '--connection' (see --help)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bench_opts_t o;
        char err[256] = "";
        CU_ASSERT_EQUAL(parse(&o, err, sizeof(err), cases[i].args), -1);
        CU_ASSERT_STRING_EQUAL(err, cases[i].err);
    }
}

static CU_TestInfo hist_tests[] = {
    {"buckets", test_hist_buckets},
    {"percentiles", test_hist_percentiles},
    {"outlier", test_hist_outlier},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo parse_tests[] = {
    {"answer counts", test_counts_answer},
    {"not an answer", test_counts_not_an_answer},
    {"status kB", test_status_kb},
    {"stat ticks", test_stat_ticks},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo event_tests[] = {
    {"init", test_gen_init},
    {"batch of 2000", test_batch},
    {"single and limits", test_single_and_limits},
    {"customers mix", test_customers_mix},
    {"mix names", test_mix_names},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo read_tests[] = {
    {"salesperson id", test_sp_id},
    {"path template", test_path_expand},
    {"probe marker", test_probe_write},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo time_tests[] = {
    {"since", test_since_s},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo opts_tests[] = {
    {"defaults", test_opts_defaults},
    {"values", test_opts_values},
    {"errors", test_opts_errors},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"bench_hist", NULL, NULL, NULL, NULL, hist_tests},
    {"bench_parse", NULL, NULL, NULL, NULL, parse_tests},
    {"bench_events", NULL, NULL, NULL, NULL, event_tests},
    {"bench_reads", NULL, NULL, NULL, NULL, read_tests},
    {"bench_time", NULL, NULL, NULL, NULL, time_tests},
    {"bench_opts", NULL, NULL, NULL, NULL, opts_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
