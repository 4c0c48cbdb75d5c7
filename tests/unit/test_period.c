/* test_period.c — nq/period.h: zones, calendar periods, time parsing and formatting.
 *
 * The host TZ is forced to UTC first, so every Shanghai result below proves
 * that the module applies its own zone. Expected instants were computed with
 * `date -d '<RFC 3339>' +%s`. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq/period.h"
#include "nq_test.h"

#define H_MS (3600 * 1000LL)

/* 00:00 +08:00 of a few dates, Unix ms. */
#define SH_2026_01_01 1767196800000LL
#define SH_2026_10_01 1790784000000LL
#define SH_2026_11_01 1793462400000LL
#define SH_2026_11_23 1795363200000LL /* Monday */
#define SH_2026_11_29 1795881600000LL /* Sunday */
#define SH_2026_11_30 1795968000000LL /* Monday */
#define SH_2026_12_01 1796054400000LL
#define SH_2026_12_07 1796572800000LL
#define SH_2026_12_28 1798387200000LL /* Monday */
#define SH_2027_01_01 1798732800000LL /* Friday */
#define SH_2027_01_04 1798992000000LL /* Monday */
#define SH_2027_01_11 1799596800000LL
#define SH_2027_04_01 1806508800000LL
#define SH_2027_12_27 1829836800000LL /* Monday */
#define SH_2028_01_01 1830268800000LL /* Saturday */
#define SH_2028_01_03 1830441600000LL
#define SH_2028_02_01 1832947200000LL
#define SH_2028_02_29 1835366400000LL
#define SH_2028_03_01 1835452800000LL

static int host_utc(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static int zone_shanghai(void)
{
    host_utc();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

/* nq_period_of must succeed with exactly this key and bounds. */
static void period_is(nq_period_kind_t kind, int64_t at, const char *key, int64_t start,
                      int64_t end)
{
    nq_period_t p;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(kind, at, &p), 0);
    CU_ASSERT_EQUAL(p.kind, kind);
    CU_ASSERT_STRING_EQUAL(p.key, key);
    CU_ASSERT_EQUAL(p.start_ms, start);
    CU_ASSERT_EQUAL(p.end_ms, end);
}

/* ---- suite "default zone": runs before anything calls nq_zone_set ------- */

static void test_default_zone_is_lazy(void)
{
    CU_ASSERT_STRING_EQUAL(nq_zone_name(), "Asia/Shanghai");
    /* 2026-11-29T16:00:00Z is Monday 00:00 in Shanghai but Sunday in UTC. */
    period_is(NQ_PERIOD_DAY, SH_2026_11_30, "2026-11-30", SH_2026_11_30, SH_2026_11_30 + 24 * H_MS);
    period_is(NQ_PERIOD_WEEK, SH_2026_11_30, "2026-W49", SH_2026_11_30, SH_2026_12_07);
}

/* ---- suite "periods" ------------------------------------------------------ */

static void test_week_boundary(void)
{
    period_is(NQ_PERIOD_WEEK, SH_2026_11_30 - 1, "2026-W48", SH_2026_11_23, SH_2026_11_30);
    period_is(NQ_PERIOD_WEEK, SH_2026_11_30, "2026-W49", SH_2026_11_30, SH_2026_12_07);
    period_is(NQ_PERIOD_DAY, SH_2026_11_30 - 1, "2026-11-29", SH_2026_11_29, SH_2026_11_30);
    period_is(NQ_PERIOD_DAY, SH_2026_11_30, "2026-11-30", SH_2026_11_30, SH_2026_12_01);
}

static void test_month_boundary(void)
{
    period_is(NQ_PERIOD_MONTH, SH_2026_12_01 - 1, "2026-11", SH_2026_11_01, SH_2026_12_01);
    period_is(NQ_PERIOD_MONTH, SH_2026_12_01, "2026-12", SH_2026_12_01, SH_2027_01_01);
}

static void test_quarter_and_year_boundary(void)
{
    period_is(NQ_PERIOD_QUARTER, SH_2027_01_01 - 1, "2026-Q4", SH_2026_10_01, SH_2027_01_01);
    period_is(NQ_PERIOD_QUARTER, SH_2027_01_01, "2027-Q1", SH_2027_01_01, SH_2027_04_01);
    period_is(NQ_PERIOD_YEAR, SH_2027_01_01 - 1, "2026", SH_2026_01_01, SH_2027_01_01);
    period_is(NQ_PERIOD_YEAR, SH_2027_01_01, "2027", SH_2027_01_01, SH_2028_01_01);
    period_is(NQ_PERIOD_DAY, SH_2027_01_01 - 1, "2026-12-31", SH_2027_01_01 - 24 * H_MS,
              SH_2027_01_01);
}

static void test_leap_day(void)
{
    int64_t noon = SH_2028_02_29 + 12 * H_MS;
    period_is(NQ_PERIOD_DAY, noon, "2028-02-29", SH_2028_02_29, SH_2028_03_01);
    period_is(NQ_PERIOD_MONTH, noon, "2028-02", SH_2028_02_01, SH_2028_03_01);
    period_is(NQ_PERIOD_QUARTER, noon, "2028-Q1", SH_2028_01_01, SH_2028_01_01 + 91 * 24 * H_MS);
    period_is(NQ_PERIOD_DAY, SH_2028_03_01, "2028-03-01", SH_2028_03_01, SH_2028_03_01 + 24 * H_MS);
}

static void test_iso_week_year(void)
{
    /* 2027-01-01 is a Friday: its week began 2026-12-28 and is 2026's 53rd. */
    period_is(NQ_PERIOD_WEEK, SH_2027_01_01 + 12 * H_MS, "2026-W53", SH_2026_12_28, SH_2027_01_04);
    period_is(NQ_PERIOD_WEEK, SH_2027_01_04, "2027-W01", SH_2027_01_04, SH_2027_01_11);
    /* 2028-01-01 is a Saturday: still in 2027-W52. */
    period_is(NQ_PERIOD_WEEK, SH_2028_01_01, "2027-W52", SH_2027_12_27, SH_2028_01_03);
}

static void test_prev_next(void)
{
    nq_period_t p, q;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_WEEK, SH_2027_01_04, &p), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_prev(&p, &q), 0);
    CU_ASSERT_STRING_EQUAL(q.key, "2026-W53");
    CU_ASSERT_EQUAL(q.start_ms, SH_2026_12_28);
    CU_ASSERT_EQUAL(q.end_ms, p.start_ms);
    CU_ASSERT_EQUAL_FATAL(nq_period_next(&q, &q), 0); /* in place */
    CU_ASSERT_STRING_EQUAL(q.key, "2027-W01");
    CU_ASSERT_EQUAL(q.start_ms, p.start_ms);

    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_QUARTER, SH_2027_01_01, &p), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_prev(&p, &q), 0);
    CU_ASSERT_STRING_EQUAL(q.key, "2026-Q4");
    CU_ASSERT_EQUAL(q.start_ms, SH_2026_10_01);

    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, SH_2028_02_01, &p), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_next(&p, &q), 0);
    CU_ASSERT_STRING_EQUAL(q.key, "2028-03");
    CU_ASSERT_EQUAL(q.start_ms, SH_2028_03_01);

    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_DAY, SH_2028_03_01, &p), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_prev(&p, &q), 0);
    CU_ASSERT_STRING_EQUAL(q.key, "2028-02-29");

    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_YEAR, SH_2027_01_01, &p), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_prev(&p, &q), 0);
    CU_ASSERT_STRING_EQUAL(q.key, "2026");
    CU_ASSERT_EQUAL(nq_period_prev(NULL, &q), -1);
}

/* Every instant lies in its period, and periods tile time without gaps. */
static void check_tiling(void)
{
    for (int kind = 0; kind < NQ_PERIOD_KIND_COUNT; kind++) {
        for (int64_t at = SH_2026_01_01; at < SH_2028_03_01; at += 7 * H_MS + 13 * 60000 + 7) {
            nq_period_t p, prev, next;
            CU_ASSERT_EQUAL_FATAL(nq_period_of((nq_period_kind_t)kind, at, &p), 0);
            CU_ASSERT_FATAL(p.start_ms <= at && at < p.end_ms);
            CU_ASSERT_EQUAL_FATAL(nq_period_prev(&p, &prev), 0);
            CU_ASSERT_EQUAL_FATAL(nq_period_next(&p, &next), 0);
            CU_ASSERT_FATAL(prev.end_ms == p.start_ms && next.start_ms == p.end_ms);
            CU_ASSERT_FATAL(strcmp(prev.key, p.key) < 0 && strcmp(p.key, next.key) < 0);
        }
    }
}

static void test_tiling_shanghai(void)
{
    check_tiling();
}

static void test_same_instant_in_utc(void)
{
    CU_ASSERT_EQUAL_FATAL(nq_zone_set("UTC"), 0);
    CU_ASSERT_STRING_EQUAL(nq_zone_name(), "UTC");
    /* Monday 00:00 in Shanghai is still Sunday 16:00 in UTC. */
    period_is(NQ_PERIOD_DAY, SH_2026_11_30, "2026-11-29", 1795910400000LL, 1795996800000LL);
    period_is(NQ_PERIOD_WEEK, SH_2026_11_30, "2026-W48", 1795392000000LL, 1795996800000LL);
    CU_ASSERT_EQUAL(nq_zone_set("Asia/Shanghai"), 0);
    period_is(NQ_PERIOD_DAY, SH_2026_11_30, "2026-11-30", SH_2026_11_30, SH_2026_12_01);
}

static void test_dst_zone(void)
{
    /* New York springs forward on 2026-03-08: that day lasts 23 hours. */
    CU_ASSERT_EQUAL_FATAL(nq_zone_set("America/New_York"), 0);
    period_is(NQ_PERIOD_DAY, 1772946000000LL + 12 * H_MS, "2026-03-08", 1772946000000LL,
              1773028800000LL);
    check_tiling();
    CU_ASSERT_EQUAL(nq_zone_set("Asia/Shanghai"), 0);
}

/* Local midnights are remembered per date: a date asked in one zone, then in
 * another, then in the first again gets each zone's own bounds every time. */
static void test_zone_change_forgets_midnights(void)
{
    static const struct {
        const char *zone;
        int64_t start; /* 2026-03-08 00:00 there */
    } asks[] = {
        {"Asia/Shanghai", 1772899200000LL},    {"America/New_York", 1772946000000LL},
        {"Asia/Shanghai", 1772899200000LL},    {"UTC", 1772928000000LL},
        {"America/New_York", 1772946000000LL},
    };
    for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
        nq_period_t p;
        CU_ASSERT_EQUAL_FATAL(nq_zone_set(asks[i].zone), 0);
        for (int again = 0; again < 2; again++) { /* the second answer comes remembered */
            CU_ASSERT_EQUAL_FATAL(nq_period_from_key(NQ_PERIOD_DAY, "2026-03-08", &p), 0);
            CU_ASSERT_EQUAL(p.start_ms, asks[i].start);
        }
    }
    CU_ASSERT_EQUAL(nq_zone_set("Asia/Shanghai"), 0);
}

static void test_unknown_zone(void)
{
    static const char *const bad[] = {
        "Mars/Olympus_Mons",     "",     "../../etc/passwd", "/etc/localtime",
        "Asia/../Asia/Shanghai", "Asia", "zone.tab",         "Asia/Shanghai "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_EQUAL(nq_zone_set(bad[i]), -1);
        CU_ASSERT_FALSE(nq_zone_exists(bad[i]));
    }
    CU_ASSERT_EQUAL(nq_zone_set(NULL), -1);
    CU_ASSERT_STRING_EQUAL(nq_zone_name(), "Asia/Shanghai");
    CU_ASSERT_TRUE(nq_zone_exists("UTC"));
    CU_ASSERT_TRUE(nq_zone_exists("Europe/Paris"));
    /* Still computing in Shanghai. */
    period_is(NQ_PERIOD_DAY, SH_2026_11_30, "2026-11-30", SH_2026_11_30, SH_2026_12_01);
}

static void test_invalid_period_args(void)
{
    nq_period_t p;
    CU_ASSERT_EQUAL(nq_period_of(NQ_PERIOD_KIND_COUNT, SH_2026_11_30, &p), -1);
    CU_ASSERT_EQUAL(nq_period_of((nq_period_kind_t)-1, SH_2026_11_30, &p), -1);
    CU_ASSERT_EQUAL(nq_period_of(NQ_PERIOD_DAY, -2 * 24 * H_MS, &p), -1);
    CU_ASSERT_EQUAL(nq_period_of(NQ_PERIOD_DAY, 253402300800000LL + 24 * H_MS, &p), -1);
    CU_ASSERT_EQUAL(nq_period_of(NQ_PERIOD_DAY, INT64_MAX, &p), -1);
    CU_ASSERT_EQUAL(nq_period_of(NQ_PERIOD_DAY, INT64_MIN, &p), -1);
    /* The first year in range: 1970-01-01 08:00 Shanghai is Unix 0. */
    period_is(NQ_PERIOD_YEAR, 0, "1970", -8 * H_MS, 31536000000LL - 8 * H_MS);
    CU_ASSERT_EQUAL(nq_period_of(NQ_PERIOD_YEAR, -8 * H_MS - 1, &p), -1);
    /* The last: the year 9999 in Shanghai ends at 9999-12-31T16:00:00Z. */
    period_is(NQ_PERIOD_DAY, 253402300800000LL - 8 * H_MS - 1, "9999-12-31",
              253402300800000LL - 32 * H_MS, 253402300800000LL - 8 * H_MS);
    CU_ASSERT_EQUAL(nq_period_of(NQ_PERIOD_DAY, 253402300800000LL - 8 * H_MS, &p), -1);
}

static void test_kind_names(void)
{
    for (int k = 0; k < NQ_PERIOD_KIND_COUNT; k++) {
        nq_period_kind_t back;
        CU_ASSERT_EQUAL(nq_period_kind_parse(nq_period_kind_name((nq_period_kind_t)k), &back), 0);
        CU_ASSERT_EQUAL(back, k);
    }
    nq_period_kind_t kind = NQ_PERIOD_YEAR;
    CU_ASSERT_EQUAL(nq_period_kind_parse("week", &kind), 0);
    CU_ASSERT_EQUAL(kind, NQ_PERIOD_WEEK);
    CU_ASSERT_EQUAL(nq_period_kind_parse("weeks", &kind), -1);
    CU_ASSERT_EQUAL(nq_period_kind_parse("", &kind), -1);
    CU_ASSERT_EQUAL(nq_period_kind_parse(NULL, &kind), -1);
    CU_ASSERT_EQUAL(kind, NQ_PERIOD_WEEK);
    CU_ASSERT_STRING_EQUAL(nq_period_kind_name(NQ_PERIOD_KIND_COUNT), "unknown");
}

/* ---- suite "time" --------------------------------------------------------- */

static void time_ok(const char *s, int64_t want)
{
    int64_t ms = -1;
    const char *reason = NULL;
    CU_ASSERT_EQUAL_FATAL(nq_time_parse(s, &ms, &reason), 0);
    CU_ASSERT_EQUAL(ms, want);
}

/* Parse must fail with `ms` untouched; returns the reason. */
static const char *time_bad(const char *s)
{
    int64_t ms = -1;
    const char *reason = NULL;
    CU_ASSERT_EQUAL(nq_time_parse(s, &ms, &reason), -1);
    CU_ASSERT_EQUAL(ms, -1);
    CU_ASSERT_PTR_NOT_NULL(reason);
    return reason ? reason : "";
}

static void test_parse_rfc3339(void)
{
    int64_t t = 1795656600000LL; /* 2026-11-26T09:30:00+08:00 */
    time_ok("2026-11-26T09:30:00+08:00", t);
    time_ok("2026-11-26T01:30:00Z", t);
    time_ok("2026-11-26t01:30:00z", t);
    time_ok("2026-11-25T20:30:00-05:00", t);
    time_ok("2026-11-26T09:30:00.5+08:00", t + 500);
    time_ok("2026-11-26T09:30:00.25+08:00", t + 250);
    time_ok("2026-11-26T01:30:00.123Z", t + 123);
    time_ok("2026-11-26T01:30:00.123999999Z", t + 123);
    time_ok("2026-11-30T00:00:00+08:00", SH_2026_11_30);
    time_ok("2028-02-29T00:00:00+08:00", SH_2028_02_29);
    time_ok("1970-01-01T00:00:00Z", 0);
}

static void test_parse_date_and_ms(void)
{
    time_ok("2026-11-30", SH_2026_11_30); /* midnight in the configured zone */
    time_ok("1795968000000", SH_2026_11_30);
    time_ok("0", 0);
    CU_ASSERT_EQUAL_FATAL(nq_zone_set("UTC"), 0);
    time_ok("2026-11-30", 1795996800000LL);
    CU_ASSERT_EQUAL(nq_zone_set("Asia/Shanghai"), 0);
}

static void test_parse_rejects(void)
{
    static const char *const bad[] = {
        "2026-13-01",
        "2026-00-10",
        "2026-11-31",
        "2026-02-29",
        "2026-11-26T25:00:00Z",
        "2026-11-26T09:60:00Z",
        "2026-11-26T09:30:60Z",
        "2026-11-26T09:30Z",
        "2026-11-26 09:30:00Z",
        "2026-11-26T09:30:00.Z",
        "2026-11-26T09:30:00.1234567890Z",
        "2026-11-26T09:30:00+8:00",
        "2026-11-26T09:30:00+0800",
        "2026-11-26T09:30:00+24:00",
        "2026-1-01",
        "1969-12-31",
        "-1",
        "+1795968000000",
        " 2026-11-26",
        "abc",
        "99999999999999999999999",
        "253402300800000",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        time_bad(bad[i]);
    CU_ASSERT_STRING_EQUAL(time_bad(""), "empty time");
    CU_ASSERT_STRING_EQUAL(time_bad("2026-13-01"), "invalid date");
    CU_ASSERT_STRING_EQUAL(time_bad("2026-11-26T25:00:00Z"), "invalid time of day");
    CU_ASSERT_STRING_EQUAL(time_bad("2026-11-26T09:30:00"), "missing UTC offset (Z or +HH:MM)");
    CU_ASSERT_STRING_EQUAL(time_bad("2026-11-26T09:30:00Zjunk"), "trailing characters");
    CU_ASSERT_STRING_EQUAL(time_bad("2026-11-26T09:30:00+08:00 "), "trailing characters");
    CU_ASSERT_STRING_EQUAL(time_bad("2026-11-26x"), "expected 'T' or end after the date");
    CU_ASSERT_EQUAL(nq_time_parse(NULL, &(int64_t){0}, NULL), -1);
}

/* Format `ms` and compare with `want`, including the returned length. */
static void format_is(int64_t ms, const char *want)
{
    char buf[64];
    CU_ASSERT_EQUAL(nq_time_format(ms, buf, sizeof(buf)), (int)strlen(want));
    CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_format(void)
{
    format_is(1795656600123LL, "2026-11-26T09:30:00.123+08:00");
    format_is(0, "1970-01-01T08:00:00.000+08:00");
    format_is(-1, "1970-01-01T07:59:59.999+08:00");
    CU_ASSERT_EQUAL_FATAL(nq_zone_set("America/New_York"), 0);
    format_is(1795656600123LL, "2026-11-25T20:30:00.123-05:00");
    CU_ASSERT_EQUAL_FATAL(nq_zone_set("UTC"), 0);
    format_is(1795656600123LL, "2026-11-26T01:30:00.123+00:00");
    CU_ASSERT_EQUAL(nq_zone_set("Asia/Shanghai"), 0);

    /* What format writes, parse reads back. */
    char buf[64];
    int64_t back = 0;
    nq_time_format(1795656600123LL, buf, sizeof(buf));
    CU_ASSERT_EQUAL(nq_time_parse(buf, &back, NULL), 0);
    CU_ASSERT_EQUAL(back, 1795656600123LL);
}

static void test_now(void)
{
    int64_t before = (int64_t)time(NULL) * 1000;
    int64_t now = nq_now_ms();
    CU_ASSERT(now >= before && now < before + 2000);
    nq_clock_set_offset_ms(7 * 86400000LL);
    int64_t ahead = nq_now_ms();
    nq_clock_set_offset_ms(0);
    CU_ASSERT(ahead >= before + 7 * 86400000LL && ahead < before + 7 * 86400000LL + 2000);
}

static CU_TestInfo default_tests[] = {
    {"Asia/Shanghai applies without nq_zone_set", test_default_zone_is_lazy},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo period_tests[] = {
    {"Sunday 23:59:59.999 vs Monday 00:00", test_week_boundary},
    {"month end", test_month_boundary},
    {"quarter and year end", test_quarter_and_year_boundary},
    {"29 February 2028", test_leap_day},
    {"ISO week-year at New Year", test_iso_week_year},
    {"prev and next", test_prev_next},
    {"periods tile time (Shanghai)", test_tiling_shanghai},
    {"the same instant in UTC", test_same_instant_in_utc},
    {"a zone with DST", test_dst_zone},
    {"a zone change forgets remembered midnights", test_zone_change_forgets_midnights},
    {"unknown zone rejected", test_unknown_zone},
    {"invalid kind and range", test_invalid_period_args},
    {"kind names", test_kind_names},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo time_tests[] = {
    {"RFC 3339", test_parse_rfc3339},
    {"plain date and Unix ms", test_parse_date_and_ms},
    {"garbage rejected with a reason", test_parse_rejects},
    {"format", test_format},
    {"now", test_now},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"default zone", host_utc, NULL, NULL, NULL, default_tests},
    {"periods", zone_shanghai, NULL, NULL, NULL, period_tests},
    {"time", zone_shanghai, NULL, NULL, NULL, time_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
