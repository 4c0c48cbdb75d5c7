/* test_alert_rules.c — services/alerting/rules.h: the big_order rule and the alert draft. */
#include <string.h>

#include "alerting/rules.h"
#include "nq/fielderr.h"
#include "nq_test.h"

#define THRESHOLD   5000000 /* 50,000.00 yuan */
#define RAISED_AT   1795656600120LL
#define OCCURRED_AT 1795657200000LL
#define DAY_MS      86400000LL

static const alert_thresholds_t thresholds = {THRESHOLD, DAY_MS};

static const alert_rule_t *rule(const char *key)
{
    for (size_t i = 0; i < alert_rules_count; i++) {
        if (strcmp(alert_rules[i].key, key) == 0)
            return &alert_rules[i];
    }
    return NULL;
}

static Nq__Activity order(int64_t amount)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT;
    ev.event_id = "erp-o-4001";
    ev.type = "order";
    ev.salesperson_id = "sp-zhangwei";
    ev.customer_id = "cust-001";
    ev.has_occurred_at = 1;
    ev.occurred_at = OCCURRED_AT;
    ev.has_amount_fen = 1;
    ev.amount_fen = amount;
    return ev;
}

static bool big_order(const Nq__Activity *ev, alert_draft_t *d)
{
    const alert_rule_t *r = rule("big_order");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r->evaluate(ev, &thresholds, d);
}

static void test_table(void)
{
    CU_ASSERT(alert_rules_count >= 1);
    const alert_rule_t *r = rule("big_order");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->severity, "warning");
    CU_ASSERT_TRUE(r->event_time); /* about the order as it came in */
    CU_ASSERT_PTR_NOT_NULL(r->evaluate);
    for (size_t i = 0; i < alert_rules_count; i++) {
        CU_ASSERT_PTR_NOT_NULL(alert_rules[i].key);
        CU_ASSERT(nq_one_of(alert_rules[i].severity,
                            (const char *const[]){"info", "warning", "critical", NULL}));
    }
}

static void test_threshold(void)
{
    alert_draft_t d;
    Nq__Activity ev = order(THRESHOLD);
    CU_ASSERT_TRUE(big_order(&ev, &d)); /* exactly at the threshold */
    ev = order(THRESHOLD + 1);
    CU_ASSERT_TRUE(big_order(&ev, &d));
    ev = order(INT64_MAX);
    CU_ASSERT_TRUE(big_order(&ev, &d));
    ev = order(THRESHOLD - 1);
    CU_ASSERT_FALSE(big_order(&ev, &d));
    ev = order(1);
    CU_ASSERT_FALSE(big_order(&ev, &d));
}

static void test_not_an_order(void)
{
    alert_draft_t d;
    static const char *const types[] = {"visit", "call", "payment", "invoice", "Order", ""};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        Nq__Activity ev = order(THRESHOLD * 10);
        ev.type = (char *)types[i];
        CU_ASSERT_FALSE(big_order(&ev, &d));
    }
    Nq__Activity ev = order(THRESHOLD * 10);
    ev.type = NULL;
    CU_ASSERT_FALSE(big_order(&ev, &d));
    /* An order without an amount (the value behind a clear has_ flag is ignored). */
    ev = order(THRESHOLD * 10);
    ev.has_amount_fen = 0;
    CU_ASSERT_FALSE(big_order(&ev, &d));
}

static void test_draft(void)
{
    alert_draft_t d;
    memset(&d, 0x5a, sizeof(d));
    Nq__Activity ev = order(8600050);
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    CU_ASSERT_STRING_EQUAL(d.subject, "erp-o-4001");
    CU_ASSERT_STRING_EQUAL(d.event_id, "erp-o-4001");
    CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-zhangwei");
    CU_ASSERT_STRING_EQUAL(d.customer_id, "cust-001");
    CU_ASSERT_EQUAL(d.amount_fen, 8600050);
    CU_ASSERT_EQUAL(d.occurred_at, OCCURRED_AT);
    /* Titles come with the names once they are known; ids stand in for unknown ones. */
    alert_names_t names = {"张伟", ""};
    alert_rules[0].title(&d, &names);
    CU_ASSERT_STRING_EQUAL(d.title, "大额订单：张伟 的客户 cust-001 下单 ¥86000.50");
    CU_ASSERT_STRING_EQUAL(d.title_en, "Big order: 张伟's customer cust-001 ordered CNY 86000.50");

    ev = order(THRESHOLD);
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    alert_names_t none = {"", ""};
    alert_rules[0].title(&d, &none);
    CU_ASSERT_STRING_EQUAL(d.title, "大额订单：sp-zhangwei 的客户 cust-001 下单 ¥50000.00");
    CU_ASSERT_PTR_NOT_NULL(strstr(d.title_en, "CNY 50000.00"));
}

static void test_draft_fresh_each_time(void)
{
    alert_draft_t d;
    Nq__Activity ev = order(THRESHOLD);
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    /* The next one has no customer and another id: nothing of the first one remains. */
    ev.customer_id = NULL;
    ev.event_id = "e-2";
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    CU_ASSERT_STRING_EQUAL(d.customer_id, "");
    CU_ASSERT_STRING_EQUAL(d.subject, "e-2");
    CU_ASSERT_STRING_EQUAL(d.event_id, "e-2");
}

static void test_draft_long_ids(void)
{
    /* The longest event id (128) and salesperson id (64) are kept whole: the subject is the
     * dedupe key, so a truncated one would merge distinct events. */
    char eid[129], sp[65];
    memset(eid, 'e', 128);
    eid[128] = '\0';
    eid[127] = 'Z';
    memset(sp, 's', 64);
    sp[64] = '\0';
    Nq__Activity ev = order(THRESHOLD);
    ev.event_id = eid;
    ev.salesperson_id = sp;
    alert_draft_t d;
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    CU_ASSERT_STRING_EQUAL(d.subject, eid);
    CU_ASSERT_STRING_EQUAL(d.event_id, eid);
    CU_ASSERT_STRING_EQUAL(d.salesperson_id, sp);
    alert_names_t none = {"", ""};
    alert_rules[0].title(&d, &none);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.title_en, sp));
}

static void test_to_proto(void)
{
    alert_draft_t d;
    Nq__Activity ev = order(8600050);
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    alert_names_t names = {"张伟", "杭州金达机电有限公司"};
    alert_rules[0].title(&d, &names);
    d.rule = "big_order";
    d.severity = "warning";
    Nq__Alert a = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, RAISED_AT, &a);
    CU_ASSERT_PTR_NULL(a.id); /* set by the stream, not here */
    CU_ASSERT_STRING_EQUAL(a.rule, "big_order");
    CU_ASSERT_STRING_EQUAL(a.severity, "warning");
    CU_ASSERT_STRING_EQUAL(a.salesperson_id, "sp-zhangwei");
    CU_ASSERT_STRING_EQUAL(a.customer_id, "cust-001");
    CU_ASSERT_STRING_EQUAL(a.event_id, "erp-o-4001");
    CU_ASSERT_PTR_EQUAL(a.title, d.title); /* points into the draft */
    CU_ASSERT_PTR_EQUAL(a.title_en, d.title_en);
    CU_ASSERT_TRUE(a.has_amount_fen);
    CU_ASSERT_EQUAL(a.amount_fen, 8600050);
    CU_ASSERT_TRUE(a.has_raised_at);
    CU_ASSERT_EQUAL(a.raised_at, RAISED_AT);
    CU_ASSERT_TRUE(a.has_occurred_at);
    CU_ASSERT_EQUAL(a.occurred_at, OCCURRED_AT);

    /* Through the wire. */
    uint8_t buf[1024];
    CU_ASSERT_FATAL(nq__alert__get_packed_size(&a) <= sizeof(buf));
    size_t len = nq__alert__pack(&a, buf);
    Nq__Alert *back = nq__alert__unpack(NULL, len, buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_STRING_EQUAL(back->title,
                           "大额订单：张伟 的客户 杭州金达机电有限公司 下单 ¥86000.50");
    CU_ASSERT_EQUAL(back->amount_fen, 8600050);
    CU_ASSERT_EQUAL(back->raised_at, RAISED_AT);
    CU_ASSERT_EQUAL(back->occurred_at, OCCURRED_AT);
    nq__alert__free_unpacked(back, NULL);

    /* No customer: the field is absent, not "". No amount, no time: absent. */
    d.customer_id[0] = '\0';
    d.amount_fen = 0;
    d.occurred_at = 0;
    Nq__Alert b = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, RAISED_AT, &b);
    CU_ASSERT_PTR_NULL(b.customer_id);
    CU_ASSERT_FALSE(b.has_amount_fen);
    CU_ASSERT_FALSE(b.has_occurred_at);
}

static void test_event_recent(void)
{
    Nq__Activity ev = order(THRESHOLD);
    int64_t now = OCCURRED_AT + DAY_MS;
    CU_ASSERT_TRUE(alert_event_recent(&ev, DAY_MS, now)); /* exactly the window ago */
    CU_ASSERT_FALSE(alert_event_recent(&ev, DAY_MS, now + 1));
    CU_ASSERT_TRUE(alert_event_recent(&ev, DAY_MS, OCCURRED_AT));
    CU_ASSERT_TRUE(alert_event_recent(&ev, DAY_MS, OCCURRED_AT - 60000)); /* a little ahead */
    CU_ASSERT_TRUE(alert_event_recent(&ev, 0, now + 365 * DAY_MS));       /* no window */
    CU_ASSERT_TRUE(alert_event_recent(&ev, 1, OCCURRED_AT));
    CU_ASSERT_FALSE(alert_event_recent(&ev, 1, OCCURRED_AT + 2));
    ev.has_occurred_at = 0; /* when it happened is not known: not recent */
    CU_ASSERT_FALSE(alert_event_recent(&ev, DAY_MS, OCCURRED_AT));
    CU_ASSERT_TRUE(alert_event_recent(&ev, 0, OCCURRED_AT));
}

static void test_fires_recent_only(void)
{
    const alert_rule_t *r = rule("big_order");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    alert_draft_t d;
    Nq__Activity ev = order(THRESHOLD);
    /* A backfilled big order of last month: nothing now. */
    CU_ASSERT_FALSE(alert_rule_fires(r, &ev, &thresholds, OCCURRED_AT + 30 * DAY_MS, &d));
    CU_ASSERT_FALSE(alert_rule_fires(r, &ev, &thresholds, OCCURRED_AT + DAY_MS + 1, &d));
    memset(&d, 0x5a, sizeof(d));
    CU_ASSERT_TRUE(alert_rule_fires(r, &ev, &thresholds, OCCURRED_AT + DAY_MS, &d));
    CU_ASSERT_STRING_EQUAL(d.event_id, "erp-o-4001");
    CU_ASSERT_EQUAL(d.occurred_at, OCCURRED_AT);
    /* Without a window, any age fires. */
    alert_thresholds_t any = {THRESHOLD, 0};
    CU_ASSERT_TRUE(alert_rule_fires(r, &ev, &any, OCCURRED_AT + 3650 * DAY_MS, &d));
    /* The window only lets through what the rule itself takes. */
    Nq__Activity small = order(THRESHOLD - 1);
    CU_ASSERT_FALSE(alert_rule_fires(r, &small, &thresholds, OCCURRED_AT, &d));
    /* A rule that is not about the event's time ignores the window. */
    alert_rule_t timer = *r;
    timer.event_time = false;
    CU_ASSERT_TRUE(alert_rule_fires(&timer, &ev, &thresholds, OCCURRED_AT + 30 * DAY_MS, &d));
}

static CU_TestInfo rule_tests[] = {
    {"rule table", test_table},
    {"big_order fires at and above the threshold", test_threshold},
    {"big_order ignores non-orders and orders without amount", test_not_an_order},
    {"draft: subject, ids, titles in yuan", test_draft},
    {"draft is rebuilt each time", test_draft_fresh_each_time},
    {"draft keeps the longest ids whole", test_draft_long_ids},
    {"draft to proto", test_to_proto},
    {"recency window of an event", test_event_recent},
    {"event-time rules fire for recent events only", test_fires_recent_only},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"alert rules", NULL, NULL, NULL, NULL, rule_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
