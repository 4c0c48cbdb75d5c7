/* test_intel.c — nq/intel.h: names, the members an event writes, and the
 * figures read back: months of a period and the pair filter, the merge of
 * salespeople's and months' figures in any order equal to the figures of
 * all observations at once (exact fen, mean rounded half up), distinct
 * customers, the newest notes and series. Table-driven. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/intel.h"
#include "nq_test.h"

#define DAY INT64_C(86400000)
/* 2026-10-01T00:00:00+08:00 */
#define OCT1 INT64_C(1790784000000)

static int suite_init(void)
{
    return nq_zone_set("Asia/Shanghai");
}

static void test_names(void)
{
    static const struct {
        const char *s;
        bool empty_ok, want;
    } cases[] = {
        {"某竞品", false, true},
        {"A100", false, true},
        {"", false, false},
        {"", true, true},
        {NULL, true, true},
        {NULL, false, false},
        {"a\x1f"
         "b",
         false, false}, /* the separator */
        {"a\nb", false, false},
        {"\xff\xfe", false, false}, /* not UTF-8 */
        {"x\x7f", false, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CU_ASSERT_EQUAL(nq_intel_name_ok(cases[i].s, cases[i].empty_ok), cases[i].want);
    char long_name[NQ_INTEL_NAME_MAX + 2];
    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[NQ_INTEL_NAME_MAX + 1] = '\0';
    CU_ASSERT_FALSE(nq_intel_name_ok(long_name, false));
    long_name[NQ_INTEL_NAME_MAX] = '\0';
    CU_ASSERT_TRUE(nq_intel_name_ok(long_name, false));
}

static void test_members(void)
{
    char buf[NQ_INTEL_MEMBER_MAX];
    nq_intel_event_t ev = {.competitor = "某竞品",
                           .product = "A100",
                           .ref = "1700000000000-0.2",
                           .customer = "cust-1",
                           .text = "降价\n10%",
                           .at = OCT1,
                           .has_price = true,
                           .price_fen = 98000};
    CU_ASSERT_TRUE(nq_intel_obs_member(buf, sizeof(buf), &ev) > 0);
    CU_ASSERT_STRING_EQUAL(buf, "某竞品\x1f"
                                "A100\x1f"
                                "1790784000000\x1f"
                                "1700000000000-0.2\x1f"
                                "98000\x1f"
                                "cust-1");
    CU_ASSERT_TRUE(nq_intel_note_member(buf, sizeof(buf), &ev) > 0);
    CU_ASSERT_STRING_EQUAL(buf, "某竞品\x1f"
                                "A100\x1f"
                                "1790784000000\x1f"
                                "1700000000000-0.2\x1f"
                                "cust-1\x1f"
                                "降价 10%");
    CU_ASSERT_TRUE(nq_intel_sum_prefix(buf, sizeof(buf), &ev) > 0);
    CU_ASSERT_STRING_EQUAL(buf, "2026-10\x1f某竞品\x1f"
                                "A100\x1f");
    ev.at = OCT1 - 1; /* 2026-09-30T23:59:59.999+08:00: September in Shanghai */
    CU_ASSERT_TRUE(nq_intel_sum_prefix(buf, sizeof(buf), &ev) > 0);
    CU_ASSERT_STRING_EQUAL(buf, "2026-09\x1f某竞品\x1f"
                                "A100\x1f");
    ev.text = "";
    CU_ASSERT_EQUAL(nq_intel_note_member(buf, sizeof(buf), &ev), 0);
    ev.has_price = false;
    CU_ASSERT_TRUE(nq_intel_obs_member(buf, sizeof(buf), &ev) > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\x1f\x1f"
                                       "cust-1"));
    ev.competitor = "";
    CU_ASSERT_EQUAL(nq_intel_obs_member(buf, sizeof(buf), &ev), -1);
    ev.competitor = "x";
    ev.has_price = true;
    ev.price_fen = -1;
    CU_ASSERT_EQUAL(nq_intel_obs_member(buf, sizeof(buf), &ev), -1);
    ev.price_fen = 1;
    CU_ASSERT_EQUAL(nq_intel_obs_member(buf, 8, &ev), -1); /* does not fit */
}

/* One observation of the tables below. */
typedef struct obs {
    const char *sp, *competitor, *product, *customer;
    int64_t at, fen; /* fen < 0: no price */
} obs_t;

static const obs_t table[] = {
    {"sp-a", "C1", "A100", "c-1", OCT1 + 1 * DAY, 98000},
    {"sp-a", "C1", "A100", "c-2", OCT1 + 40 * DAY, 95050}, /* November */
    {"sp-b", "C1", "A100", "c-1", OCT1 + 1 * DAY, 99000},  /* same instant: higher */
    {"sp-b", "C1", "A100", "", OCT1 + 70 * DAY, -1},       /* December, no price */
    {"sp-b", "C1", "A100", "c-3", OCT1 + 80 * DAY, 97001},
    {"sp-a", "C1", "B200", "c-1", OCT1 + 5 * DAY, 1},
    {"sp-a", "C2", "A100", "c-9", OCT1 + 5 * DAY, 100},
    {"sp-a", "C1", "A100", "c-7", OCT1 - 1, 1},        /* September: outside Q4 */
    {"sp-b", "C1", "A100", "c-8", OCT1 + 92 * DAY, 1}, /* January: outside Q4 */
};
#define N_TABLE (sizeof(table) / sizeof(table[0]))

/* The "sums" fields intel_events.lua writes for the table, as
 * field/value pairs, one month's pair of one salesperson at a time. */
typedef struct field {
    char name[256], value[64];
} field_t;

static size_t fields_of(field_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < N_TABLE; i++) {
        const obs_t *o = &table[i];
        nq_intel_event_t ev = {.competitor = o->competitor,
                               .product = o->product,
                               .ref = "r",
                               .customer = o->customer,
                               .text = "",
                               .at = o->at,
                               .has_price = o->fen >= 0,
                               .price_fen = o->fen};
        char pre[200];
        CU_ASSERT_FATAL(nq_intel_sum_prefix(pre, sizeof(pre), &ev) > 0);
        /* one salesperson's stats per field (each row alone: a month of one) */
        snprintf(out[n].name, sizeof(out[n].name), "%sm", pre);
        snprintf(out[n++].value, sizeof(out[0].value), "1");
        if (*o->customer) {
            snprintf(out[n].name, sizeof(out[n].name), "%sc\x1f%s", pre, o->customer);
            snprintf(out[n++].value, sizeof(out[0].value), "1");
        }
        if (o->fen < 0)
            continue;
        snprintf(out[n].name, sizeof(out[n].name), "%sn", pre);
        snprintf(out[n++].value, sizeof(out[0].value), "1");
        static const char *const price[] = {"s", "lo", "hi"};
        for (size_t k = 0; k < 3; k++) {
            snprintf(out[n].name, sizeof(out[n].name), "%s%s", pre, price[k]);
            snprintf(out[n++].value, sizeof(out[0].value), "%lld", (long long)o->fen);
        }
        static const char *const at[] = {"f", "l"};
        for (size_t k = 0; k < 2; k++) {
            snprintf(out[n].name, sizeof(out[n].name), "%s%s", pre, at[k]);
            snprintf(out[n++].value, sizeof(out[0].value), "%013lld|%lld", (long long)o->at,
                     (long long)o->fen);
        }
    }
    return n;
}

static const nq_intel_pair_t *find(const nq_intel_t *in, const char *c, const char *p)
{
    for (size_t i = 0; i < in->n; i++)
        if (strcmp(in->pairs[i].competitor, c) == 0 && strcmp(in->pairs[i].product, p) == 0)
            return &in->pairs[i];
    return NULL;
}

/* Q4 2026 read from the fields in three orders: the same figures as all the
 * in-period observations added at once. */
static void test_merge_any_order(void)
{
    nq_period_t q4;
    CU_ASSERT_FATAL(nq_period_from_key(NQ_PERIOD_QUARTER, "2026-Q4", &q4) == 0);
    field_t fields[N_TABLE * 8];
    size_t n = fields_of(fields);
    nq_price_stats_t want = {0};
    for (size_t i = 0; i < N_TABLE; i++) {
        const obs_t *o = &table[i];
        if (strcmp(o->competitor, "C1") == 0 && strcmp(o->product, "A100") == 0 && o->fen >= 0 &&
            o->at >= q4.start_ms && o->at < q4.end_ms)
            nq_price_stats_add(&want, o->at, o->fen);
    }
    for (int order = 0; order < 3; order++) {
        nq_intel_t in;
        CU_ASSERT_FATAL(nq_intel_init(&in, &q4, NULL, NULL) == 0);
        for (size_t k = 0; k < n; k++) {
            /* as written, reversed, odd places then even ones */
            size_t i = order == 0   ? k
                       : order == 1 ? n - 1 - k
                       : k < n / 2  ? 2 * k + 1
                                    : 2 * (k - n / 2);
            nq_intel_add_sum(&in, fields[i].name, fields[i].value);
        }
        nq_intel_finish(&in);
        CU_ASSERT_EQUAL_FATAL(in.n, 3);
        const nq_intel_pair_t *p = &in.pairs[0]; /* most mentions first */
        CU_ASSERT_STRING_EQUAL(p->competitor, "C1");
        CU_ASSERT_STRING_EQUAL(p->product, "A100");
        CU_ASSERT_EQUAL(p->mentions, 5);
        CU_ASSERT_EQUAL(p->n_customers, 3); /* c-1 twice, c-2, c-3; the unnamed none */
        CU_ASSERT_EQUAL(p->price.n, want.n);
        CU_ASSERT_EQUAL(p->price.n, 4);
        CU_ASSERT_EQUAL(p->price.sum_fen, want.sum_fen);
        CU_ASSERT_EQUAL(p->price.min_fen, 95050);
        CU_ASSERT_EQUAL(p->price.max_fen, 99000);
        CU_ASSERT_EQUAL(p->price.first_at, want.first_at);
        CU_ASSERT_EQUAL(p->price.first_fen, 98000); /* the lower at one instant */
        CU_ASSERT_EQUAL(p->price.last_fen, 97001);
        CU_ASSERT_EQUAL(p->price.last_at, OCT1 + 80 * DAY);
        int64_t avg = 0;
        CU_ASSERT_TRUE(nq_price_stats_avg(&p->price, &avg));
        CU_ASSERT_EQUAL(avg, 97263); /* 389051 / 4 = 97262.75, half up */
        CU_ASSERT_PTR_NOT_NULL(find(&in, "C1", "B200"));
        CU_ASSERT_PTR_NOT_NULL(find(&in, "C2", "A100"));
        /* ties of mentions: by competitor, then product */
        CU_ASSERT_STRING_EQUAL(in.pairs[1].product, "B200");
        CU_ASSERT_STRING_EQUAL(in.pairs[2].competitor, "C2");
        nq_intel_free(&in);
    }
}

/* Period months and the filter. */
static void test_filters(void)
{
    static const struct {
        nq_period_kind_t kind;
        const char *key, *competitor, *product;
        size_t pairs;
        int64_t mentions; /* of the first pair */
    } cases[] = {
        {NQ_PERIOD_MONTH, "2026-10", NULL, NULL, 3, 2},   /* Oct: A100 twice, B200, C2 */
        {NQ_PERIOD_MONTH, "2026-09", NULL, NULL, 1, 1},   /* Sep: only the early one */
        {NQ_PERIOD_YEAR, "2026", "C1", "A100", 1, 6},     /* Q4's five and September's */
        {NQ_PERIOD_YEAR, "2027", NULL, NULL, 1, 1},       /* January */
        {NQ_PERIOD_QUARTER, "2026-Q4", "C2", NULL, 1, 1}, /* any product of C2 */
        {NQ_PERIOD_QUARTER, "2026-Q4", "C1", "", 0, 0},   /* no product "" */
        {NQ_PERIOD_QUARTER, "2026-Q3", "C3", NULL, 0, 0},
    };
    field_t fields[N_TABLE * 8];
    size_t n = fields_of(fields);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        nq_period_t p;
        nq_intel_t in;
        CU_ASSERT_FATAL(nq_period_from_key(cases[c].kind, cases[c].key, &p) == 0);
        CU_ASSERT_FATAL(nq_intel_init(&in, &p, cases[c].competitor, cases[c].product) == 0);
        for (size_t i = 0; i < n; i++)
            nq_intel_add_sum(&in, fields[i].name, fields[i].value);
        nq_intel_finish(&in);
        CU_ASSERT_EQUAL(in.n, cases[c].pairs);
        if (in.n && cases[c].pairs)
            CU_ASSERT_EQUAL(in.pairs[0].mentions, cases[c].mentions);
        nq_intel_free(&in);
    }
    nq_period_t week;
    nq_intel_t in;
    CU_ASSERT_FATAL(nq_period_from_key(NQ_PERIOD_WEEK, "2026-W48", &week) == 0);
    CU_ASSERT_EQUAL(nq_intel_init(&in, &week, NULL, NULL), -1); /* months only */
}

/* The table's events added one by one (a customer's timeline) give the
 * same pairs and figures as the index's fields, in every period and filter;
 * a note's text and the series come along. */
static void test_events_equal_sums(void)
{
    static const struct {
        nq_period_kind_t kind;
        const char *key, *competitor, *product;
    } cases[] = {
        {NQ_PERIOD_QUARTER, "2026-Q4", NULL, NULL}, {NQ_PERIOD_MONTH, "2026-10", NULL, NULL},
        {NQ_PERIOD_MONTH, "2026-09", NULL, NULL},   {NQ_PERIOD_YEAR, "2026", "C1", "A100"},
        {NQ_PERIOD_YEAR, "2027", NULL, NULL},       {NQ_PERIOD_QUARTER, "2026-Q4", "C2", NULL},
        {NQ_PERIOD_QUARTER, "2026-Q4", "C1", ""},
    };
    field_t fields[N_TABLE * 8];
    size_t n = fields_of(fields);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        nq_period_t p;
        nq_intel_t sums, events;
        CU_ASSERT_FATAL(nq_period_from_key(cases[c].kind, cases[c].key, &p) == 0);
        CU_ASSERT_FATAL(nq_intel_init(&sums, &p, cases[c].competitor, cases[c].product) == 0);
        CU_ASSERT_FATAL(nq_intel_init(&events, &p, cases[c].competitor, cases[c].product) == 0);
        for (size_t i = 0; i < n; i++)
            nq_intel_add_sum(&sums, fields[i].name, fields[i].value);
        size_t taken = 0;
        for (size_t i = 0; i < N_TABLE; i++) {
            const obs_t *o = &table[i];
            char ref[16];
            snprintf(ref, sizeof(ref), "r%zu", i);
            nq_intel_event_t ev = {.competitor = o->competitor,
                                   .product = o->product,
                                   .ref = ref,
                                   .customer = o->customer,
                                   .text = i % 2 ? "降价" : "",
                                   .at = o->at,
                                   .has_price = o->fen >= 0,
                                   .price_fen = o->fen};
            int rc = nq_intel_add_event(&events, o->sp, &ev, true);
            CU_ASSERT(rc == 0 || rc == 1);
            taken += rc == 1;
        }
        nq_intel_finish(&sums);
        nq_intel_finish(&events);
        CU_ASSERT_EQUAL_FATAL(events.n, sums.n);
        int64_t mentions = 0;
        size_t notes = 0, series = 0;
        for (size_t i = 0; i < sums.n; i++) {
            const nq_intel_pair_t *a = &sums.pairs[i], *b = &events.pairs[i];
            CU_ASSERT_STRING_EQUAL(a->competitor, b->competitor);
            CU_ASSERT_STRING_EQUAL(a->product, b->product);
            CU_ASSERT_EQUAL(a->mentions, b->mentions);
            CU_ASSERT_EQUAL(a->n_customers, b->n_customers);
            CU_ASSERT_EQUAL(memcmp(&a->price, &b->price, sizeof(a->price)), 0);
            mentions += b->mentions;
            notes += b->n_notes;
            series += b->n_series;
            for (size_t k = 0; k < b->n_notes; k++)
                CU_ASSERT_STRING_EQUAL(b->notes[k].text, "降价");
        }
        CU_ASSERT_EQUAL((size_t)mentions, taken);
        CU_ASSERT_EQUAL(series, taken);
        CU_ASSERT(notes <= taken);
        nq_intel_free(&sums);
        nq_intel_free(&events);
    }
    nq_period_t q4;
    nq_intel_t in;
    nq_intel_event_t bad = {
        .competitor = "", .product = "", .ref = "r", .customer = "", .text = ""};
    CU_ASSERT_FATAL(nq_period_from_key(NQ_PERIOD_QUARTER, "2026-Q4", &q4) == 0);
    CU_ASSERT_FATAL(nq_intel_init(&in, &q4, NULL, NULL) == 0);
    bad.at = OCT1;
    CU_ASSERT_EQUAL(nq_intel_add_event(&in, "sp-a", &bad, false), 0); /* no competitor */
    CU_ASSERT_EQUAL(in.n, 0);
    nq_intel_free(&in);
}

/* The months of a period: the hashes a read takes. */
static void test_months(void)
{
    static const struct {
        nq_period_kind_t kind;
        const char *key;
        size_t n;
        const char *first, *last;
    } cases[] = {
        {NQ_PERIOD_MONTH, "2026-02", 1, "2026-02", "2026-02"},
        {NQ_PERIOD_QUARTER, "2026-Q4", 3, "2026-10", "2026-12"},
        {NQ_PERIOD_QUARTER, "2027-Q1", 3, "2027-01", "2027-03"},
        {NQ_PERIOD_YEAR, "2028", 12, "2028-01", "2028-12"},
        {NQ_PERIOD_WEEK, "2026-W48", 0, NULL, NULL},
        {NQ_PERIOD_DAY, "2026-11-26", 0, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nq_period_t p;
        char months[NQ_INTEL_MONTHS_MAX][16];
        CU_ASSERT_FATAL(nq_period_from_key(cases[i].kind, cases[i].key, &p) == 0);
        size_t n = nq_intel_months(&p, months);
        CU_ASSERT_EQUAL(n, cases[i].n);
        if (n && cases[i].n) {
            CU_ASSERT_STRING_EQUAL(months[0], cases[i].first);
            CU_ASSERT_STRING_EQUAL(months[n - 1], cases[i].last);
        }
    }
}

/* Malformed fields are ignored, not counted. */
static void test_malformed(void)
{
    static const struct {
        const char *field, *value;
        int want;
    } cases[] = {
        {"2026-10\x1f"
         "C\x1f"
         "P\x1fm",
         "2", 1},
        {"2026-10\x1f"
         "C\x1f"
         "P\x1fm",
         "-1", 0},
        {"2026-10\x1f"
         "C\x1f"
         "P\x1fm",
         "x", 0},
        {"2026-10\x1f"
         "C\x1f"
         "P\x1fzz",
         "1", 0},
        {"2026-10\x1f"
         "C\x1f"
         "P",
         "1", 0},
        {"2026-10\x1f"
         "C\x1f"
         "P\x1f"
         "f",
         "12", 0},
        {"2026-10\x1f"
         "C\x1f"
         "P\x1f"
         "f",
         "12|x", 0},
        {"2026-10\x1f"
         "C\x1f"
         "P\x1f"
         "c\x1f",
         "1", 0},
        {"2026-10\x1f\x1f"
         "P\x1fm",
         "1", 0}, /* no competitor */
        {"2026-11\x1f"
         "C\x1f"
         "P\x1fm",
         "5", 0}, /* outside */
    };
    nq_period_t oct;
    nq_intel_t in;
    CU_ASSERT_FATAL(nq_period_from_key(NQ_PERIOD_MONTH, "2026-10", &oct) == 0);
    CU_ASSERT_FATAL(nq_intel_init(&in, &oct, NULL, NULL) == 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CU_ASSERT_EQUAL(nq_intel_add_sum(&in, cases[i].field, cases[i].value), cases[i].want);
    CU_ASSERT_EQUAL(in.n, 1);
    CU_ASSERT_EQUAL(in.pairs[0].mentions, 2);
    CU_ASSERT_EQUAL(in.pairs[0].price.n, 0);
    CU_ASSERT_EQUAL(nq_intel_add_note(&in, "sp-a",
                                      "C\x1fP\x1f"
                                      "12"),
                    0);
    CU_ASSERT_EQUAL(nq_intel_add_obs(&in, "sp-a", "C\x1fP\x1fnot-a-time\x1fr\x1f\x1f"), 0);
    nq_intel_free(&in);
}

/* The newest notes kept, newest first; the series oldest first. */
static void test_notes_and_series(void)
{
    nq_period_t oct;
    nq_intel_t in;
    CU_ASSERT_FATAL(nq_period_from_key(NQ_PERIOD_MONTH, "2026-10", &oct) == 0);
    CU_ASSERT_FATAL(nq_intel_init(&in, &oct, "C", "P") == 0);
    const size_t total = NQ_INTEL_NOTES_MAX + 5;
    for (size_t k = 0; k < total; k++) {
        size_t i = (k * 3) % total; /* out of order; 3 is prime to 25 */
        char ref[16], text[16], member[NQ_INTEL_MEMBER_MAX];
        snprintf(ref, sizeof(ref), "r%02zu", i);
        snprintf(text, sizeof(text), "note %zu", i);
        nq_intel_event_t ev = {.competitor = "C",
                               .product = "P",
                               .ref = ref,
                               .customer = "c-1",
                               .text = text,
                               .at = OCT1 + (int64_t)(i / 2) * 1000,
                               .has_price = true,
                               .price_fen = (int64_t)i};
        CU_ASSERT_FATAL(nq_intel_note_member(member, sizeof(member), &ev) > 0);
        CU_ASSERT_EQUAL(nq_intel_add_note(&in, i % 2 ? "sp-a" : "sp-b", member), 1);
        CU_ASSERT_FATAL(nq_intel_obs_member(member, sizeof(member), &ev) > 0);
        CU_ASSERT_EQUAL(nq_intel_add_obs(&in, "sp-a", member), 1);
    }
    {
        char member[NQ_INTEL_MEMBER_MAX];
        nq_intel_event_t ev = {.competitor = "C",
                               .product = "P",
                               .ref = "z",
                               .customer = "",
                               .text = "later",
                               .at = oct.end_ms};
        CU_ASSERT_FATAL(nq_intel_note_member(member, sizeof(member), &ev) > 0);
        CU_ASSERT_EQUAL(nq_intel_add_note(&in, "sp-a", member), 0); /* November */
    }
    nq_intel_finish(&in);
    CU_ASSERT_EQUAL_FATAL(in.n, 1);
    const nq_intel_pair_t *p = &in.pairs[0];
    CU_ASSERT_EQUAL_FATAL(p->n_notes, NQ_INTEL_NOTES_MAX);
    CU_ASSERT_STRING_EQUAL(p->notes[0].text, "note 24"); /* newest */
    CU_ASSERT_STRING_EQUAL(p->notes[0].salesperson, "sp-b");
    CU_ASSERT_STRING_EQUAL(p->notes[1].text, "note 23"); /* same instant as 22: greater ref */
    CU_ASSERT_STRING_EQUAL(p->notes[NQ_INTEL_NOTES_MAX - 1].text, "note 5");
    CU_ASSERT_EQUAL(p->n_series, total); /* under NQ_INTEL_SERIES_MAX */
    CU_ASSERT_EQUAL(p->series[0].price_fen, 0);
    CU_ASSERT_EQUAL(p->series[total - 1].price_fen, (int64_t)total - 1);
    CU_ASSERT_TRUE(p->series[0].has_price);
    CU_ASSERT_PTR_NULL(p->series[0].text);
    nq_intel_free(&in);
}

static CU_TestInfo tests[] = {
    {"competitor and product names", test_names},
    {"an event's members and field prefix", test_members},
    {"figures merged in any order equal all at once", test_merge_any_order},
    {"period months and the pair filter", test_filters},
    {"the months of a period", test_months},
    {"malformed figures are ignored", test_malformed},
    {"newest notes and the series", test_notes_and_series},
    {"events one by one equal the index's figures", test_events_equal_sums},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"intel", suite_init, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
