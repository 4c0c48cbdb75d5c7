/* test_money.c — nq/money.h: parsing, conversion from doubles, formatting. */
#include <math.h>
#include <string.h>

#include "nq/money.h"
#include "nq_test.h"

/* Parse `s`, expecting success and `want` fen. */
static void parse_ok(const char *s, int64_t want)
{
    int64_t fen = -777;
    const char *reason = NULL;
    CU_ASSERT_EQUAL_FATAL(nq_money_parse(s, &fen, &reason), 0);
    CU_ASSERT_EQUAL(fen, want);
}

/* Parse `s`, expecting rejection with fen untouched; returns the reason. */
static const char *parse_bad(const char *s)
{
    int64_t fen = -777;
    const char *reason = NULL;
    CU_ASSERT_EQUAL(nq_money_parse(s, &fen, &reason), -1);
    CU_ASSERT_EQUAL(fen, -777);
    CU_ASSERT_PTR_NOT_NULL(reason);
    return reason ? reason : "";
}

static void test_parse_valid(void)
{
    parse_ok("0", 0);
    parse_ok("-0", 0);
    parse_ok("0.01", 1);
    parse_ok("12.3", 1230);
    parse_ok("12.30", 1230);
    parse_ok("1234.5", 123450);
    parse_ok("-5.00", -500);
    parse_ok("-0.05", -5);
    parse_ok("007.10", 710);
    parse_ok("10000000000000", NQ_MONEY_MAX_FEN);
    parse_ok("10000000000000.00", NQ_MONEY_MAX_FEN);
    parse_ok("-10000000000000", -NQ_MONEY_MAX_FEN);
    parse_ok("9999999999999.99", NQ_MONEY_MAX_FEN - 1);
}

static void test_parse_invalid(void)
{
    static const char *const bad[] = {
        "",      "+1",  " 1",  "1 ",    "1.",   ".5",   "-",   "-.5", "--1",
        "1.2.3", "1e3", "abc", "1,000", "0x10", "1.-1", "12a", "١",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        parse_bad(bad[i]);
    CU_ASSERT_STRING_EQUAL(parse_bad("1.234"), "more than two decimals");
    CU_ASSERT_STRING_EQUAL(parse_bad("0.001"), "more than two decimals");
}

/* A JSON number's text, as sent: judged like a string. */
static void test_parse_number(void)
{
    int64_t fen = -777;
    const char *reason = NULL;
    static const struct {
        const char *text;
        int64_t fen;
    } ok[] = {{"12", 1200}, {"12.5", 1250}, {"12.50", 1250}, {"-0", 0}, {"0.29", 29}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        CU_ASSERT_EQUAL(nq_money_parse_number(ok[i].text, strlen(ok[i].text), &fen, &reason), 0);
        CU_ASSERT_EQUAL(fen, ok[i].fen);
    }
    /* Only len bytes are read: the rest of the body follows the number. */
    CU_ASSERT_EQUAL(nq_money_parse_number("12.345,\"x\":1", 5, &fen, &reason), 0);
    CU_ASSERT_EQUAL(fen, 1234);
    fen = -777;
    static const char *const more[] = {"1.50000000000000000001", "0.29999999999999999", "1.500"};
    for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
        CU_ASSERT_EQUAL(nq_money_parse_number(more[i], strlen(more[i]), &fen, &reason), -1);
        CU_ASSERT_STRING_EQUAL(reason, "more than two decimals");
    }
    static const char *const exp[] = {"1e3", "1E3", "1.5e0", "15e-1"};
    for (size_t i = 0; i < sizeof(exp) / sizeof(exp[0]); i++) {
        CU_ASSERT_EQUAL(nq_money_parse_number(exp[i], strlen(exp[i]), &fen, &reason), -1);
        CU_ASSERT_STRING_EQUAL(reason, "must be decimal yuan without an exponent");
    }
    CU_ASSERT_EQUAL(nq_money_parse_number("100000000000000", 15, &fen, &reason), -1);
    CU_ASSERT_STRING_EQUAL(reason, "amount out of range");
    CU_ASSERT_EQUAL(nq_money_parse_number("", 0, &fen, &reason), -1);
    CU_ASSERT_EQUAL(fen, -777);
}

static void test_parse_range(void)
{
    CU_ASSERT_STRING_EQUAL(parse_bad("10000000000000.01"), "amount out of range");
    CU_ASSERT_STRING_EQUAL(parse_bad("-10000000000000.01"), "amount out of range");
    CU_ASSERT_STRING_EQUAL(parse_bad("10000000000001"), "amount out of range");
    /* Far past int64: must be caught before the accumulator overflows. */
    CU_ASSERT_STRING_EQUAL(parse_bad("92233720368547758080"), "amount out of range");
    CU_ASSERT_STRING_EQUAL(parse_bad("999999999999999999999999999999999999.99"),
                           "amount out of range");
}

static void test_parse_null_reason(void)
{
    int64_t fen = 1;
    CU_ASSERT_EQUAL(nq_money_parse("x", &fen, NULL), -1);
    CU_ASSERT_EQUAL(nq_money_parse(NULL, &fen, NULL), -1);
    CU_ASSERT_EQUAL(fen, 1);
}

/* Convert `yuan`, expecting success and `want` fen. */
static void double_ok(double yuan, int64_t want)
{
    int64_t fen = -777;
    CU_ASSERT_EQUAL_FATAL(nq_money_from_double(yuan, &fen, NULL), 0);
    CU_ASSERT_EQUAL(fen, want);
}

static const char *double_bad(double yuan)
{
    int64_t fen = -777;
    const char *reason = NULL;
    CU_ASSERT_EQUAL(nq_money_from_double(yuan, &fen, &reason), -1);
    CU_ASSERT_EQUAL(fen, -777);
    CU_ASSERT_PTR_NOT_NULL(reason);
    return reason ? reason : "";
}

static void test_from_double(void)
{
    volatile double a = 0.1, b = 0.2; /* volatile: computed at run time */
    double_ok(0, 0);
    double_ok(-0.0, 0);
    double_ok(12.34, 1234);
    double_ok(1234.5, 123450);
    double_ok(0.3, 30);
    double_ok(a + b, 30); /* 0.30000000000000004 */
    double_ok(1.1 * 3, 330);
    double_ok(-0.05, -5);
    double_ok(0.07, 7);
    double_ok(9999999999999.99, NQ_MONEY_MAX_FEN - 1);
    double_ok(1e13, NQ_MONEY_MAX_FEN);
    double_ok(-1e13, -NQ_MONEY_MAX_FEN);
}

static void test_from_double_invalid(void)
{
    CU_ASSERT_STRING_EQUAL(double_bad(12.345), "more than two decimals");
    CU_ASSERT_STRING_EQUAL(double_bad(1.005), "more than two decimals");
    CU_ASSERT_STRING_EQUAL(double_bad(0.001), "more than two decimals");
    CU_ASSERT_STRING_EQUAL(double_bad(NAN), "not a finite number");
    CU_ASSERT_STRING_EQUAL(double_bad(INFINITY), "not a finite number");
    CU_ASSERT_STRING_EQUAL(double_bad(-INFINITY), "not a finite number");
    CU_ASSERT_STRING_EQUAL(double_bad(1e13 + 1), "amount out of range");
    CU_ASSERT_STRING_EQUAL(double_bad(9e13), "amount out of range");
    CU_ASSERT_STRING_EQUAL(double_bad(1e300), "amount out of range");
    CU_ASSERT_STRING_EQUAL(double_bad(-1e300), "amount out of range");
}

/* Format `fen` and compare with `want`, including the returned length. */
static void format_is(int64_t fen, const char *want)
{
    char buf[NQ_MONEY_BUF];
    CU_ASSERT_EQUAL(nq_money_format(fen, buf, sizeof(buf)), (int)strlen(want));
    CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_format(void)
{
    format_is(0, "0.00");
    format_is(5, "0.05");
    format_is(-5, "-0.05");
    format_is(-99, "-0.99");
    format_is(-100, "-1.00");
    format_is(123450, "1234.50");
    format_is(NQ_MONEY_MAX_FEN, "10000000000000.00");
    format_is(INT64_MIN, "-92233720368547758.08");
    format_is(INT64_MAX, "92233720368547758.07");
}

static void grouped_is(int64_t fen, const char *want)
{
    char buf[NQ_MONEY_BUF];
    CU_ASSERT_EQUAL(nq_money_format_grouped(fen, buf, sizeof(buf)), (int)strlen(want));
    CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_format_grouped(void)
{
    grouped_is(0, "0.00");
    grouped_is(-5, "-0.05");
    grouped_is(99999, "999.99");
    grouped_is(100000, "1,000.00");
    grouped_is(6800000, "68,000.00");
    grouped_is(-12345678950, "-123,456,789.50");
    grouped_is(NQ_MONEY_MAX_FEN, "10,000,000,000,000.00");
    grouped_is(INT64_MIN, "-92,233,720,368,547,758.08");
}

static void test_format_truncates(void)
{
    char buf[4];
    CU_ASSERT_EQUAL(nq_money_format(123450, buf, sizeof(buf)), 7);
    CU_ASSERT_STRING_EQUAL(buf, "123");
}

static void test_round_trip(void)
{
    static const int64_t values[] = {
        0, 1, -1, 10, -10, 99, 100, 123456789, -987654321, NQ_MONEY_MAX_FEN, -NQ_MONEY_MAX_FEN};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char buf[NQ_MONEY_BUF];
        int64_t back = 0;
        nq_money_format(values[i], buf, sizeof(buf));
        CU_ASSERT_EQUAL(nq_money_parse(buf, &back, NULL), 0);
        CU_ASSERT_EQUAL(back, values[i]);
    }
}

static CU_TestInfo money_tests[] = {
    {"format grouped by thousands", test_format_grouped},
    {"parse valid amounts", test_parse_valid},
    {"parse rejects malformed input", test_parse_invalid},
    {"parse rejects out-of-range amounts", test_parse_range},
    {"parse without a reason pointer", test_parse_null_reason},
    {"parse a JSON number's text", test_parse_number},
    {"from_double accepts two decimals", test_from_double},
    {"from_double rejects the rest", test_from_double_invalid},
    {"format", test_format},
    {"format truncates like snprintf", test_format_truncates},
    {"format then parse is the identity", test_round_trip},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"money", NULL, NULL, NULL, NULL, money_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
