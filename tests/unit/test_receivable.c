/* test_receivable.c — nq/receivable.h: payments applied to invoices (oldest
 * first, named ones first, credits taken by later invoices), days past due
 * and their buckets at the edges, aging sums per salesperson, DSO in
 * tenths of a day; money in fen, exact. */
#include <stdio.h>
#include <string.h>

#include "nq/period.h"
#include "nq/receivable.h"
#include "nq_test.h"

/* Unix ms of a local (Asia/Shanghai) time "2026-11-01T10:00". */
static int64_t T(const char *local)
{
    char buf[64];
    const char *why;
    int64_t ms = 0;
    snprintf(buf, sizeof(buf), "%s:00+08:00", local);
    CU_ASSERT_FATAL(nq_time_parse(buf, &ms, &why) == 0);
    return ms;
}

static int init(void)
{
    return nq_zone_set("Asia/Shanghai");
}

/* The days past due of an invoice due on 11-01 (end of that day) at a
 * time of a later day, and their bucket. */
static void test_days_and_buckets(void)
{
    static const struct {
        const char *at;
        int64_t days;
        nq_ar_bucket_t bucket;
    } rows[] = {
        {"2026-10-31T23:59", -1, NQ_AR_NOT_DUE}, {"2026-11-01T00:00", 0, NQ_AR_NOT_DUE},
        {"2026-11-01T23:59", 0, NQ_AR_NOT_DUE},  {"2026-11-02T00:00", 1, NQ_AR_D1_30},
        {"2026-12-01T12:00", 30, NQ_AR_D1_30},   {"2026-12-02T00:00", 31, NQ_AR_D31_60},
        {"2026-12-31T09:00", 60, NQ_AR_D31_60},  {"2027-01-01T09:00", 61, NQ_AR_D61_90},
        {"2027-01-30T09:00", 90, NQ_AR_D61_90},  {"2027-01-31T00:00", 91, NQ_AR_OVER_90},
    };
    int64_t due = T("2026-11-01T00:00");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t d = nq_ar_days_past_due(due, T(rows[i].at));
        CU_ASSERT_EQUAL(d, rows[i].days);
        CU_ASSERT_EQUAL(nq_ar_bucket_of(d), rows[i].bucket);
        if (d != rows[i].days)
            fprintf(stderr, "at %s: %lld days, want %lld\n", rows[i].at, (long long)d,
                    (long long)rows[i].days);
    }
    /* a due time late in the day counts from that day */
    CU_ASSERT_EQUAL(nq_ar_days_past_due(T("2026-11-01T23:00"), T("2026-11-02T01:00")), 1);
    CU_ASSERT_STRING_EQUAL(nq_ar_bucket_name(NQ_AR_OVER_90), "over_90");
}

/* One scenario: facts as a HGETALL gives them, a date, and the expected
 * open amount of each invoice (in the order given) and the credit. */
typedef struct scenario {
    const char *name;
    const char *fields[16];
    const char *at;
    struct {
        const char *id;
        int64_t open;
    } open[4];
    int64_t credit;
    int64_t balance;
} scenario_t;

/* invoice i-1 of 1000.00 issued 10-01, i-2 of 500.00 issued 10-05 (order
 * SO-2), i-3 of 200.00 issued 10-20; due 30 days later. */
#define I1 "i|i-1", "1790820000000|1793412000000|100000|sp-a|SO-1"
#define I2 "i|i-2", "1791165600000|1793757600000|50000|sp-b|SO-2"
#define I3 "i|i-3", "1792461600000|1795053600000|20000|sp-a|"

static const scenario_t scenarios[] = {
    {"no payment",
     {I1, I2, I3},
     "2026-11-01T00:00",
     {{"i-1", 100000}, {"i-2", 50000}, {"i-3", 20000}},
     0,
     170000},
    {"partial, oldest first",
     {I1, I2, I3, "p|x/0", "1791684000000|30000|sp-a|"},
     "2026-11-01T00:00",
     {{"i-1", 70000}, {"i-2", 50000}, {"i-3", 20000}},
     0,
     140000},
    {"covers the oldest and part of the next",
     {I1, I2, I3, "p|x/0", "1791684000000|120000|sp-a|"},
     "2026-11-01T00:00",
     {{"i-1", 0}, {"i-2", 30000}, {"i-3", 20000}},
     0,
     50000},
    {"names an invoice",
     {I1, I2, I3, "p|x/0", "1792720800000|20000|sp-a|i:i-3"},
     "2026-11-01T00:00",
     {{"i-1", 100000}, {"i-2", 50000}, {"i-3", 0}},
     0,
     150000},
    {"names an order; the rest oldest first",
     {I1, I2, I3, "p|x/0", "1792720800000|60000|sp-b|o:SO-2"},
     "2026-11-01T00:00",
     {{"i-1", 90000}, {"i-2", 0}, {"i-3", 20000}},
     0,
     110000},
    {"overpaid: a credit",
     {I1, I2, I3, "p|x/0", "1792720800000|200000|sp-a|"},
     "2026-11-01T00:00",
     {{"i-1", 0}, {"i-2", 0}, {"i-3", 0}},
     30000,
     -30000},
    {"paid before invoiced: the invoice takes the credit",
     {"p|x/0", "1790733600000|40000|sp-a|", I1},
     "2026-11-01T00:00",
     {{"i-1", 60000}},
     0,
     60000},
    {"at a date before the later facts",
     {I1, I2, I3, "p|x/0", "1792720800000|200000|sp-a|"},
     "2026-10-04T00:00",
     {{"i-1", 100000}, {"i-2", 0}, {"i-3", 0}},
     0,
     100000},
    {"a named invoice already paid: oldest first",
     {I1, I2, "p|x/0", "1791684000000|50000|sp-a|i:i-2", "p|x/1", "1791770400000|10000|sp-a|i:i-2"},
     "2026-11-01T00:00",
     {{"i-1", 90000}, {"i-2", 0}},
     0,
     90000},
};

static int64_t open_of(const nq_ar_t *ar, const char *id)
{
    for (size_t i = 0; i < ar->n_inv; i++)
        if (strcmp(ar->inv[i].id, id) == 0)
            return ar->inv[i].open_fen;
    return -1;
}

static void test_apply(void)
{
    for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
        const scenario_t *c = &scenarios[s];
        size_t n = 0;
        while (n < 16 && c->fields[n])
            n++;
        nq_ar_t ar;
        CU_ASSERT_FATAL(nq_ar_parse(&ar, c->fields, n) == 0);
        CU_ASSERT_EQUAL(ar.skipped, 0);
        int64_t at = T(c->at);
        nq_ar_apply(&ar, at);
        for (size_t i = 0; i < 4 && c->open[i].id; i++) {
            int64_t got = open_of(&ar, c->open[i].id);
            CU_ASSERT_EQUAL(got, c->open[i].open);
            if (got != c->open[i].open)
                fprintf(stderr, "%s: %s open %lld, want %lld\n", c->name, c->open[i].id,
                        (long long)got, (long long)c->open[i].open);
        }
        nq_ar_aging_t a = {0};
        nq_ar_age(&ar, at, NULL, &a);
        CU_ASSERT_EQUAL(a.credit_fen, c->credit);
        CU_ASSERT_EQUAL(a.balance_fen, c->balance);
        int64_t buckets = 0;
        for (int b = 0; b < NQ_AR_BUCKETS; b++)
            buckets += a.bucket_fen[b];
        CU_ASSERT_EQUAL(buckets, a.open_fen);
        nq_ar_free(&ar);
    }
}

/* Aging at 12-15: i-1 (due 10-31) 45 days, i-2 (due 11-04) 41, i-3 (due
 * 11-19) 26; per salesperson; DSO over the 90 days before. */
static void test_age_and_dso(void)
{
    const char *f[] = {I1, I2, I3, "p|x/0", "1791684000000|30000|sp-a|"};
    nq_ar_t ar;
    CU_ASSERT_FATAL(nq_ar_parse(&ar, f, 8) == 0);
    int64_t at = T("2026-12-15T12:00");
    nq_ar_apply(&ar, at);
    nq_ar_aging_t all = {0}, a = {0}, b = {0};
    nq_ar_age(&ar, at, NULL, &all);
    nq_ar_age(&ar, at, "sp-a", &a);
    nq_ar_age(&ar, at, "sp-b", &b);
    CU_ASSERT_EQUAL(all.bucket_fen[NQ_AR_D31_60], 70000 + 50000);
    CU_ASSERT_EQUAL(all.bucket_fen[NQ_AR_D1_30], 20000);
    CU_ASSERT_EQUAL(all.bucket_fen[NQ_AR_NOT_DUE], 0);
    CU_ASSERT_EQUAL(all.overdue_fen, 140000);
    CU_ASSERT_EQUAL(all.open_invoices, 3);
    CU_ASSERT_EQUAL(a.open_fen, 90000);
    CU_ASSERT_EQUAL(b.open_fen, 50000);
    CU_ASSERT_EQUAL(a.open_fen + b.open_fen, all.open_fen);
    /* the window (09-16, 12-15] holds all three: 1700.00 */
    CU_ASSERT_EQUAL(all.invoiced_window_fen, 170000);
    int64_t dso = 0;
    CU_ASSERT_TRUE(nq_ar_dso(&all, &dso));
    CU_ASSERT_EQUAL(dso, 741); /* 1400 / 1700 * 90 = 74.117... */
    /* 91 days later the window is empty */
    nq_ar_aging_t late = {0};
    int64_t later = T("2027-03-31T12:00");
    nq_ar_apply(&ar, later);
    nq_ar_age(&ar, later, NULL, &late);
    CU_ASSERT_FALSE(nq_ar_dso(&late, &dso));
    CU_ASSERT_EQUAL(late.bucket_fen[NQ_AR_OVER_90], 140000);
    nq_ar_free(&ar);
    /* half up: 1 / 3 * 90 = 30.0; 2 / 3 * 90 = 60.0; 1 / 7 * 90 = 12.857 -> 128.6 tenths -> 129 */
    nq_ar_aging_t x = {.balance_fen = 1, .invoiced_window_fen = 7};
    CU_ASSERT_TRUE(nq_ar_dso(&x, &dso));
    CU_ASSERT_EQUAL(dso, 129);
    x.balance_fen = -5; /* overpaid: 0 days */
    CU_ASSERT_TRUE(nq_ar_dso(&x, &dso));
    CU_ASSERT_EQUAL(dso, 0);
}

/* nq_ar_age_each equals nq_ar_age per salesperson, for every scenario and a few sets of
 * salespeople: with or without the ones the facts name, repeated, empty. */
static bool same_aging(const nq_ar_aging_t *x, const nq_ar_aging_t *y)
{
    return memcmp(x, y, sizeof(*x)) == 0;
}

static void test_age_each(void)
{
    static const char *const sets[][4] = {
        {"sp-a", "sp-b", NULL}, {"sp-b", NULL}, {"sp-x", "sp-a", NULL}, {"sp-x", NULL}, {NULL},
    };
    const char *f[] = {I1,
                       I2,
                       I3,
                       "p|x/0",
                       "1791684000000|30000|sp-a|",
                       "p|x/1",
                       "1791770400000|5000|sp-b|o:SO-9"};
    nq_ar_t ar;
    CU_ASSERT_FATAL(nq_ar_parse(&ar, f, 10) == 0);
    const char *const ats[] = {"2026-11-01T12:00", "2026-12-15T12:00", "2027-03-31T12:00"};
    for (size_t t = 0; t < sizeof(ats) / sizeof(ats[0]); t++) {
        int64_t at = T(ats[t]);
        nq_ar_apply(&ar, at);
        for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
            size_t n = 0;
            while (n < 4 && sets[s][n])
                n++;
            nq_ar_aging_t each[4], one[4];
            memset(each, 0, sizeof(each));
            memset(one, 0, sizeof(one));
            nq_ar_age_each(&ar, at, (const char *const *)sets[s], n, each);
            for (size_t i = 0; i < n; i++) {
                nq_ar_age(&ar, at, sets[s][i], &one[i]);
                CU_ASSERT_TRUE(same_aging(&each[i], &one[i]));
            }
            for (size_t i = n; i < 4; i++) /* beyond n: untouched */
                CU_ASSERT_TRUE(same_aging(&each[i], &(nq_ar_aging_t){0}));
        }
        /* the two salespeople together are the whole customer */
        nq_ar_aging_t both[2], all = {0};
        memset(both, 0, sizeof(both));
        nq_ar_age_each(&ar, at, (const char *const[]){"sp-a", "sp-b"}, 2, both);
        nq_ar_age(&ar, at, NULL, &all);
        CU_ASSERT_EQUAL(both[0].open_fen + both[1].open_fen, all.open_fen);
        CU_ASSERT_EQUAL(both[0].credit_fen + both[1].credit_fen, all.credit_fen);
        CU_ASSERT_EQUAL(both[0].balance_fen + both[1].balance_fen, all.balance_fen);
        CU_ASSERT_EQUAL(both[0].invoiced_window_fen + both[1].invoiced_window_fen,
                        all.invoiced_window_fen);
    }
    nq_ar_free(&ar);
}

static void test_malformed(void)
{
    const char *f[] = {"i|i-1", "12|x|100|sp-a|", "i|i-2", "1|2|-5|sp-a|",
                       "p|x/0", "1|100|sp-a|z:1", "q|1",   "1",
                       "i|",    "1|2|3|sp|",      "i|i-3", "1|2|3|sp-a|SO"};
    nq_ar_t ar;
    CU_ASSERT_FATAL(nq_ar_parse(&ar, f, 12) == 0);
    CU_ASSERT_EQUAL(ar.n_inv, 1);
    CU_ASSERT_EQUAL(ar.n_pay, 0);
    CU_ASSERT_EQUAL(ar.skipped, 5);
    nq_ar_free(&ar);
    nq_ar_free(&ar); /* twice is safe */
}

/* The facts events put: invoice by its id, payment by its ref naming an
 * invoice (first) or an order; ids that are not plain are left out. */
static void test_fact(void)
{
    char f[128], v[256];
    nq_ar_event_t inv = {.type = "invoice",
                         .event_id = "erp-i-1",
                         .ref = "1-0/2",
                         .salesperson = "sp-a",
                         .order_id = "SO-1",
                         .at = 10,
                         .due_at = 20,
                         .amount_fen = 12345};
    CU_ASSERT_EQUAL(nq_ar_fact(&inv, f, sizeof(f), v, sizeof(v)), 1);
    CU_ASSERT_STRING_EQUAL(f, "i|erp-i-1");
    CU_ASSERT_STRING_EQUAL(v, "10|20|12345|sp-a|SO-1");
    inv.event_id = "bad|id";
    inv.order_id = "SO 1";
    CU_ASSERT_EQUAL(nq_ar_fact(&inv, f, sizeof(f), v, sizeof(v)), 1);
    CU_ASSERT_STRING_EQUAL(f, "i|1-0/2");
    CU_ASSERT_STRING_EQUAL(v, "10|20|12345|sp-a|");
    nq_ar_event_t pay = {.type = "payment",
                         .event_id = "p1",
                         .ref = "1-0/3",
                         .salesperson = "sp-a",
                         .order_id = "SO-1",
                         .invoice_id = "erp-i-1",
                         .at = 30,
                         .amount_fen = 500};
    CU_ASSERT_EQUAL(nq_ar_fact(&pay, f, sizeof(f), v, sizeof(v)), 1);
    CU_ASSERT_STRING_EQUAL(f, "p|1-0/3");
    CU_ASSERT_STRING_EQUAL(v, "30|500|sp-a|i:erp-i-1");
    pay.invoice_id = NULL;
    CU_ASSERT_EQUAL(nq_ar_fact(&pay, f, sizeof(f), v, sizeof(v)), 1);
    CU_ASSERT_STRING_EQUAL(v, "30|500|sp-a|o:SO-1");
    pay.order_id = NULL;
    CU_ASSERT_EQUAL(nq_ar_fact(&pay, f, sizeof(f), v, sizeof(v)), 1);
    CU_ASSERT_STRING_EQUAL(v, "30|500|sp-a|");
    CU_ASSERT_EQUAL(nq_ar_fact(&pay, f, 4, v, sizeof(v)), -1);
    nq_ar_event_t visit = {.type = "visit", .ref = "1-0/0"};
    CU_ASSERT_EQUAL(nq_ar_fact(&visit, f, sizeof(f), v, sizeof(v)), 0);
    /* what it writes parses back */
    const char *fields[] = {"i|erp-i-1", "10|20|12345|sp-a|SO-1", f, v};
    pay.invoice_id = "erp-i-1";
    CU_ASSERT_EQUAL(nq_ar_fact(&pay, f, sizeof(f), v, sizeof(v)), 1);
    nq_ar_t ar;
    CU_ASSERT_FATAL(nq_ar_parse(&ar, fields, 4) == 0);
    CU_ASSERT_EQUAL(ar.n_inv + ar.n_pay, 2);
    nq_ar_apply(&ar, 100);
    CU_ASSERT_EQUAL(ar.inv[0].open_fen, 12345 - 500);
    nq_ar_free(&ar);
}

static CU_TestInfo tests[] = {
    {"the facts of invoice and payment events", test_fact},
    {"days past due and buckets at 0/1/30/31/60/61/90/91", test_days_and_buckets},
    {"payments applied: partial, named, over, early", test_apply},
    {"aging per salesperson and DSO", test_age_and_dso},
    {"aging of many salespeople in one pass", test_age_each},
    {"malformed facts left out", test_malformed},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"receivable", init, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
