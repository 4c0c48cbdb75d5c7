/* test_report.c — services/reporting/report.h: request checks, the periods
 * of a report, and the reply built from values. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq_test.h"
#include "reporting/report.h"

/* 2026-11-26T12:00:00+08:00 (Thursday of ISO week 48), and week bounds. */
#define SH_2026_11_26_NOON 1795665600000LL
#define SH_2026_11_16      1794758400000LL /* Monday of week 47 */
#define SH_2026_11_23      1795363200000LL /* Monday of week 48 */
#define SH_2026_11_30      1795968000000LL /* Monday of week 49 */

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static const char *reason_of(const nq_field_errors_t *errs, const char *field)
{
    for (size_t i = 0; i < errs->n; i++) {
        if (strcmp(errs->items[i].field, field) == 0)
            return errs->items[i].reason;
    }
    return NULL;
}

/* report_query_parse of (sp, kind, at when has_at) at a fixed "now". */
static int parse(const char *sp, const char *kind, bool has_at, int64_t at, report_query_t *q,
                 nq_field_errors_t *errs)
{
    Nq__SalespersonReportRequest req = NQ__SALESPERSON_REPORT_REQUEST__INIT;
    req.salesperson_id = (char *)sp;
    req.period_kind = (char *)kind;
    req.has_at = has_at;
    req.at = at;
    memset(errs, 0, sizeof(*errs));
    return report_query_parse(&req, SH_2026_11_26_NOON, q, errs);
}

static void test_parse_week(void)
{
    report_query_t q;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(parse("sp1", "week", true, SH_2026_11_26_NOON, &q, &errs), 0);
    CU_ASSERT_EQUAL(errs.n, 0);
    CU_ASSERT_STRING_EQUAL(q.salesperson_id, "sp1");
    CU_ASSERT_EQUAL(q.period.kind, NQ_PERIOD_WEEK);
    CU_ASSERT_STRING_EQUAL(q.period.key, "2026-W48");
    CU_ASSERT_EQUAL(q.period.start_ms, SH_2026_11_23);
    CU_ASSERT_EQUAL(q.period.end_ms, SH_2026_11_30);
    CU_ASSERT_EQUAL(q.previous.kind, NQ_PERIOD_WEEK);
    CU_ASSERT_STRING_EQUAL(q.previous.key, "2026-W47");
    CU_ASSERT_EQUAL(q.previous.start_ms, SH_2026_11_16);
    CU_ASSERT_EQUAL(q.previous.end_ms, SH_2026_11_23);
}

static void test_parse_kinds(void)
{
    static const struct {
        const char *kind, *key, *prev;
    } want[] = {
        {"day", "2026-11-26", "2026-11-25"},
        {"week", "2026-W48", "2026-W47"},
        {"month", "2026-11", "2026-10"},
        {"quarter", "2026-Q4", "2026-Q3"},
        {"year", "2026", "2025"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        report_query_t q;
        nq_field_errors_t errs;
        CU_ASSERT_EQUAL_FATAL(parse("sp1", want[i].kind, true, SH_2026_11_26_NOON, &q, &errs), 0);
        CU_ASSERT_STRING_EQUAL(q.period.key, want[i].key);
        CU_ASSERT_STRING_EQUAL(q.previous.key, want[i].prev);
        CU_ASSERT_EQUAL(q.previous.end_ms, q.period.start_ms);
    }
}

static void test_at_defaults_to_now(void)
{
    report_query_t q;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(parse("sp1", "month", false, 0, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(q.period.key, "2026-11");
    /* An explicit at wins over now, even 0 (1970-01-01 08:00 in Shanghai). */
    CU_ASSERT_EQUAL_FATAL(parse("sp1", "day", true, 86400000LL, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(q.period.key, "1970-01-02");
    CU_ASSERT_STRING_EQUAL(q.previous.key, "1970-01-01");
}

static void test_parse_rejects(void)
{
    report_query_t q;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(parse(NULL, "week", false, 0, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "salesperson_id"), "is required");
    CU_ASSERT_EQUAL(parse("sp 1", "week", false, 0, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "salesperson_id"), NQ_ID_RULE);
    CU_ASSERT_EQUAL(parse("", "week", false, 0, &q, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "salesperson_id"));

    CU_ASSERT_EQUAL(parse("sp1", NULL, false, 0, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "period"), "is required");
    static const char *const bad[] = {"fortnight", "", "Week", "week "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_EQUAL(parse("sp1", bad[i], false, 0, &q, &errs), -1);
        CU_ASSERT_STRING_EQUAL(reason_of(&errs, "period"),
                               "must be one of day, week, month, quarter, year");
    }

    /* Outside 1970..9999, or a first period that has nothing before it. */
    static const int64_t bad_at[] = {-86400000LL * 400, 253402300800000LL * 2, INT64_MIN};
    for (size_t i = 0; i < sizeof(bad_at) / sizeof(bad_at[0]); i++) {
        CU_ASSERT_EQUAL(parse("sp1", "day", true, bad_at[i], &q, &errs), -1);
        CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "at"));
    }
    CU_ASSERT_EQUAL(parse("sp1", "year", true, 0, &q, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "at"));

    /* Everything wrong at once is reported at once. */
    CU_ASSERT_EQUAL(parse("sp/1", "hour", false, 0, &q, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 2);
}

static void test_reply_ok(void)
{
    report_query_t q;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(parse("sp1", "week", true, SH_2026_11_26_NOON, &q, &errs), 0);
    nq_kpi_values_t cur = {{[NQ_KPI_SALES_FEN] = 8000000, [NQ_KPI_ORDERS] = 1}};
    nq_kpi_values_t prev = {{[NQ_KPI_VISITS] = 3, [NQ_KPI_CALLS] = 7}};
    report_reply_t r;
    report_reply_ok(&r, "corr-9", &q, "张伟", &cur, &prev);

    /* Pack and unpack: what the gateway will see. */
    size_t len = protobuf_c_message_get_packed_size(&r.pb.base);
    uint8_t *buf = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    protobuf_c_message_pack(&r.pb.base, buf);
    Nq__SalespersonReport *got = nq__salesperson_report__unpack(NULL, len, buf);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got->header);
    CU_ASSERT_STRING_EQUAL(got->header->correlation_id, "corr-9");
    CU_ASSERT_EQUAL(got->header->status, NQ__STATUS__STATUS_OK);
    CU_ASSERT_PTR_NULL(got->header->detail);
    CU_ASSERT_EQUAL(got->header->n_errors, 0);
    CU_ASSERT_STRING_EQUAL(got->salesperson_id, "sp1");
    CU_ASSERT_STRING_EQUAL(got->name, "张伟");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got->period);
    CU_ASSERT_STRING_EQUAL(got->period->kind, "week");
    CU_ASSERT_STRING_EQUAL(got->period->key, "2026-W48");
    CU_ASSERT_EQUAL(got->period->start, SH_2026_11_23);
    CU_ASSERT_EQUAL(got->period->end, SH_2026_11_30);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got->values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got->previous);
    CU_ASSERT_EQUAL(got->values->sales_fen, 8000000);
    CU_ASSERT_EQUAL(got->values->orders, 1);
    CU_ASSERT_TRUE(got->values->has_visits); /* zeros are sent, not left out */
    CU_ASSERT_EQUAL(got->values->visits, 0);
    CU_ASSERT_EQUAL(got->previous->visits, 3);
    CU_ASSERT_EQUAL(got->previous->calls, 7);
    CU_ASSERT_EQUAL(got->previous->sales_fen, 0);
    nq__salesperson_report__free_unpacked(got, NULL);

    /* A salesperson without a profile still has a report, without a name. */
    report_reply_ok(&r, NULL, &q, NULL, &cur, &prev);
    CU_ASSERT_PTR_NULL(r.pb.name);
    CU_ASSERT_PTR_NULL(r.pb.header->correlation_id);
    CU_ASSERT_PTR_EQUAL(r.pb.values, &r.values);
}

static void test_reply_fail(void)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, "period", "must be one of day, week, month, quarter, year");
    report_reply_t r;
    report_reply_fail(&r, "c1", NQ__STATUS__STATUS_INVALID, "invalid report request", &errs);
    CU_ASSERT_PTR_EQUAL(r.pb.header, &r.header.pb);
    CU_ASSERT_EQUAL(r.header.pb.status, NQ__STATUS__STATUS_INVALID);
    CU_ASSERT_TRUE(r.header.pb.has_status);
    CU_ASSERT_STRING_EQUAL(r.header.pb.detail, "invalid report request");
    CU_ASSERT_EQUAL_FATAL(r.header.pb.n_errors, 1);
    CU_ASSERT_STRING_EQUAL(r.header.pb.errors[0]->field, "period");
    CU_ASSERT_PTR_NULL(r.pb.period);
    CU_ASSERT_PTR_NULL(r.pb.values);
    CU_ASSERT_PTR_NULL(r.pb.previous);

    report_reply_fail(&r, "c2", NQ__STATUS__STATUS_UNAVAILABLE, "redis is not connected", NULL);
    CU_ASSERT_EQUAL(r.header.pb.status, NQ__STATUS__STATUS_UNAVAILABLE);
    CU_ASSERT_EQUAL(r.header.pb.n_errors, 0);
    CU_ASSERT_PTR_NULL(r.header.pb.errors);
    CU_ASSERT_TRUE(protobuf_c_message_check(&r.pb.base));
}

static CU_TestInfo query_tests[] = {
    {"week and the week before", test_parse_week},
    {"every period kind", test_parse_kinds},
    {"at defaults to now", test_at_defaults_to_now},
    {"bad requests name their fields", test_parse_rejects},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo reply_tests[] = {
    {"report from values", test_reply_ok},
    {"failure replies", test_reply_fail},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"query", zone_shanghai, NULL, NULL, NULL, query_tests},
    {"reply", zone_shanghai, NULL, NULL, NULL, reply_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
