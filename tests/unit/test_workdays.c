/* test_workdays.c — nq/workdays.h (the working-day calendar) and the period additions of
 * nq/period.h: nq_period_from_key and nq_period_last_year.
 *
 * The host TZ is forced to UTC and the zone set to Asia/Shanghai. Instants were computed with
 * `date -d '<RFC 3339>' +%s`; the calendar below was counted by hand from `cal 9 2026` and
 * `cal 10 2026`:
 *
 *   NQ_HOLIDAYS="2026-10-01..2026-10-07"  NQ_MAKEUP_WORKDAYS="2026-09-27,2026-10-10"
 *
 *        September 2026              October 2026
 *   Mo Tu We Th Fr Sa Su        Mo Tu We Th Fr Sa Su
 *       1  2  3  4  5  6                  1h 2h 3h 4h     W40 = 09-28 .. 10-04
 *    7  8  9 10 11 12 13         5h 6h 7h 8  9 10m 11     W41 = 10-05 .. 10-11
 *   14 15 16 17 18 19 20        12 13 14 15 16 17 18
 *   21 22 23 24 25 26 27m       19 20 21 22 23 24 25      W39 = 09-21 .. 09-27
 *   28 29 30                    26 27 28 29 30 31
 *
 *   W39: Mon-Fri + make-up Sunday 27 = 6.   W40: Mon 28, Tue 29, Wed 30 = 3.
 *   W41: Thu 8, Fri 9, make-up Sat 10 = 3.
 *   September: 22 weekdays + Sunday 27 = 23.
 *   October: 22 weekdays - 5 holiday weekdays (1, 2, 5, 6, 7) + Saturday 10 = 18. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq/period.h"
#include "nq/workdays.h"
#include "nq_test.h"

#define DAY_MS (86400 * 1000LL)
#define H_MS   (3600 * 1000LL)

/* 00:00 +08:00, Unix ms. */
#define SH_2025_01_01 1735660800000LL
#define SH_2025_10_01 1759248000000LL
#define SH_2025_11_01 1761926400000LL
#define SH_2025_11_24 1763913600000LL /* Monday of 2025-W48 */
#define SH_2025_12_01 1764518400000LL
#define SH_2025_12_22 1766332800000LL /* Monday of 2025-W52 */
#define SH_2025_12_29 1766937600000LL
#define SH_2026_01_01 1767196800000LL
#define SH_2026_09_01 1788192000000LL
#define SH_2026_09_21 1789920000000LL /* Monday of W39 */
#define SH_2026_09_27 1790438400000LL /* Sunday, make-up */
#define SH_2026_09_28 1790524800000LL /* Monday of W40 */
#define SH_2026_10_01 1790784000000LL
#define SH_2026_10_05 1791129600000LL /* Monday of W41 */
#define SH_2026_10_08 1791388800000LL
#define SH_2026_10_10 1791561600000LL /* Saturday, make-up */
#define SH_2026_10_12 1791734400000LL
#define SH_2026_11_01 1793462400000LL
#define SH_2026_11_23 1795363200000LL /* Monday of 2026-W48 */
#define SH_2026_11_26 1795622400000LL
#define SH_2026_11_30 1795968000000LL
#define SH_2026_12_01 1796054400000LL
#define SH_2026_12_28 1798387200000LL /* Monday of 2026-W53 */
#define SH_2027_01_01 1798732800000LL
#define SH_2027_01_04 1798992000000LL
#define SH_2027_02_28 1803744000000LL
#define SH_2027_03_01 1803830400000LL
#define SH_2028_02_29 1835366400000LL
#define SH_2028_03_01 1835452800000LL

#define HOLIDAYS "2026-10-01..2026-10-07"
#define MAKEUP   "2026-09-27,2026-10-10"

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static nq_calendar_t golden_week(void)
{
    nq_calendar_t cal;
    const char *why = NULL;
    CU_ASSERT_EQUAL_FATAL(nq_calendar_parse(&cal, HOLIDAYS, MAKEUP, &why), 0);
    return cal;
}

static nq_period_t period(nq_period_kind_t kind, const char *key)
{
    nq_period_t p;
    memset(&p, 0, sizeof(p));
    CU_ASSERT_EQUAL_FATAL(nq_period_from_key(kind, key, &p), 0);
    return p;
}

/* total and elapsed of `key` at `now`. */
static void workdays_are(const nq_calendar_t *cal, nq_period_kind_t kind, const char *key,
                         int64_t now, double want_total, double want_elapsed)
{
    nq_period_t p = period(kind, key);
    double total = -1, elapsed = -1;
    nq_workdays(cal, &p, now, &total, &elapsed);
    CU_ASSERT_EQUAL(total, want_total);
    CU_ASSERT_EQUAL(elapsed, want_elapsed);
}

/* ---- the calendar ----------------------------------------------------------- */

static void test_parse(void)
{
    nq_calendar_t cal = golden_week();
    CU_ASSERT_EQUAL(cal.n_holidays, 7);
    CU_ASSERT_STRING_EQUAL(cal.holidays[0], "2026-10-01");
    CU_ASSERT_STRING_EQUAL(cal.holidays[6], "2026-10-07");
    CU_ASSERT_EQUAL(cal.n_makeup, 2);
    CU_ASSERT_STRING_EQUAL(cal.makeup[0], "2026-09-27");
    CU_ASSERT_STRING_EQUAL(cal.makeup[1], "2026-10-10");
    nq_calendar_free(&cal);
    CU_ASSERT_PTR_NULL(cal.holidays);
    CU_ASSERT_EQUAL(cal.n_holidays, 0);
    nq_calendar_free(&cal); /* twice is safe */

    /* Given out of order, kept sorted; a range across a month end. */
    const char *why = NULL;
    CU_ASSERT_EQUAL_FATAL(nq_calendar_parse(&cal, "2026-12-25,2026-01-30..2026-02-02", NULL, &why),
                          0);
    CU_ASSERT_EQUAL_FATAL(cal.n_holidays, 5);
    CU_ASSERT_STRING_EQUAL(cal.holidays[0], "2026-01-30");
    CU_ASSERT_STRING_EQUAL(cal.holidays[2], "2026-02-01");
    CU_ASSERT_STRING_EQUAL(cal.holidays[3], "2026-02-02");
    CU_ASSERT_STRING_EQUAL(cal.holidays[4], "2026-12-25");
    CU_ASSERT_EQUAL(cal.n_makeup, 0);
    nq_calendar_free(&cal);

    /* Nothing configured: NULL and "" alike. */
    CU_ASSERT_EQUAL(nq_calendar_parse(&cal, NULL, NULL, &why), 0);
    CU_ASSERT_EQUAL(cal.n_holidays + cal.n_makeup, 0);
    nq_calendar_free(&cal);
    CU_ASSERT_EQUAL(nq_calendar_parse(&cal, "", "", &why), 0);
    CU_ASSERT_EQUAL(cal.n_holidays + cal.n_makeup, 0);
    nq_calendar_free(&cal);

    /* A one-day range, and a whole leap year (366 days). */
    CU_ASSERT_EQUAL(nq_calendar_parse(&cal, "2026-10-01..2026-10-01", NULL, &why), 0);
    CU_ASSERT_EQUAL(cal.n_holidays, 1);
    nq_calendar_free(&cal);
    CU_ASSERT_EQUAL(nq_calendar_parse(&cal, "2028-01-01..2028-12-31", NULL, &why), 0);
    CU_ASSERT_EQUAL(cal.n_holidays, 366);
    CU_ASSERT_STRING_EQUAL(cal.holidays[59], "2028-02-29");
    nq_calendar_free(&cal);
}

/* Whether the lists are refused, with a reason and an empty calendar. */
static bool refused(const char *holidays, const char *makeup)
{
    nq_calendar_t cal;
    const char *why = NULL;
    int rc = nq_calendar_parse(&cal, holidays, makeup, &why);
    bool ok = rc == -1 && why != NULL && !cal.holidays && !cal.makeup &&
              cal.n_holidays + cal.n_makeup == 0;
    nq_calendar_free(&cal);
    return ok;
}

static void test_parse_errors(void)
{
    /* Bad dates. */
    CU_ASSERT_TRUE(refused("2026-13-01", NULL));
    CU_ASSERT_TRUE(refused("2026-02-29", NULL));
    CU_ASSERT_TRUE(refused("2026-09-31", NULL));
    CU_ASSERT_TRUE(refused("2026-10-1", NULL));
    CU_ASSERT_TRUE(refused("20261001", NULL));
    CU_ASSERT_TRUE(refused("2026/10/01", NULL));
    CU_ASSERT_TRUE(refused("2026-10-01 ", NULL));
    CU_ASSERT_TRUE(refused("2026-10-01, 2026-10-02", NULL));
    CU_ASSERT_TRUE(refused("2026-10", NULL));
    CU_ASSERT_TRUE(refused(NULL, "2026-09-31"));
    CU_ASSERT_TRUE(refused(HOLIDAYS, "2026-10-10,tomorrow"));
    /* Ranges: reversed, open, over 366 days (2026-01-01 to 2027-01-03 is 368 days). */
    CU_ASSERT_TRUE(refused("2026-10-07..2026-10-01", NULL));
    CU_ASSERT_TRUE(refused("2026-10-01..", NULL));
    CU_ASSERT_TRUE(refused("..2026-10-07", NULL));
    CU_ASSERT_TRUE(refused("2026-10-01...2026-10-07", NULL));
    CU_ASSERT_TRUE(refused("2026-10-01..2026-10-03..2026-10-05", NULL));
    CU_ASSERT_TRUE(refused("2026-01-01..2027-01-03", NULL));
    CU_ASSERT_TRUE(refused("2026-01-01..2030-01-01", NULL));
    /* Empty items. */
    CU_ASSERT_TRUE(refused("2026-10-01,,2026-10-03", NULL));
    CU_ASSERT_TRUE(refused(",2026-10-01", NULL));
    CU_ASSERT_TRUE(refused(",", NULL));
    CU_ASSERT_TRUE(refused(NULL, "2026-09-27,,2026-10-10"));
    /* More than NQ_CALENDAR_MAX_DAYS (2000) days: six years of 365 = 2190. */
    CU_ASSERT_TRUE(refused("2020-01-01..2020-12-30,2021-01-01..2021-12-31,2022-01-01..2022-12-31,"
                           "2023-01-01..2023-12-31,2024-01-01..2024-12-30,2025-01-01..2025-12-31",
                           NULL));
}

/* "At most 366 days" counts the days of the range, both ends included, as "2026-10-01..
 * 2026-10-07" is a 7-day holiday: 2026-01-01..2027-01-02 is 367 days. */
static void test_parse_range_367_days(void)
{
    CU_ASSERT_TRUE(refused("2026-01-01..2027-01-02", NULL));
    CU_ASSERT_TRUE(refused("2025-06-01..2026-06-02", NULL)); /* 367 days too */
}

/* A trailing comma leaves an empty item, like a leading one or two commas in a row. */
static void test_parse_trailing_comma(void)
{
    CU_ASSERT_TRUE(refused("2026-10-01,", NULL));
    CU_ASSERT_TRUE(refused(NULL, "2026-09-27,"));
}

static void test_workday(void)
{
    nq_calendar_t cal = golden_week();
    int64_t noon = 12 * H_MS;
    CU_ASSERT_TRUE(nq_calendar_workday(&cal, SH_2026_09_21 + noon));  /* Monday */
    CU_ASSERT_TRUE(nq_calendar_workday(&cal, SH_2026_09_27 + noon));  /* make-up Sunday */
    CU_ASSERT_FALSE(nq_calendar_workday(&cal, SH_2026_09_27 - noon)); /* Saturday 26 */
    CU_ASSERT_TRUE(nq_calendar_workday(&cal, SH_2026_09_28));         /* Monday 00:00 */
    CU_ASSERT_FALSE(nq_calendar_workday(&cal, SH_2026_10_01 + noon)); /* holiday Thursday */
    CU_ASSERT_FALSE(nq_calendar_workday(&cal, SH_2026_10_05 + noon)); /* holiday Monday */
    CU_ASSERT_FALSE(nq_calendar_workday(&cal, SH_2026_10_08 - 1));    /* 7th 23:59:59.999 */
    CU_ASSERT_TRUE(nq_calendar_workday(&cal, SH_2026_10_08));         /* Thursday 8th */
    CU_ASSERT_TRUE(nq_calendar_workday(&cal, SH_2026_10_10 + noon));  /* make-up Saturday */
    CU_ASSERT_FALSE(nq_calendar_workday(&cal, SH_2026_10_10 + DAY_MS + noon)); /* Sunday 11 */
    nq_calendar_free(&cal);

    nq_calendar_t none;
    const char *why;
    CU_ASSERT_EQUAL_FATAL(nq_calendar_parse(&none, NULL, NULL, &why), 0);
    CU_ASSERT_TRUE(nq_calendar_workday(&none, SH_2026_10_01 + noon));  /* plain Thursday */
    CU_ASSERT_FALSE(nq_calendar_workday(&none, SH_2026_09_27 + noon)); /* plain Sunday */
    nq_calendar_free(&none);
}

static void test_weeks_and_months(void)
{
    nq_calendar_t cal = golden_week();
    int64_t later = SH_2026_12_01; /* all of them over */
    workdays_are(&cal, NQ_PERIOD_WEEK, "2026-W39", later, 6, 6);
    workdays_are(&cal, NQ_PERIOD_WEEK, "2026-W40", later, 3, 3);
    workdays_are(&cal, NQ_PERIOD_WEEK, "2026-W41", later, 3, 3);
    workdays_are(&cal, NQ_PERIOD_WEEK, "2026-W42", later, 5, 5);
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-09", later, 23, 23);
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-10", later, 18, 18);
    /* Q4: October 18 + November 21 + December 23 = 62. */
    workdays_are(&cal, NQ_PERIOD_QUARTER, "2026-Q4", SH_2027_01_04, 62, 62);
    /* Single days. */
    workdays_are(&cal, NQ_PERIOD_DAY, "2026-10-10", later, 1, 1);
    workdays_are(&cal, NQ_PERIOD_DAY, "2026-10-06", later, 0, 0);
    /* Without a calendar October has its 22 weekdays. */
    nq_calendar_t none;
    const char *why;
    CU_ASSERT_EQUAL_FATAL(nq_calendar_parse(&none, NULL, NULL, &why), 0);
    workdays_are(&none, NQ_PERIOD_MONTH, "2026-10", later, 22, 22);
    workdays_are(&none, NQ_PERIOD_WEEK, "2026-W40", later, 5, 5);
    nq_calendar_free(&none);
    nq_calendar_free(&cal);
}

/* Noon of a working day counts half of it. */
static void test_elapsed(void)
{
    nq_calendar_t cal = golden_week();
    /* W40 on Tuesday 29 at 12:00: Monday 1 + half of Tuesday = 1.5. */
    workdays_are(&cal, NQ_PERIOD_WEEK, "2026-W40", 1790654400000LL, 3, 1.5);
    /* October on Friday 9 at 12:00: Thursday 8 + half of Friday = 1.5 (1..7 are holidays). */
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-10", 1791518400000LL, 18, 1.5);
    /* On holiday Monday 5 at 12:00: nothing worked yet. */
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-10", 1791172800000LL, 18, 0);
    /* Make-up Saturday 10 at 18:00: 8, 9 and 3/4 of the 10th = 2.75. */
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-10", 1791626400000LL, 18, 2.75);
    /* September on make-up Sunday 27 at 12:00: 19 weekdays (1..25) + 0.5. */
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-09", 1790481600000LL, 23, 19.5);
    /* Before the period: 0; at its first instant: 0; after: all. */
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-10", SH_2026_09_28, 18, 0);
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-09", SH_2026_09_01, 23, 0);
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-10", SH_2026_11_26, 18, 18);
    workdays_are(&cal, NQ_PERIOD_MONTH, "2026-10", SH_2026_11_01, 18, 18);
    /* At the end of Wednesday 30 (W40's last working day), the week is all gone. */
    workdays_are(&cal, NQ_PERIOD_WEEK, "2026-W40", SH_2026_10_01, 3, 3);
    nq_calendar_free(&cal);
}

/* ---- nq_period_from_key ----------------------------------------------------- */

static void key_is(nq_period_kind_t kind, const char *key, int64_t start, int64_t end)
{
    nq_period_t p;
    memset(&p, 0, sizeof(p));
    CU_ASSERT_EQUAL_FATAL(nq_period_from_key(kind, key, &p), 0);
    CU_ASSERT_EQUAL(p.kind, kind);
    CU_ASSERT_STRING_EQUAL(p.key, key);
    CU_ASSERT_EQUAL(p.start_ms, start);
    CU_ASSERT_EQUAL(p.end_ms, end);
}

static void test_from_key(void)
{
    key_is(NQ_PERIOD_DAY, "2026-11-26", SH_2026_11_26, SH_2026_11_26 + DAY_MS);
    key_is(NQ_PERIOD_WEEK, "2026-W48", SH_2026_11_23, SH_2026_11_30);
    key_is(NQ_PERIOD_MONTH, "2026-11", SH_2026_11_01, SH_2026_12_01);
    key_is(NQ_PERIOD_QUARTER, "2026-Q4", SH_2026_10_01, SH_2027_01_01);
    key_is(NQ_PERIOD_YEAR, "2026", SH_2026_01_01, SH_2027_01_01);
    /* 2026 starts on a Thursday: it has a week 53, from Monday 28 December. */
    key_is(NQ_PERIOD_WEEK, "2026-W53", SH_2026_12_28, SH_2027_01_04);
    /* Week 1 of 2026 starts in 2025. */
    key_is(NQ_PERIOD_WEEK, "2026-W01", SH_2025_12_29, SH_2025_12_29 + 7 * DAY_MS);
    key_is(NQ_PERIOD_DAY, "2028-02-29", SH_2028_02_29, SH_2028_03_01);
    key_is(NQ_PERIOD_MONTH, "2028-02", 1832947200000LL, SH_2028_03_01);
}

static void test_from_key_invalid(void)
{
    static const struct {
        nq_period_kind_t kind;
        const char *key;
    } bad[] = {
        {NQ_PERIOD_WEEK, "2025-W53"}, /* 2025 has 52 weeks */
        {NQ_PERIOD_WEEK, "2026-W00"},
        {NQ_PERIOD_WEEK, "2026-W54"},
        {NQ_PERIOD_WEEK, "2026-W5"},
        {NQ_PERIOD_WEEK, "2026-w48"},
        {NQ_PERIOD_WEEK, "2026W48"},
        {NQ_PERIOD_DAY, "2026-02-29"}, /* not a leap year */
        {NQ_PERIOD_DAY, "2026-11-31"},
        {NQ_PERIOD_DAY, "2026-11-00"},
        {NQ_PERIOD_DAY, "2026-1-05"},
        {NQ_PERIOD_DAY, "2026-11-26 "},
        {NQ_PERIOD_DAY, " 2026-11-26"},
        {NQ_PERIOD_DAY, "2026-11-26T00:00"},
        {NQ_PERIOD_MONTH, "2026-13"},
        {NQ_PERIOD_MONTH, "2026-00"},
        {NQ_PERIOD_MONTH, "2026-1"},
        {NQ_PERIOD_QUARTER, "2026-Q0"},
        {NQ_PERIOD_QUARTER, "2026-Q5"},
        {NQ_PERIOD_QUARTER, "2026-q4"},
        {NQ_PERIOD_YEAR, "26"},
        {NQ_PERIOD_YEAR, "20266"},
        {NQ_PERIOD_YEAR, "1969"},
        {NQ_PERIOD_WEEK, "1970-W01"}, /* starts on Monday 1969-12-29 */
        {NQ_PERIOD_YEAR, "+2026"},
        {NQ_PERIOD_YEAR, ""},
        {NQ_PERIOD_YEAR, "junk"},
        /* A key of another kind. */
        {NQ_PERIOD_MONTH, "2026-11-26"},
        {NQ_PERIOD_YEAR, "2026-11"},
        {NQ_PERIOD_DAY, "2026-W48"},
        {NQ_PERIOD_WEEK, "2026-Q4"},
        {NQ_PERIOD_QUARTER, "2026"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        nq_period_t p;
        CU_ASSERT_EQUAL(nq_period_from_key(bad[i].kind, bad[i].key, &p), -1);
    }
    nq_period_t p;
    CU_ASSERT_EQUAL(nq_period_from_key(NQ_PERIOD_KIND_COUNT, "2026", &p), -1);
    CU_ASSERT_EQUAL(nq_period_from_key(NQ_PERIOD_YEAR, NULL, &p), -1);
}

/* Every period round-trips: the key of nq_period_of names the same period. */
static void test_from_key_round_trip(void)
{
    for (int k = 0; k < NQ_PERIOD_KIND_COUNT; k++) {
        for (int64_t at = SH_2025_12_22; at < SH_2027_01_04; at += 5 * DAY_MS + 7 * H_MS) {
            nq_period_t a, b;
            CU_ASSERT_EQUAL_FATAL(nq_period_of((nq_period_kind_t)k, at, &a), 0);
            CU_ASSERT_EQUAL_FATAL(nq_period_from_key((nq_period_kind_t)k, a.key, &b), 0);
            CU_ASSERT_EQUAL(a.start_ms, b.start_ms);
            CU_ASSERT_EQUAL(a.end_ms, b.end_ms);
        }
    }
}

/* ---- nq_period_last_year ---------------------------------------------------- */

static void last_year_is(nq_period_kind_t kind, const char *key, const char *want, int64_t start,
                         int64_t end)
{
    nq_period_t p = period(kind, key), ly;
    memset(&ly, 0, sizeof(ly));
    CU_ASSERT_EQUAL_FATAL(nq_period_last_year(&p, &ly), 0);
    CU_ASSERT_EQUAL(ly.kind, kind);
    CU_ASSERT_STRING_EQUAL(ly.key, want);
    CU_ASSERT_EQUAL(ly.start_ms, start);
    CU_ASSERT_EQUAL(ly.end_ms, end);
}

static void test_last_year(void)
{
    last_year_is(NQ_PERIOD_MONTH, "2026-11", "2025-11", SH_2025_11_01, SH_2025_12_01);
    last_year_is(NQ_PERIOD_WEEK, "2026-W48", "2025-W48", SH_2025_11_24, SH_2025_12_01);
    last_year_is(NQ_PERIOD_QUARTER, "2026-Q4", "2025-Q4", SH_2025_10_01, SH_2026_01_01);
    last_year_is(NQ_PERIOD_YEAR, "2026", "2025", SH_2025_01_01, SH_2026_01_01);
    last_year_is(NQ_PERIOD_DAY, "2026-11-26", "2025-11-26", SH_2026_11_26 - 365 * DAY_MS,
                 SH_2026_11_26 - 364 * DAY_MS);
    /* 29 February -> 28 February; week 53 -> week 52. */
    last_year_is(NQ_PERIOD_DAY, "2028-02-29", "2027-02-28", SH_2027_02_28, SH_2027_03_01);
    last_year_is(NQ_PERIOD_WEEK, "2026-W53", "2025-W52", SH_2025_12_22, SH_2025_12_29);
    /* 2027-02-28 -> 2026-02-28 (no adjustment), 2029-02-28 -> 2028-02-28 (not the 29th). */
    last_year_is(NQ_PERIOD_DAY, "2027-02-28", "2026-02-28", SH_2027_02_28 - 365 * DAY_MS,
                 SH_2027_02_28 - 364 * DAY_MS);
    last_year_is(NQ_PERIOD_DAY, "2029-02-28", "2028-02-28", SH_2028_02_29 - DAY_MS, SH_2028_02_29);
    /* The first year there is has none before it. */
    nq_period_t p = period(NQ_PERIOD_YEAR, "1970"), ly;
    CU_ASSERT_EQUAL(nq_period_last_year(&p, &ly), -1);
}

static CU_TestInfo calendar_tests[] = {
    {"parse the lists", test_parse},
    {"parse errors", test_parse_errors},
    {"a range of 367 days is refused", test_parse_range_367_days},
    {"a trailing comma is an empty item", test_parse_trailing_comma},
    {"working day or not", test_workday},
    {"working days of weeks and months", test_weeks_and_months},
    {"elapsed: noon, before, after", test_elapsed},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo key_tests[] = {
    {"nq_period_from_key: each kind", test_from_key},
    {"nq_period_from_key: invalid keys", test_from_key_invalid},
    {"nq_period_from_key: round trip", test_from_key_round_trip},
    {"nq_period_last_year", test_last_year},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"calendar", zone_shanghai, NULL, NULL, NULL, calendar_tests},
    {"period keys", zone_shanghai, NULL, NULL, NULL, key_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
