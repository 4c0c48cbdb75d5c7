/* test_pbjson_fast.c — gateway/pbjson_fast.h: whatever the fast parser
 * accepts, it decodes exactly as json_loadb + pbjson_decode do (the packed
 * messages are compared byte for byte); everything outside its subset is
 * declined, so the general path answers it as before. */
#include <stdlib.h>
#include <string.h>

#include "bench_events.h"
#include "neiqin.pb-c.h"
#include "nq_test.h"
#include "pbjson_fast.h"

static const pbjson_special_t specials[] = {
    {"amount", "amount_fen", PBJSON_MONEY, false},      {"price", "price_fen", PBJSON_MONEY, false},
    {"occurred_at", "occurred_at", PBJSON_TIME, false}, {"due_at", "due_at", PBJSON_TIME, false},
    {"received_at", "received_at", PBJSON_TIME, true},
};
static const pbjson_schema_t schema = {&nq__activity__descriptor, specials,
                                       sizeof(specials) / sizeof(specials[0])};

/* The general path: every object of the body through pbjson_decode, with the
 * texts of its numbers as the gateway has them (the body's, or the line's).
 * Returns how many decoded (into out[]), or -1 when the JSON or an event is
 * bad. */
static long general(const char *body, size_t len, pbjson_fast_format_t fmt, ProtobufCMessage **out,
                    size_t cap)
{
    static json_t *roots[4096];
    static jnum_index_t *nums[4096]; /* owned, one per root for NDJSON; [0] for JSON */
    size_t n_roots = 0, n_nums = 0;
    bool bad = false;
    if (fmt == PBJSON_FAST_JSON) {
        json_error_t err;
        json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
        if (!root)
            return -1;
        nums[n_nums++] = jnum_index(root, body, len);
        if (json_is_array(root)) {
            size_t i;
            json_t *v;
            json_array_foreach (root, i, v)
                roots[n_roots++] = json_incref(v);
            json_decref(root);
        } else {
            roots[n_roots++] = root;
        }
    } else {
        const char *p = body, *line;
        size_t l;
        while (!bad && pbjson_ndjson_line(&p, body + len, &line, &l)) {
            json_error_t err;
            json_t *v = l ? json_loadb(line, l, JSON_REJECT_DUPLICATES, &err) : NULL;
            bad = (l && !v) || n_roots == 4096; /* a bad line, or too many */
            if (v && !bad) {
                nums[n_nums++] = jnum_index(v, line, l);
                roots[n_roots++] = v;
            } else {
                json_decref(v);
            }
        }
    }
    long n = bad ? -1 : 0;
    for (size_t i = 0; i < n_roots; i++) {
        nq_field_errors_t errs = {0};
        const jnum_index_t *idx = fmt == PBJSON_FAST_JSON ? nums[0] : nums[i];
        CU_ASSERT_PTR_NOT_NULL(idx);
        ProtobufCMessage *m =
            n >= 0 && (size_t)n < cap ? pbjson_decode(&schema, roots[i], idx, &errs) : NULL;
        if (m)
            out[n++] = m;
        else if (n >= 0)
            n = -1 - n; /* remember the failure, keep freeing */
        json_decref(roots[i]);
    }
    for (size_t i = 0; i < n_nums; i++)
        jnum_free(&nums[i]);
    return n;
}

static void free_all(ProtobufCMessage **m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        protobuf_c_message_free_unpacked(m[i], NULL);
}

static bool same_bytes(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    size_t la = protobuf_c_message_get_packed_size(a), lb = protobuf_c_message_get_packed_size(b);
    if (la != lb)
        return false;
    uint8_t *x = malloc(la + 1), *y = malloc(lb + 1);
    protobuf_c_message_pack(a, x);
    protobuf_c_message_pack(b, y);
    bool same = memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

/* Decode `body` both ways. Returns whether the fast path accepted it; when it
 * did, the general path must agree message for message. */
static bool both_ways(const char *body, pbjson_fast_format_t fmt, size_t max)
{
    size_t len = strlen(body);
    ProtobufCMessage **fast = NULL;
    size_t n_fast = 0;
    if (pbjson_fast_decode(&schema, body, len, fmt, max, &fast, &n_fast) != 0)
        return false;
    static ProtobufCMessage *slow[4096];
    long n_slow = general(body, len, fmt, slow, 4096);
    CU_ASSERT_EQUAL(n_slow, (long)n_fast);
    if (n_slow != (long)n_fast)
        fprintf(stderr, "\nfast took %zu, general %ld: %.200s\n", n_fast, n_slow, body);
    for (size_t i = 0; n_slow > 0 && i < n_fast && i < (size_t)n_slow; i++) {
        bool same = same_bytes(fast[i], slow[i]);
        CU_ASSERT(same);
        if (!same)
            fprintf(stderr, "\nmessage %zu differs: %.300s\n", i, body);
    }
    free_all(fast, n_fast);
    free(fast);
    if (n_slow > 0)
        free_all(slow, (size_t)n_slow);
    return true;
}

static void accepts(const char *body)
{
    bool ok = both_ways(body, PBJSON_FAST_JSON, 5000);
    CU_ASSERT(ok);
    if (!ok)
        fprintf(stderr, "\ndeclined: %s\n", body);
}

static void declines(const char *body, pbjson_fast_format_t fmt, size_t max)
{
    ProtobufCMessage **m = NULL;
    size_t n = 0;
    int rc = pbjson_fast_decode(&schema, body, strlen(body), fmt, max, &m, &n);
    CU_ASSERT_EQUAL(rc, -1);
    if (rc == 0) {
        fprintf(stderr, "\naccepted: %s\n", body);
        free_all(m, n);
        free(m);
    }
}

static void test_generated(void)
{
    bench_gen_t g;
    CU_ASSERT_EQUAL_FATAL(bench_gen_init(&g, "fast", 7, 200, 2000, 7 * 86400000LL), 0);
    static char body[500 * BENCH_EVENT_MAX + 16];
    for (int round = 0; round < 6; round++) {
        CU_ASSERT_FATAL(bench_batch_write(&g, body, sizeof(body), 500, true,
                                          1 + (uint64_t)round * 500, 1795700000000LL) > 0);
        CU_ASSERT(both_ways(body, PBJSON_FAST_JSON, 5000));
        /* The same events as NDJSON: one object per line. */
        char *nd = strdup(body + 1);
        size_t l = strlen(nd);
        nd[l - 1] = '\n';
        for (char *p = strstr(nd, "},{"); p; p = strstr(p, "},{"))
            p[1] = '\n';
        CU_ASSERT(both_ways(nd, PBJSON_FAST_NDJSON, 5000));
        free(nd);
    }
    /* One event alone, as a single-event POST sends it. */
    CU_ASSERT_FATAL(bench_batch_write(&g, body, sizeof(body), 1, false, 9999, 1795700000000LL) > 0);
    CU_ASSERT(both_ways(body, PBJSON_FAST_JSON, 5000));
}

static void test_every_type_of_value(void)
{
    accepts("{\"event_id\":\"订单-001\",\"type\":\"order\",\"salesperson_id\":\"sp-1\","
            "\"customer_id\":\"c-1\",\"occurred_at\":\"2026-11-26T09:30:00+08:00\","
            "\"amount\":\"1234.50\",\"order_id\":\"o-1\",\"due_at\":1795700000000,"
            "\"line_count\":3,\"notes\":\"急单 ✓ emoji \xF0\x9F\x98\x80\"}");
    accepts("[{\"type\":\"order\",\"amount\":12},{\"type\":\"order\",\"amount\":12.5},"
            "{\"type\":\"return\",\"amount\":\"0.01\"},{\"type\":\"payment\",\"amount\":-3}]");
    accepts("{\"type\":\"visit\",\"location\":{\"lat\":-31.5,\"lng\":121,\"accuracy_m\":0.5},"
            "\"duration_s\":2147483647}");
    accepts(
        "{\"type\":\"visit\",\"location\":{\"lat\":-0,\"lng\":-0.0},\"duration_s\":-2147483648}");
    accepts("{\"type\":\"visit\",\"location\":{}}");
    accepts("{\"type\":\"order_fulfilled\",\"on_time\":true,\"amount\":\"99\"}");
    accepts("{\"type\":\"order_fulfilled\",\"on_time\":false}");
    accepts("{\"type\":\"feedback\",\"rating\":5,\"nps\":0,\"channel\":\"survey\",\"text\":\"\"}");
    accepts("{\"type\":\"competitor_intel\",\"price\":\"18.80\",\"competitor\":\"甲\"}");
    accepts("{}");
    accepts(" \n\t{ \"type\" : \"visit\" , \"occurred_at\" : 1795700000000 }\r\n ");
    accepts("[ {\"type\":\"call\"} ,\n {\"type\":\"meeting\"} ]");
    accepts("{\"type\":\"order\",\"amount\":9999999.99,\"due_at\":123456789012345678}");
}

static void test_declines(void)
{
    static const char *const bodies[] = {
        "{\"type\":\"vi\\nsit\"}",               /* an escape */
        "{\"type\":\"\\u8ba2\"}",                /* a unicode escape */
        "{\"type\":null}",                       /* null */
        "{\"type\":\"visit\",\"foo\":1}",        /* unknown field */
        "{\"amount_fen\":100}",                  /* renamed field by its protobuf name */
        "{\"received_at\":1795700000000}",       /* set by the server */
        "{\"type\":\"a\",\"type\":\"b\"}",       /* repeated key */
        "{\"location\":{\"lat\":1,\"lat\":2}}",  /* repeated nested key */
        "{\"duration_s\":1e3}",                  /* exponent */
        "{\"duration_s\":01}",                   /* leading zero */
        "{\"duration_s\":1.}",                   /* no digits after the point */
        "{\"duration_s\":2147483648}",           /* over int32 */
        "{\"occurred_at\":1234567890123456789}", /* 19 digits */
        "{\"duration_s\":1.5}",                  /* a real for an integer */
        "{\"duration_s\":\"5\"}",                /* a string for an integer */
        "{\"on_time\":1}",                       /* a number for a bool */
        "{\"on_time\":tru}",                     /* not a literal */
        "{\"attributes\":{\"a\":\"b\"}}",        /* a map */
        "{\"type\":[\"visit\"]}",                /* an array */
        "{\"location\":{\"lat\":{\"x\":1}}}",    /* nested too deep */
        "{\"type\":\"bad \xC3\x28\"}",           /* invalid UTF-8 */
        "{\"type\":\"\xED\xA0\x80\"}",           /* a surrogate */
        "{\"type\":\"\xC0\xAF\"}",               /* overlong */
        "{\"type\":\"tab\there\"}",              /* a control character */
        "{\"type\":\"visit\"} x",                /* trailing garbage */
        "[{\"type\":\"visit\"},]",               /* trailing comma */
        "[{\"type\":\"visit\"}",                 /* unterminated */
        "{\"type\":\"visit\"",                   /* unterminated */
        "[]",                                    /* no events */
        "",                                      /* nothing */
        "[1]",                                   /* not an object */
        "\"visit\"",                             /* not an object */
        "{\"amount\":\"1.234\"}",                /* three decimals */
        "{\"amount\":1.50000000000000000001}",   /* the double is 1.5, the text is not */
        "{\"amount\":0.29999999999999999}",      /* the double is 0.3, the text is not */
        "{\"amount\":1.500}",                    /* three decimals, as a number */
        "{\"price\":18.801}",                    /* another amount */
        "{\"amount\":\"abc\"}",                  /* not money */
        "{\"occurred_at\":\"yesterday\"}",       /* not a time */
        "{\"occurred_at\":1.5}",                 /* a real time */
        "{\"type\":\"visit\" \"x\":1}",          /* a missing comma */
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
        declines(bodies[i], PBJSON_FAST_JSON, 5000);
    /* A long string. */
    char *big = malloc(PBJSON_STRING_MAX + 64);
    strcpy(big, "{\"notes\":\"");
    memset(big + 10, 'x', PBJSON_STRING_MAX + 1);
    strcpy(big + 10 + PBJSON_STRING_MAX + 1, "\"}");
    declines(big, PBJSON_FAST_JSON, 5000);
    big[10 + PBJSON_STRING_MAX] = '"';
    big[10 + PBJSON_STRING_MAX + 1] = '}';
    big[10 + PBJSON_STRING_MAX + 2] = '\0';
    accepts(big); /* exactly the limit */
    free(big);
    /* More events than allowed. */
    declines("[{},{},{}]", PBJSON_FAST_JSON, 2);
    CU_ASSERT(both_ways("[{},{}]", PBJSON_FAST_JSON, 2));
}

static void test_ndjson(void)
{
    CU_ASSERT(
        both_ways("{\"type\":\"visit\"}\n\n{\"type\":\"call\"}\r\n  \n{\"type\":\"order\"} \t",
                  PBJSON_FAST_NDJSON, 5000));
    declines("{\"type\":\"visit\"}\nnot json\n", PBJSON_FAST_NDJSON, 5000);
    declines("{\"type\":\"visit\"} {\"type\":\"call\"}\n", PBJSON_FAST_NDJSON, 5000);
    declines("\n \r\n", PBJSON_FAST_NDJSON, 5000);
    declines("[{\"type\":\"visit\"}]\n", PBJSON_FAST_NDJSON, 5000);
}

/* Amounts given as numbers: the two paths agree on the text, whether it is
 * taken or refused (the fast path declines, the general path refuses). */
static void test_money_numbers(void)
{
    accepts("[{\"amount\":12.50},{\"amount\":0.3},{\"amount\":-0},{\"amount\":0.29},"
            "{\"price\":1234567890.12}]");
    static const char *const refused[] = {
        "{\"amount\":1.50000000000000000001}",
        "{\"amount\":0.29999999999999999}",
        "{\"amount\":1.500}",
        "[{\"amount\":1.5},{\"price\":0.001}]",
    };
    static ProtobufCMessage *out[8];
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        declines(refused[i], PBJSON_FAST_JSON, 5000);
        CU_ASSERT(general(refused[i], strlen(refused[i]), PBJSON_FAST_JSON, out, 8) < 0);
    }
}

static CU_TestInfo tests[] = {
    {"generated mixes: same messages as pbjson", test_generated},
    {"every kind of value: same messages as pbjson", test_every_type_of_value},
    {"outside the subset: declined", test_declines},
    {"NDJSON lines", test_ndjson},
    {"amounts as numbers: judged on their text on both paths", test_money_numbers},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"pbjson_fast", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
