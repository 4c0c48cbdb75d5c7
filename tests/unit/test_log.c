/* test_log.c — nq/log.h: JSON lines read back with jansson. */
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "nq/log.h"
#include "nq_test.h"

/* Output of the test being run; reset before each test. */
static FILE *g_out;

static int open_stream(void)
{
    g_out = tmpfile();
    if (!g_out)
        return -1;
    nq_log_set_stream(g_out);
    return 0;
}

static int close_stream(void)
{
    nq_log_set_stream(NULL);
    if (g_out)
        fclose(g_out);
    g_out = NULL;
    return 0;
}

static void reset(void)
{
    nq_log_init("nq-test", NQ_LOG_DEBUG);
    CU_ASSERT_EQUAL_FATAL(ftruncate(fileno(g_out), 0), 0);
    rewind(g_out);
}

/* Lines written since reset(), into lines[] (caller json_decref's them).
 * Fails the test if a line is not one JSON object. Returns the count. */
static int read_lines(json_t **lines, int max)
{
    char buf[32768];
    int n = 0;
    rewind(g_out);
    while (n < max && fgets(buf, sizeof(buf), g_out)) {
        json_error_t error;
        CU_ASSERT_EQUAL(buf[strlen(buf) - 1], '\n');
        json_t *obj = json_loads(buf, 0, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
        CU_ASSERT_FATAL(json_is_object(obj));
        lines[n++] = obj;
    }
    return n;
}

static const char *field(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "(missing)";
}

static void free_lines(json_t **lines, int n)
{
    for (int i = 0; i < n; i++)
        json_decref(lines[i]);
}

static void test_fields(void)
{
    json_t *lines[4];
    nq_log_info("listening", "router on %s port %d", "tcp://127.0.0.1", 7101);
    int n = read_lines(lines, 4);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(json_object_size(lines[0]), 5);
    CU_ASSERT_STRING_EQUAL(field(lines[0], "level"), "info");
    CU_ASSERT_STRING_EQUAL(field(lines[0], "service"), "nq-test");
    CU_ASSERT_STRING_EQUAL(field(lines[0], "event"), "listening");
    CU_ASSERT_STRING_EQUAL(field(lines[0], "msg"), "router on tcp://127.0.0.1 port 7101");

    /* ISO-8601 UTC with milliseconds: 2026-11-26T23:59:01.123Z */
    const char *ts = field(lines[0], "ts");
    int y, mo, d, h, mi, s, ms;
    char z = 0;
    CU_ASSERT_EQUAL(strlen(ts), 24);
    CU_ASSERT_EQUAL(sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &s, &ms, &z),
                    8);
    CU_ASSERT_EQUAL(z, 'Z');
    CU_ASSERT(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59);
    free_lines(lines, n);
}

static void test_levels(void)
{
    json_t *lines[8];
    nq_log_init("nq-test", NQ_LOG_WARN);
    nq_log_debug("d", "dropped");
    nq_log_info("i", "dropped");
    nq_log_warn("w", "kept");
    nq_log_error("e", "kept");
    int n = read_lines(lines, 8);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(field(lines[0], "level"), "warn");
    CU_ASSERT_STRING_EQUAL(field(lines[1], "level"), "error");
    CU_ASSERT_STRING_EQUAL(field(lines[1], "event"), "e");
    free_lines(lines, n);
}

static void test_level_parse(void)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++) {
        nq_log_level_t level;
        CU_ASSERT_EQUAL(nq_log_level_parse(names[i], &level), 0);
        CU_ASSERT_EQUAL(level, (nq_log_level_t)i);
    }
    nq_log_level_t level = NQ_LOG_WARN;
    CU_ASSERT_EQUAL(nq_log_level_parse("INFO", &level), -1);
    CU_ASSERT_EQUAL(nq_log_level_parse("warning", &level), -1);
    CU_ASSERT_EQUAL(nq_log_level_parse("", &level), -1);
    CU_ASSERT_EQUAL(nq_log_level_parse(NULL, &level), -1);
    CU_ASSERT_EQUAL(level, NQ_LOG_WARN);
}

static void test_escaping_round_trip(void)
{
    json_t *lines[2];
    const char *nasty = "quote \" backslash \\ newline \n tab \t bell \a esc \x1b "
                        "del \x7f 中文 €";
    nq_log_init("svc \"x\"", NQ_LOG_DEBUG);
    nq_log_error("ev\\ent", "%s", nasty);
    int n = read_lines(lines, 2);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(field(lines[0], "msg"), nasty);
    CU_ASSERT_STRING_EQUAL(field(lines[0], "service"), "svc \"x\"");
    CU_ASSERT_STRING_EQUAL(field(lines[0], "event"), "ev\\ent");
    free_lines(lines, n);
}

static void test_escape_exact(void)
{
    char buf[128];
    CU_ASSERT_EQUAL(nq_json_escape(buf, sizeof(buf), "a\"b\\c\n\x01"), 19);
    CU_ASSERT_STRING_EQUAL(buf, "a\\\"b\\\\c\\u000a\\u0001");
    nq_json_escape(buf, sizeof(buf), "中");
    CU_ASSERT_STRING_EQUAL(buf, "中");
    /* Invalid UTF-8 (stray continuation, truncated sequence, overlong '/') */
    nq_json_escape(buf, sizeof(buf),
                   "a\x80"
                   "b\xe4\xb8"
                   "c\xc0\xaf");
    CU_ASSERT_STRING_EQUAL(buf, "a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd");
    CU_ASSERT_EQUAL(nq_json_escape(buf, sizeof(buf), NULL), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

static void test_escape_truncation(void)
{
    char buf[6];
    /* Never splits an escape or a UTF-8 sequence, always terminates. */
    CU_ASSERT_EQUAL(nq_json_escape(buf, sizeof(buf), "abcdefgh"), 5);
    CU_ASSERT_STRING_EQUAL(buf, "abcde");
    CU_ASSERT_EQUAL(nq_json_escape(buf, sizeof(buf), "ab\ncd"), 2);
    CU_ASSERT_STRING_EQUAL(buf, "ab");
    CU_ASSERT_EQUAL(nq_json_escape(buf, sizeof(buf), "abc中"), 3);
    CU_ASSERT_STRING_EQUAL(buf, "abc");
    CU_ASSERT_EQUAL(nq_json_escape(buf, 1, "abc"), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(nq_json_escape(buf, 0, "abc"), 0);
}

static void test_long_message(void)
{
    json_t *lines[2];
    char big[5000];
    memset(big, '"', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    nq_log_info("big", "%s", big);
    int n = read_lines(lines, 2);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    size_t len = strlen(field(lines[0], "msg"));
    CU_ASSERT(len > 1000 && len < sizeof(big));
    free_lines(lines, n);
}

static CU_TestInfo log_tests[] = {
    {"one JSON object with all fields", test_fields},
    {"levels below the minimum are dropped", test_levels},
    {"level names", test_level_parse},
    {"escaping survives a JSON round trip", test_escaping_round_trip},
    {"escape output", test_escape_exact},
    {"escape truncation", test_escape_truncation},
    {"long messages are truncated, still JSON", test_long_message},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"log", open_stream, close_stream, reset, NULL, log_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
