/* test_custsum.c — nq/custsum.h: what each event type does to a customer's
 * figures, which span a month counts in, the figures read for a month, NPS
 * and the average rating (exact, in tenths and hundredths). */
#include <stdio.h>
#include <string.h>

#include "nq/custsum.h"
#include "nq_test.h"

static void test_kinds(void)
{
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("order"), "order");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("order_cancelled"), "minus");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("return"), "minus");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("feedback"), "feedback");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("competitor_intel"), "intel");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("ticket_opened"), "topen");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("ticket_closed"), "tclose");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("meeting"), "contact");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("payment"), "payment");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("invoice"), "invoice");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind("new_customer"), "");
    CU_ASSERT_STRING_EQUAL(nq_custsum_kind(NULL), "");
}

/* Now in November: November is the month; October the quarter's; March
 * the year's only; December not yet; any month of last year last year's. */
static void test_spans(void)
{
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-11", "2026-11"), NQ_CUSTSUM_MONTH);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-10", "2026-11"), NQ_CUSTSUM_QUARTER);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-09", "2026-11"), NQ_CUSTSUM_YEAR);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-03", "2026-11"), NQ_CUSTSUM_YEAR);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-12", "2026-11"), -1);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2025-12", "2026-11"), NQ_CUSTSUM_LAST_YEAR);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2025-01", "2026-01"), NQ_CUSTSUM_LAST_YEAR);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2024-11", "2026-11"), -1);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-13", "2026-11"), -1);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-1", "2026-11"), -1);
    CU_ASSERT_EQUAL(nq_custsum_span_of("2026-01", "2026-01"), NQ_CUSTSUM_MONTH);
}

static void test_read(void)
{
    const char *fields[] = {
        "2026-11|orders",      "2",
        "2026-11|sales_fen",   "150000", /* 1,500.00 */
        "2026-10|orders",      "1",
        "2026-10|sales_fen",   "-2500", /* a return */
        "2026-02|orders",      "3",
        "2026-02|sales_fen",   "99",
        "2025-11|orders",      "7",
        "2025-11|sales_fen",   "70000",
        "2024-11|orders",      "100",
        "2026-12|orders",      "5",
        "open_tickets",        "-1",
        "rating_sum",          "14",
        "rating_count",        "3",
        "nps_count",           "3",
        "promoters",           "2",
        "detractors",          "1",
        "competitor_mentions", "4",
        "junk|orders",         "9",
        "rating_count_x",      "1",
        "last_contact",        "1764120600000|visit|1764120700000-0/0|sp-a",
    };
    nq_custsum_t s;
    nq_custsum_read(fields, sizeof(fields) / sizeof(fields[0]), "2026-11", &s);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_MONTH].orders, 2);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_MONTH].sales_fen, 150000);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_QUARTER].orders, 3);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_QUARTER].sales_fen, 147500);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_YEAR].orders, 6);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_YEAR].sales_fen, 147599);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_LAST_YEAR].orders, 7);
    CU_ASSERT_EQUAL(s.sales[NQ_CUSTSUM_LAST_YEAR].sales_fen, 70000);
    CU_ASSERT_EQUAL(s.open_tickets, 0); /* a close seen before its open never shows below 0 */
    CU_ASSERT_EQUAL(s.rating_count, 3);
    CU_ASSERT_EQUAL(s.competitor_mentions, 4);
    CU_ASSERT_EQUAL(s.last_contact_at, 1764120600000LL);
    CU_ASSERT_STRING_EQUAL(s.last_contact_type, "visit");
    CU_ASSERT_STRING_EQUAL(s.last_contact_by, "sp-a");
    int64_t v;
    CU_ASSERT_TRUE(nq_custsum_nps(&s, &v));
    CU_ASSERT_EQUAL(v, 333); /* (2 - 1) / 3 = 33.3 % */
    CU_ASSERT_TRUE(nq_custsum_avg_rating(&s, &v));
    CU_ASSERT_EQUAL(v, 467); /* 14 / 3 = 4.666... */
    s.promoters = 0;
    s.detractors = 2;
    CU_ASSERT_TRUE(nq_custsum_nps(&s, &v));
    CU_ASSERT_EQUAL(v, -667);
    s.rating_sum = 9;
    s.rating_count = 2;
    CU_ASSERT_TRUE(nq_custsum_avg_rating(&s, &v));
    CU_ASSERT_EQUAL(v, 450);
    nq_custsum_t none;
    nq_custsum_read(NULL, 0, "2026-11", &none);
    CU_ASSERT_FALSE(nq_custsum_nps(&none, &v));
    CU_ASSERT_FALSE(nq_custsum_avg_rating(&none, &v));
    CU_ASSERT_EQUAL(none.last_contact_at, 0);
    const char *bad[] = {"last_contact", "17641|visit", "2026-11|orders", "x"};
    nq_custsum_read(bad, 4, "2026-11", &none);
    CU_ASSERT_EQUAL(none.last_contact_at, 0);
    CU_ASSERT_EQUAL(none.sales[NQ_CUSTSUM_MONTH].orders, 0);
}

/* Tickets against their SLA: open, overdue at now, closed in or after the target, the
 * median time to close; malformed fields left out. */
static void test_tickets(void)
{
    /* now: 2026-12-07 12:00 +08:00; T1 urgent opened 3 h before, open (not overdue);
     * T2 high opened 30 h before, open (overdue); T3 normal closed 10 h after opening;
     * T4 urgent closed after 5 h (late); T5 closed, never opened (no time: not in the
     * sample); T6 opened only as state, no time (open, not overdue). */
    const int64_t now = 1765080000000LL, h = 3600000LL;
    char o1[40], o2[40], o3[40], c3[20], o4[40], c4[20];
    snprintf(o1, sizeof(o1), "%013lld\037urgent", (long long)(now - 3 * h));
    snprintf(o2, sizeof(o2), "%013lld\037high", (long long)(now - 30 * h));
    snprintf(o3, sizeof(o3), "%013lld\037normal", (long long)(now - 100 * h));
    snprintf(c3, sizeof(c3), "%013lld", (long long)(now - 90 * h));
    snprintf(o4, sizeof(o4), "%013lld\037urgent", (long long)(now - 50 * h));
    snprintf(c4, sizeof(c4), "%013lld", (long long)(now - 45 * h));
    const char *fields[] = {
        "T1",      "1", "T1\037o", o1, "T2", "1", "T2\037o", o2,  "T3",      "3",
        "T3\037o", o3,  "T3\037c", c3, "T4", "3", "T4\037o", o4,  "T4\037c", c4,
        "T5",      "2", "T5\037c", c4, "T6", "1", "T7",      "x", "T8",      "9",
    };
    nq_custsum_tickets_t t;
    CU_ASSERT_EQUAL_FATAL(
        nq_custsum_tickets_read(fields, sizeof(fields) / sizeof(fields[0]), now, &t), 0);
    CU_ASSERT_EQUAL(t.open, 3);
    CU_ASSERT_EQUAL(t.overdue, 1);
    CU_ASSERT_EQUAL(t.closed, 2);
    CU_ASSERT_EQUAL(t.breached, 1);
    CU_ASSERT_TRUE(t.has_median);
    CU_ASSERT_EQUAL(t.median_ms, (10 * h + 5 * h) / 2);
    CU_ASSERT_EQUAL(nq_custsum_tickets_read(NULL, 0, now, &t), 0);
    CU_ASSERT_FALSE(t.has_median);
    CU_ASSERT_EQUAL(t.open, 0);
}

static CU_TestInfo tests[] = {
    {"what each event type moves", test_kinds},
    {"the span of a month", test_spans},
    {"figures read for a month; NPS and average rating", test_read},
    {"tickets against their SLA, median time to close", test_tickets},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"custsum", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
