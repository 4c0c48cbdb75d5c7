/* test_alert_rules.c — services/alerting/rules.h: every rule of the table
 * (table-driven, with the edges of each threshold), the alert draft, the
 * settings per team (settings.h) and the lifecycle (lifecycle.h). */
#include <stdlib.h>
#include <string.h>

#include "alerting/lifecycle.h"
#include "alerting/readsize.h"
#include "alerting/rules.h"
#include "alerting/settings.h"
#include "nq/fielderr.h"
#include "nq_test.h"

#define THRESHOLD   5000000 /* 50,000.00 yuan */
#define RAISED_AT   1795656600120LL
#define OCCURRED_AT 1795657200000LL
#define DAY_MS      86400000LL

static const alert_settings_t big_settings = {true, {THRESHOLD}, 0};
static const alert_ctx_t no_ctx = {false, 0, 0};

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
    return alert_rule_fires(r, ev, &big_settings, &no_ctx, 0, 0, d);
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
        const alert_rule_t *row = &alert_rules[i];
        CU_ASSERT_PTR_NOT_NULL(row->key);
        CU_ASSERT_PTR_EQUAL(alert_rule_find(row->key), row);
        CU_ASSERT(
            nq_one_of(row->severity, (const char *const[]){"info", "warning", "critical", NULL}));
        CU_ASSERT_PTR_NOT_NULL(row->describe);
        /* an event rule looks at some event type; a schedule rule at none (schedule.h) */
        if (row->kind == ALERT_KIND_EVENT)
            CU_ASSERT(row->evaluate != NULL && row->types[0] != NULL);
        if (row->kind == ALERT_KIND_SCHEDULE)
            CU_ASSERT(row->evaluate == NULL && row->types[0] == NULL);
        CU_ASSERT(row->n_params <= ALERT_PARAMS_MAX);
        for (size_t k = 0; k < row->n_params; k++) {
            CU_ASSERT(row->params[k].def >= row->params[k].min);
            CU_ASSERT(row->params[k].def <= row->params[k].max);
            CU_ASSERT_EQUAL(alert_param_find(row, row->params[k].name), (int)k);
        }
        for (size_t k = 0; k < i; k++)
            CU_ASSERT_STRING_NOT_EQUAL(row->key, alert_rules[k].key);
    }
    CU_ASSERT_PTR_NULL(alert_rule_find("no_such_rule"));
    CU_ASSERT_PTR_NULL(alert_rule_find(NULL));
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
    CU_ASSERT_STRING_EQUAL(d.window, "");
    CU_ASSERT_STRING_EQUAL(d.event_id, "erp-o-4001");
    CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-zhangwei");
    CU_ASSERT_STRING_EQUAL(d.customer_id, "cust-001");
    CU_ASSERT_EQUAL(d.amount_fen, 8600050);
    CU_ASSERT_EQUAL(d.occurred_at, OCCURRED_AT);
    /* Titles come with the names once they are known; ids stand in for unknown ones. */
    alert_names_t names = {"张伟", "", ""};
    alert_rules[0].describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(d.title, "大额订单：张伟 的客户 cust-001 下单 ¥86,000.50");
    CU_ASSERT_STRING_EQUAL(d.title_en, "Big order: 张伟's customer cust-001 ordered CNY 86,000.50");

    ev = order(THRESHOLD);
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    alert_names_t none = {"", "", ""};
    alert_rules[0].describe(&d, &none);
    CU_ASSERT_STRING_EQUAL(d.title, "大额订单：sp-zhangwei 的客户 cust-001 下单 ¥50,000.00");
    CU_ASSERT_PTR_NOT_NULL(strstr(d.title_en, "CNY 50,000.00"));
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
    alert_names_t none = {"", "", ""};
    alert_rules[0].describe(&d, &none);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.title_en, sp));
}

static void test_to_proto(void)
{
    alert_draft_t d;
    Nq__Activity ev = order(8600050);
    CU_ASSERT_TRUE_FATAL(big_order(&ev, &d));
    alert_names_t names = {"张伟", "杭州金达机电有限公司", "华东一组"};
    alert_rules[0].describe(&d, &names);
    d.rule = "big_order";
    d.severity = "warning";
    Nq__Alert a = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, &names, "t-east", RAISED_AT, &a);
    CU_ASSERT_PTR_NULL(a.id); /* set by the stream, not here */
    CU_ASSERT_STRING_EQUAL(a.rule, "big_order");
    CU_ASSERT_STRING_EQUAL(a.severity, "warning");
    CU_ASSERT_STRING_EQUAL(a.salesperson_id, "sp-zhangwei");
    CU_ASSERT_STRING_EQUAL(a.customer_id, "cust-001");
    CU_ASSERT_STRING_EQUAL(a.salesperson_name, "张伟");
    CU_ASSERT_STRING_EQUAL(a.customer_name, "杭州金达机电有限公司");
    CU_ASSERT_STRING_EQUAL(a.team_id, "t-east");
    CU_ASSERT_STRING_EQUAL(a.team_name, "华东一组");
    CU_ASSERT_STRING_EQUAL(a.state, "open");
    CU_ASSERT_STRING_EQUAL(a.change, "raised");
    CU_ASSERT_EQUAL(a.version, 1);
    CU_ASSERT_STRING_EQUAL(a.link, "/customers/cust-001");
    CU_ASSERT_STRING_EQUAL(a.explanation, "订单金额 ¥86,000.50，达到大额订单门槛 ¥50,000.00。");
    CU_ASSERT_STRING_EQUAL(a.explanation_en, "The order of CNY 86,000.50 is at or above the "
                                             "big-order threshold of CNY 50,000.00.");
    CU_ASSERT_TRUE(a.has_threshold_fen);
    CU_ASSERT_EQUAL(a.threshold_fen, THRESHOLD);
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
                           "大额订单：张伟 的客户 杭州金达机电有限公司 下单 ¥86,000.50");
    CU_ASSERT_EQUAL(back->amount_fen, 8600050);
    CU_ASSERT_EQUAL(back->raised_at, RAISED_AT);
    CU_ASSERT_EQUAL(back->occurred_at, OCCURRED_AT);
    nq__alert__free_unpacked(back, NULL);

    /* No customer: the field is absent, not "". No amount, no time: absent. */
    d.customer_id[0] = '\0';
    d.amount_fen = 0;
    d.occurred_at = 0;
    Nq__Alert b = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, NULL, NULL, RAISED_AT, &b);
    CU_ASSERT_PTR_NULL(b.customer_id);
    CU_ASSERT_PTR_NULL(b.team_id);
    CU_ASSERT_PTR_NULL(b.salesperson_name);
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
    const alert_settings_t *s = &big_settings;
    /* A backfilled big order of last month: nothing now. */
    CU_ASSERT_FALSE(alert_rule_fires(r, &ev, s, &no_ctx, DAY_MS, OCCURRED_AT + 30 * DAY_MS, &d));
    CU_ASSERT_FALSE(alert_rule_fires(r, &ev, s, &no_ctx, DAY_MS, OCCURRED_AT + DAY_MS + 1, &d));
    memset(&d, 0x5a, sizeof(d));
    CU_ASSERT_TRUE(alert_rule_fires(r, &ev, s, &no_ctx, DAY_MS, OCCURRED_AT + DAY_MS, &d));
    CU_ASSERT_STRING_EQUAL(d.rule, "big_order");
    CU_ASSERT_STRING_EQUAL(d.severity, "warning");
    CU_ASSERT_STRING_EQUAL(d.event_id, "erp-o-4001");
    CU_ASSERT_EQUAL(d.occurred_at, OCCURRED_AT);
    /* Without a window, any age fires. */
    CU_ASSERT_TRUE(alert_rule_fires(r, &ev, s, &no_ctx, 0, OCCURRED_AT + 3650 * DAY_MS, &d));
    /* The window only lets through what the rule itself takes. */
    Nq__Activity small = order(THRESHOLD - 1);
    CU_ASSERT_FALSE(alert_rule_fires(r, &small, s, &no_ctx, DAY_MS, OCCURRED_AT, &d));
    /* A rule that is not about the event's time ignores the window. */
    alert_rule_t timer = *r;
    timer.event_time = false;
    CU_ASSERT_TRUE(
        alert_rule_fires(&timer, &ev, s, &no_ctx, DAY_MS, OCCURRED_AT + 30 * DAY_MS, &d));
    /* A rule switched off for the team raises nothing. */
    alert_settings_t off = big_settings;
    off.enabled = false;
    CU_ASSERT_FALSE(alert_rule_fires(r, &ev, &off, &no_ctx, 0, OCCURRED_AT, &d));
}

/* ---- every event rule, table-driven ----------------------------------------- */

/* One case: an event (fields as given), the rule's settings, what alerting
 * knows of the last price, and whether it fires. */
typedef struct rule_case {
    const char *what;
    const char *rule;
    const char *type;
    int64_t amount;       /* -1: none */
    int rating, nps;      /* -1: none */
    const char *priority; /* NULL: none */
    int64_t price;        /* -1: none */
    int64_t last_price;   /* -1: no earlier observation */
    int64_t p0, p1;       /* the settings */
    bool fires;
    const char *subject;  /* when it fires */
    const char *severity; /* when it fires */
} rule_case_t;

static const rule_case_t cases[] = {
    /* big_order: at and above the threshold */
    {"order at min", "big_order", "order", 100000, -1, -1, NULL, -1, -1, 100000, 0, true, "ev-1",
     "warning"},
    {"order below min", "big_order", "order", 99999, -1, -1, NULL, -1, -1, 100000, 0, false, NULL,
     NULL},
    {"visit is no order", "big_order", "visit", 900000, -1, -1, NULL, -1, -1, 100000, 0, false,
     NULL, NULL},
    /* cancel_or_return: both types, at the amount and one fen below */
    {"cancel at min", "cancel_or_return", "order_cancelled", 50000, -1, -1, NULL, -1, -1, 50000, 0,
     true, "SO-1", "warning"},
    {"return at min", "cancel_or_return", "return", 50000, -1, -1, NULL, -1, -1, 50000, 0, true,
     "SO-1", "warning"},
    {"cancel below", "cancel_or_return", "order_cancelled", 49999, -1, -1, NULL, -1, -1, 50000, 0,
     false, NULL, NULL},
    {"return without amount", "cancel_or_return", "return", -1, -1, -1, NULL, -1, -1, 1, 0, false,
     NULL, NULL},
    {"order is no cancel", "cancel_or_return", "order", 900000, -1, -1, NULL, -1, -1, 1, 0, false,
     NULL, NULL},
    /* negative_feedback: rating <= 2 or NPS <= 6 */
    {"rating 2", "negative_feedback", "feedback", -1, 2, -1, NULL, -1, -1, 2, 6, true, "cust-001",
     "warning"},
    {"rating 3", "negative_feedback", "feedback", -1, 3, -1, NULL, -1, -1, 2, 6, false, NULL, NULL},
    {"rating 1", "negative_feedback", "feedback", -1, 1, -1, NULL, -1, -1, 2, 6, true, "cust-001",
     "warning"},
    {"nps 6", "negative_feedback", "feedback", -1, -1, 6, NULL, -1, -1, 2, 6, true, "cust-001",
     "warning"},
    {"nps 7", "negative_feedback", "feedback", -1, -1, 7, NULL, -1, -1, 2, 6, false, NULL, NULL},
    {"nps 0", "negative_feedback", "feedback", -1, -1, 0, NULL, -1, -1, 2, 6, true, "cust-001",
     "warning"},
    {"good rating, bad nps", "negative_feedback", "feedback", -1, 5, 3, NULL, -1, -1, 2, 6, true,
     "cust-001", "warning"},
    {"good both", "negative_feedback", "feedback", -1, 4, 9, NULL, -1, -1, 2, 6, false, NULL, NULL},
    {"nps off (-1)", "negative_feedback", "feedback", -1, -1, 0, NULL, -1, -1, 2, -1, false, NULL,
     NULL},
    {"team's stricter rating", "negative_feedback", "feedback", -1, 3, -1, NULL, -1, -1, 3, 6, true,
     "cust-001", "warning"},
    /* urgent_ticket: at or above the priority; urgent is critical */
    {"high at high", "urgent_ticket", "ticket_opened", -1, -1, -1, "high", -1, -1, 2, 0, true,
     "TK-1", "warning"},
    {"urgent at high", "urgent_ticket", "ticket_opened", -1, -1, -1, "urgent", -1, -1, 2, 0, true,
     "TK-1", "critical"},
    {"normal at high", "urgent_ticket", "ticket_opened", -1, -1, -1, "normal", -1, -1, 2, 0, false,
     NULL, NULL},
    {"no priority", "urgent_ticket", "ticket_opened", -1, -1, -1, NULL, -1, -1, 0, 0, false, NULL,
     NULL},
    {"high at urgent only", "urgent_ticket", "ticket_opened", -1, -1, -1, "high", -1, -1, 3, 0,
     false, NULL, NULL},
    {"unknown priority", "urgent_ticket", "ticket_opened", -1, -1, -1, "HIGH", -1, -1, 0, 0, false,
     NULL, NULL},
    /* competitor_price: below the last observation by at least drop_pct % */
    {"down 10% at 10", "competitor_price", "competitor_intel", -1, -1, -1, NULL, 90000, 100000, 10,
     0, true, "某竞品|A100", "warning"},
    {"down 9.99% at 10", "competitor_price", "competitor_intel", -1, -1, -1, NULL, 90001, 100000,
     10, 0, false, NULL, NULL},
    {"any drop at 0", "competitor_price", "competitor_intel", -1, -1, -1, NULL, 99999, 100000, 0, 0,
     true, "某竞品|A100", "warning"},
    {"same price at 0", "competitor_price", "competitor_intel", -1, -1, -1, NULL, 100000, 100000, 0,
     0, false, NULL, NULL},
    {"up", "competitor_price", "competitor_intel", -1, -1, -1, NULL, 120000, 100000, 0, 0, false,
     NULL, NULL},
    {"first observation", "competitor_price", "competitor_intel", -1, -1, -1, NULL, 50000, -1, 0, 0,
     false, NULL, NULL},
    {"no price", "competitor_price", "competitor_intel", -1, -1, -1, NULL, -1, 100000, 0, 0, false,
     NULL, NULL},
};

static Nq__Activity case_event(const rule_case_t *c)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT;
    ev.event_id = "ev-1";
    ev.type = (char *)c->type;
    ev.salesperson_id = "sp-zhangwei";
    ev.customer_id = "cust-001";
    ev.order_id = "SO-1";
    ev.ticket_id = "TK-1";
    ev.competitor = "某竞品";
    ev.product = "A100";
    ev.has_occurred_at = 1;
    ev.occurred_at = OCCURRED_AT;
    ev.has_amount_fen = c->amount >= 0;
    ev.amount_fen = c->amount;
    ev.has_rating = c->rating >= 0;
    ev.rating = c->rating;
    ev.has_nps = c->nps >= 0;
    ev.nps = c->nps;
    ev.priority = (char *)c->priority;
    ev.has_price_fen = c->price >= 0;
    ev.price_fen = c->price;
    return ev;
}

/* Each event rule's title and explanation in both languages (zh-CN from the
 * i18n catalogue): the rule table's case `what` fired, described with names. */
static void test_rule_titles(void)
{
    static const struct {
        const char *what;     /* the case in cases[] */
        const char *title_en; /* its titles and explanation */
        const char *title;
        const char *explanation;
    } rows[] = {
        {"order at min", "Big order: 张伟's customer 杭州金达 ordered CNY 1,000.00",
         "大额订单：张伟 的客户 杭州金达 下单 ¥1,000.00",
         "订单金额 ¥1,000.00，达到大额订单门槛 ¥1,000.00。"},
        {"return at min", "Return: 张伟's customer 杭州金达 returned order SO-1, CNY 500.00",
         "退货：张伟 的客户 杭州金达 退回订单 SO-1 ¥500.00",
         "退货金额 ¥500.00，不低于提醒金额 ¥500.00。"},
        {"rating 2", "Negative feedback: 张伟's customer 杭州金达, rating 2",
         "差评：张伟 的客户 杭州金达 评分 2", "评分 2：评分不高于 2 或 NPS 不高于 6 即为差评。"},
        {"nps 6", "Negative feedback: 张伟's customer 杭州金达, NPS 6",
         "差评：张伟 的客户 杭州金达 NPS 6", "NPS 6：评分不高于 2 或 NPS 不高于 6 即为差评。"},
        {"good rating, bad nps", "Negative feedback: 张伟's customer 杭州金达, rating 5, NPS 3",
         "差评：张伟 的客户 杭州金达 评分 5，NPS 3",
         "评分 5，NPS 3：评分不高于 2 或 NPS 不高于 6 即为差评。"},
        {"urgent at high", "Urgent ticket: 张伟's customer 杭州金达, ticket TK-1",
         "紧急优先级工单：张伟 的客户 杭州金达 工单 TK-1",
         "客户 杭州金达 新开工单 TK-1（紧急优先级），请尽快跟进。"},
        {"high at high", "High-priority ticket: 张伟's customer 杭州金达, ticket TK-1",
         "高优先级工单：张伟 的客户 杭州金达 工单 TK-1",
         "客户 杭州金达 新开工单 TK-1（高优先级），请尽快跟进。"},
        {"down 10% at 10",
         "Competitor price drop: 某竞品's A100 at CNY 900.00 (was CNY 1,000.00, down 10.00%)",
         "竞品降价：某竞品 的 A100 ¥900.00（此前 ¥1,000.00，降 10.00%）",
         "张伟 报告 某竞品 的 A100 报价 ¥900.00，低于上次观察的 ¥1,000.00。"},
    };
    alert_names_t names = {"张伟", "杭州金达", ""};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const rule_case_t *c = NULL;
        for (size_t k = 0; !c && k < sizeof(cases) / sizeof(cases[0]); k++)
            c = strcmp(cases[k].what, rows[i].what) == 0 ? &cases[k] : NULL;
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        const alert_rule_t *r = alert_rule_find(c->rule);
        Nq__Activity ev = case_event(c);
        alert_settings_t s = {true, {c->p0, c->p1}, 0};
        alert_ctx_t ctx = {c->last_price >= 0, c->last_price, OCCURRED_AT - 1000};
        alert_draft_t d;
        CU_ASSERT_TRUE_FATAL(alert_rule_fires(r, &ev, &s, &ctx, DAY_MS, OCCURRED_AT, &d));
        r->describe(&d, &names);
        CU_ASSERT_STRING_EQUAL(d.title_en, rows[i].title_en);
        CU_ASSERT_STRING_EQUAL(d.title, rows[i].title);
        CU_ASSERT_STRING_EQUAL(d.explanation, rows[i].explanation);
        if (strcmp(d.title, rows[i].title) != 0 || strcmp(d.explanation, rows[i].explanation) != 0)
            fprintf(stderr, "\n    case \"%s\": %s | %s\n", c->what, d.title, d.explanation);
    }
}

static void test_rule_cases(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const rule_case_t *c = &cases[i];
        const alert_rule_t *r = alert_rule_find(c->rule);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        Nq__Activity ev = case_event(c);
        alert_settings_t s = {true, {c->p0, c->p1}, 0};
        alert_ctx_t ctx = {c->last_price >= 0, c->last_price, OCCURRED_AT - 1000};
        alert_draft_t d;
        bool fired = alert_rule_fires(r, &ev, &s, &ctx, DAY_MS, OCCURRED_AT, &d);
        if (fired != c->fires)
            fprintf(stderr, "\n    case \"%s\": fired %d, want %d\n", c->what, fired, c->fires);
        CU_ASSERT_EQUAL(fired, c->fires);
        if (!fired || !c->fires)
            continue;
        CU_ASSERT_STRING_EQUAL(d.rule, c->rule);
        CU_ASSERT_STRING_EQUAL(d.subject, c->subject);
        CU_ASSERT_STRING_EQUAL(d.severity, c->severity);
        CU_ASSERT_STRING_EQUAL(d.event_id, "ev-1");
        alert_names_t names = {"张伟", "杭州金达", "华东一组"};
        r->describe(&d, &names);
        CU_ASSERT(strlen(d.title) > 0 && strlen(d.title_en) > 0);
        CU_ASSERT(strlen(d.explanation) > 0 && strlen(d.explanation_en) > 0);
        CU_ASSERT_STRING_EQUAL(d.link, "/customers/cust-001");
        CU_ASSERT(nq_valid_text(d.title, sizeof(d.title)));
    }
}

/* The titles and numbers of each new rule, in both languages. */
static void test_rule_texts(void)
{
    alert_names_t names = {"张伟", "杭州金达", ""};
    alert_draft_t d;
    rule_case_t c = cases[3]; /* cancel at min */
    c.amount = 320000;
    Nq__Activity ev = case_event(&c);
    alert_settings_t s = {true, {50000}, 0};
    CU_ASSERT_TRUE_FATAL(alert_rule_fires(alert_rule_find("cancel_or_return"), &ev, &s, &no_ctx, 0,
                                          OCCURRED_AT, &d));
    alert_rule_find("cancel_or_return")->describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(d.title, "订单取消：张伟 的客户 杭州金达 取消订单 SO-1 ¥3,200.00");
    CU_ASSERT_STRING_EQUAL(
        d.title_en, "Order cancelled: 张伟's customer 杭州金达 cancelled order SO-1, CNY 3,200.00");
    CU_ASSERT_EQUAL(d.threshold_fen, 50000);

    ev = case_event(&cases[14]); /* rating 5, nps 3 */
    alert_settings_t fb = {true, {2, 6}, 0};
    CU_ASSERT_TRUE_FATAL(alert_rule_fires(alert_rule_find("negative_feedback"), &ev, &fb, &no_ctx,
                                          0, OCCURRED_AT, &d));
    alert_rule_find("negative_feedback")->describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(d.title, "差评：张伟 的客户 杭州金达 评分 5，NPS 3");
    CU_ASSERT_STRING_EQUAL(d.title_en,
                           "Negative feedback: 张伟's customer 杭州金达, rating 5, NPS 3");
    CU_ASSERT_EQUAL(d.rating, 5);
    CU_ASSERT_EQUAL(d.nps, 3);

    ev = case_event(&cases[24]); /* down 10% */
    alert_settings_t cp = {true, {10}, 0};
    alert_ctx_t ctx = {true, 100000, OCCURRED_AT - 1};
    CU_ASSERT_TRUE_FATAL(
        alert_rule_fires(alert_rule_find("competitor_price"), &ev, &cp, &ctx, 0, OCCURRED_AT, &d));
    alert_rule_find("competitor_price")->describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(d.title,
                           "竞品降价：某竞品 的 A100 ¥900.00（此前 ¥1,000.00，降 10.00%）");
    CU_ASSERT_EQUAL(d.price_fen, 90000);
    CU_ASSERT_EQUAL(d.previous_price_fen, 100000);
    CU_ASSERT_DOUBLE_EQUAL(d.drop_pct, 10.0, 1e-9);
    /* Only the events the rule looks at (and only those) are watched. */
    CU_ASSERT_TRUE(alert_type_watched("competitor_intel"));
    CU_ASSERT_TRUE(alert_type_watched("order"));
    CU_ASSERT_TRUE(alert_type_watched("visit")); /* timer rules: a contact moves a deadline */
    CU_ASSERT_FALSE(alert_type_watched("note"));
    CU_ASSERT_FALSE(alert_type_watched(NULL));
    /* The alert rules' cycle: event rules only (timer rules have a cycle of their own). */
    static const struct {
        const char *type;
        bool want;
    } evaluated[] = {
        {"order", true},         {"order_cancelled", true},
        {"return", true},        {"feedback", true},
        {"ticket_opened", true}, {"competitor_intel", true},
        {"visit", false},        {"call", false},
        {"meeting", false},      {"ticket_closed", false},
        {"invoice", false},      {"payment", false},
        {"note", false},         {NULL, false},
    };
    for (size_t i = 0; i < sizeof(evaluated) / sizeof(evaluated[0]); i++)
        CU_ASSERT_EQUAL(alert_type_evaluated(evaluated[i].type), evaluated[i].want);
}

/* ---- settings per team -------------------------------------------------------- */

static json_t *parse(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

static int idx(const char *rule)
{
    return (int)(alert_rule_find(rule) - alert_rules);
}

static void test_settings_defaults(void)
{
    alert_config_t c;
    alert_config_defaults(&c, 8000000);
    for (size_t i = 0; i < alert_rules_count; i++)
        CU_ASSERT_TRUE(c.rule[i].enabled);
    CU_ASSERT_EQUAL(c.rule[idx("big_order")].v[0], 8000000); /* from the configuration */
    CU_ASSERT_EQUAL(c.rule[idx("negative_feedback")].v[0], 2);
    CU_ASSERT_EQUAL(c.rule[idx("negative_feedback")].v[1], 6);
    CU_ASSERT_EQUAL(c.rule[idx("urgent_ticket")].v[0], 2); /* high */
    alert_config_defaults(&c, 0);
    CU_ASSERT_EQUAL(c.rule[idx("big_order")].v[0], 5000000);
}

static void test_settings_company(void)
{
    nq_config_t cfg = {.big_order_fen = 8000000};
    alert_config_t c;
    char err[160] = "";
    snprintf(cfg.alert_rules_off, sizeof(cfg.alert_rules_off), "behind_pace,no_activity");
    CU_ASSERT_EQUAL_FATAL(alert_config_company(&c, &cfg, err, sizeof(err)), 0);
    CU_ASSERT_FALSE(c.rule[idx("behind_pace")].enabled);
    CU_ASSERT_FALSE(c.rule[idx("no_activity")].enabled);
    CU_ASSERT_TRUE(c.rule[idx("big_order")].enabled);
    CU_ASSERT_EQUAL(c.rule[idx("big_order")].v[0], 8000000);
    snprintf(cfg.alert_rules_off, sizeof(cfg.alert_rules_off), "big_order,,no_such_rule");
    CU_ASSERT_EQUAL(alert_config_company(&c, &cfg, err, sizeof(err)), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"no_such_rule\""));
    cfg.alert_rules_off[0] = '\0';
    CU_ASSERT_EQUAL(alert_config_company(&c, &cfg, err, sizeof(err)), 0);
    for (size_t i = 0; i < alert_rules_count; i++)
        CU_ASSERT_TRUE(c.rule[i].enabled);
}

static void test_settings_apply(void)
{
    alert_config_t c, before;
    alert_config_defaults(&c, 5000000);
    before = c;
    nq_field_errors_t errs = {0};
    json_t *canon = NULL;
    json_t *o = parse("{\"big_order\":{\"min_amount\":\"80000.5\"},"
                      "\"negative_feedback\":{\"enabled\":false,\"max_nps\":4},"
                      "\"urgent_ticket\":{\"min_priority\":\"urgent\"},"
                      "\"cancel_or_return\":{\"min_amount\":2000}}");
    CU_ASSERT_EQUAL_FATAL(alert_config_apply(&c, o, &canon, &errs), 0);
    CU_ASSERT_EQUAL(c.rule[idx("big_order")].v[0], 8000050);
    CU_ASSERT_FALSE(c.rule[idx("negative_feedback")].enabled);
    CU_ASSERT_EQUAL(c.rule[idx("negative_feedback")].v[1], 4);
    CU_ASSERT_EQUAL(c.rule[idx("negative_feedback")].v[0], 2); /* not given: default */
    CU_ASSERT_EQUAL(c.rule[idx("urgent_ticket")].v[0], 3);
    CU_ASSERT_EQUAL(c.rule[idx("cancel_or_return")].v[0], 200000);
    char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
    CU_ASSERT_STRING_EQUAL(text, "{\"big_order\":{\"min_amount\":\"80000.50\"},"
                                 "\"cancel_or_return\":{\"min_amount\":\"2000.00\"},"
                                 "\"negative_feedback\":{\"enabled\":false,\"max_nps\":4},"
                                 "\"urgent_ticket\":{\"min_priority\":\"urgent\"}}");
    free(text);
    /* The canonical form reads back to the same settings. */
    alert_config_t again = before;
    CU_ASSERT_EQUAL(alert_config_apply(&again, canon, NULL, &errs), 0);
    CU_ASSERT_EQUAL(memcmp(&again, &c, sizeof(c)), 0);
    json_decref(canon);
    json_decref(o);
    /* Nothing given: the defaults. */
    alert_config_t none = before;
    CU_ASSERT_EQUAL(alert_config_apply(&none, NULL, NULL, &errs), 0);
    CU_ASSERT_EQUAL(memcmp(&none, &before, sizeof(none)), 0);
}

/* Each bad override is refused naming its field; nothing is applied. */
static void test_settings_errors(void)
{
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"big_orders\":{}}", "rules.big_orders"},
        {"{\"big_order\":{\"min_amonut\":\"1.00\"}}", "rules.big_order.min_amonut"},
        {"{\"big_order\":{\"min_amount\":\"1.001\"}}", "rules.big_order.min_amount"},
        {"{\"big_order\":{\"min_amount\":\"0\"}}", "rules.big_order.min_amount"},
        {"{\"big_order\":{\"min_amount\":true}}", "rules.big_order.min_amount"},
        {"{\"big_order\":{\"enabled\":\"no\"}}", "rules.big_order.enabled"},
        {"{\"big_order\":5}", "rules.big_order"},
        {"{\"negative_feedback\":{\"max_rating\":6}}", "rules.negative_feedback.max_rating"},
        {"{\"negative_feedback\":{\"max_nps\":-2}}", "rules.negative_feedback.max_nps"},
        {"{\"negative_feedback\":{\"max_nps\":2.5}}", "rules.negative_feedback.max_nps"},
        {"{\"urgent_ticket\":{\"min_priority\":\"urgentest\"}}",
         "rules.urgent_ticket.min_priority"},
        {"{\"competitor_price\":{\"drop_pct\":101}}", "rules.competitor_price.drop_pct"},
        {"[]", "rules"},
        {"{\"big_order\":{\"escalate_after_min\":-1}}", "rules.big_order.escalate_after_min"},
        {"{\"big_order\":{\"escalate_after_min\":10081}}", "rules.big_order.escalate_after_min"},
        {"{\"big_order\":{\"escalate_after_min\":\"30\"}}", "rules.big_order.escalate_after_min"},
        {"{\"big_order\":{\"escalate_after_min\":1.5}}", "rules.big_order.escalate_after_min"},
        {"{\"targets_missed\":{\"metrics\":[]}}", "rules.targets_missed.metrics"},
        {"{\"targets_missed\":{\"metrics\":[\"sales\"]}}", "rules.targets_missed.metrics"},
        {"{\"targets_missed\":{\"metrics\":[\"visits\",\"visits\"]}}",
         "rules.targets_missed.metrics"},
        {"{\"targets_missed\":{\"metrics\":\"some\"}}", "rules.targets_missed.metrics"},
        {"{\"targets_missed\":{\"metrics\":[3]}}", "rules.targets_missed.metrics"},
        {"{\"targets_missed\":{\"min_attainment_pct\":0}}",
         "rules.targets_missed.min_attainment_pct"},
        {"{\"targets_missed\":{\"at\":\"9:30pm\"}}", "rules.targets_missed.at"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        alert_config_t c, before;
        alert_config_defaults(&c, 5000000);
        before = c;
        nq_field_errors_t errs = {0};
        json_t *canon = (json_t *)1;
        json_t *o = parse(bad[i].json);
        CU_ASSERT_EQUAL(alert_config_apply(&c, o, &canon, &errs), -1);
        CU_ASSERT_PTR_NULL(canon);
        CU_ASSERT_EQUAL_FATAL(errs.n >= 1, 1);
        if (strcmp(errs.items[0].field, bad[i].field) != 0)
            fprintf(stderr, "\n    %s: field %s, want %s\n", bad[i].json, errs.items[0].field,
                    bad[i].field);
        CU_ASSERT_STRING_EQUAL(errs.items[0].field, bad[i].field);
        CU_ASSERT_EQUAL(memcmp(&c, &before, sizeof(c)), 0);
        json_decref(o);
    }
}

/* targets_missed's metrics: a list of names is a mask, "all" every metric; both read back. */
static void test_settings_metrics(void)
{
    alert_config_t c;
    alert_config_defaults(&c, 5000000);
    int r = idx("targets_missed");
    CU_ASSERT_EQUAL(c.rule[r].v[2], ALERT_METRICS_ALL);
    nq_field_errors_t errs = {0};
    json_t *canon = NULL;
    json_t *o = parse("{\"targets_missed\":{\"metrics\":[\"visits\",\"sales_amount\"],"
                      "\"min_attainment_pct\":90,\"at\":\"08:15\"}}");
    CU_ASSERT_EQUAL_FATAL(alert_config_apply(&c, o, &canon, &errs), 0);
    CU_ASSERT_EQUAL(c.rule[r].v[2], (1LL << NQ_METRIC_SALES_AMOUNT) | (1LL << NQ_METRIC_VISITS));
    CU_ASSERT_EQUAL(c.rule[r].v[1], 90);
    CU_ASSERT_EQUAL(c.rule[r].v[0], 8 * 60 + 15);
    char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
    CU_ASSERT_STRING_EQUAL(text, "{\"targets_missed\":{\"at\":\"08:15\",\"metrics\":"
                                 "[\"sales_amount\",\"visits\"],\"min_attainment_pct\":90}}");
    free(text);
    json_decref(canon);
    json_decref(o);
    o = parse("{\"targets_missed\":{\"metrics\":\"all\"}}");
    CU_ASSERT_EQUAL_FATAL(alert_config_apply(&c, o, NULL, &errs), 0);
    CU_ASSERT_EQUAL(c.rule[r].v[2], ALERT_METRICS_ALL);
    json_decref(o);
    alert_config_t d;
    alert_config_defaults(&d, 5000000);
    json_t *list = alert_config_json(&d, &d);
    json_t *p = json_object_get(json_array_get(list, (size_t)r), "params");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "metrics")), "all");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "at")), "09:30");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(p, "min_attainment_pct")), 100);
    json_decref(list);
}

static void test_settings_json(void)
{
    alert_config_t d, e;
    alert_config_defaults(&d, 5000000);
    e = d;
    e.rule[idx("big_order")].v[0] = 9900000;
    json_t *list = alert_config_json(&e, &d);
    CU_ASSERT_EQUAL(json_array_size(list), alert_rules_count);
    json_t *big = json_array_get(list, (size_t)idx("big_order"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(big, "rule")), "big_order");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(big, "kind")), "event");
    json_t *p = json_object_get(big, "params");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "min_amount")), "99000.00");
    p = json_object_get(json_object_get(big, "defaults"), "params");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "min_amount")), "50000.00");
    json_t *t = json_array_get(list, (size_t)idx("urgent_ticket"));
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(t, "params"), "min_priority")), "high");
    json_decref(list);
}

/* ---- escalation -------------------------------------------------------------------- */

/* Defaults by severity; a team's minutes, 0 and the rule off; the deadline. */
static void test_escalate_settings(void)
{
    alert_config_t c;
    alert_config_defaults(&c, 0);
    for (size_t i = 0; i < alert_rules_count; i++)
        CU_ASSERT_EQUAL(c.rule[i].escalate_min, strcmp(alert_rules[i].severity, "info") == 0
                                                    ? 0
                                                    : ALERT_ESCALATE_DEFAULT_MIN);
    const alert_settings_t *big = &c.rule[idx("big_order")];
    CU_ASSERT_EQUAL(alert_escalate_due(big, RAISED_AT, 60000), RAISED_AT + 60 * 60000);
    CU_ASSERT_EQUAL(alert_escalate_due(big, RAISED_AT, 100), RAISED_AT + 60 * 100);
    nq_field_errors_t errs = {0};
    json_t *canon = NULL;
    json_t *o = parse("{\"big_order\":{\"escalate_after_min\":15},"
                      "\"negative_feedback\":{\"escalate_after_min\":0},"
                      "\"urgent_ticket\":{\"escalate_after_min\":10080}}");
    CU_ASSERT_EQUAL_FATAL(alert_config_apply(&c, o, &canon, &errs), 0);
    char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
    CU_ASSERT_STRING_EQUAL(text, "{\"big_order\":{\"escalate_after_min\":15},"
                                 "\"negative_feedback\":{\"escalate_after_min\":0},"
                                 "\"urgent_ticket\":{\"escalate_after_min\":10080}}");
    free(text);
    CU_ASSERT_EQUAL(alert_escalate_due(big, RAISED_AT, 60000), RAISED_AT + 15 * 60000);
    CU_ASSERT_EQUAL(alert_escalate_due(&c.rule[idx("negative_feedback")], RAISED_AT, 60000), 0);
    CU_ASSERT_EQUAL(alert_escalate_due(&c.rule[idx("urgent_ticket")], RAISED_AT, 60000),
                    RAISED_AT + 7LL * 86400000);
    c.rule[idx("big_order")].enabled = false;
    CU_ASSERT_EQUAL(alert_escalate_due(big, RAISED_AT, 60000), 0);
    /* The API shows the value and the default. */
    alert_config_t d;
    alert_config_defaults(&d, 0);
    json_t *list = alert_config_json(&c, &d);
    json_t *row = json_array_get(list, (size_t)idx("big_order"));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(row, "escalate_after_min")), 15);
    CU_ASSERT_EQUAL(
        json_integer_value(json_object_get(json_object_get(row, "defaults"), "escalate_after_min")),
        ALERT_ESCALATE_DEFAULT_MIN);
    json_decref(list);
    json_decref(canon);
    json_decref(o);
}

/* ---- lifecycle ------------------------------------------------------------------ */

static Nq__Alert *stored_alert(void)
{
    /* As the gateway has it: unpacked by protobuf-c (fields malloc'ed). */
    Nq__Alert a = NQ__ALERT__INIT;
    a.rule = "big_order";
    a.state = "open";
    a.has_version = 1;
    a.version = 1;
    uint8_t buf[256];
    size_t len = nq__alert__pack(&a, buf);
    return nq__alert__unpack(NULL, len, buf);
}

static void test_lifecycle(void)
{
    static const struct {
        const char *steps[6]; /* actions in turn, then NULL */
        const char *state;    /* after the allowed ones */
        int refused;          /* index of the first refused step, -1 none */
    } paths[] = {
        {{"ack", "resolve"}, "resolved", -1},
        {{"resolve"}, "resolved", -1},
        {{"ack", "ack"}, "acknowledged", 1},
        {{"resolve", "ack"}, "resolved", 1},
        {{"resolve", "resolve"}, "resolved", 1},
        {{"assign", "ack", "assign", "resolve", "assign"}, "resolved", 4},
        {{"comment", "resolve", "comment"}, "resolved", -1},
    };
    for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
        Nq__Alert *a = stored_alert();
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        int refused = -1;
        for (int i = 0; paths[p].steps[i]; i++) {
            alert_action_t act;
            CU_ASSERT_EQUAL_FATAL(alert_action_find(paths[p].steps[i], &act), 0);
            alert_input_t in = {"sp-lina", act == ALERT_COMMENT ? "看过了" : NULL, "coord-1"};
            const char *why = NULL;
            int32_t v = a->version;
            if (alert_act(a, act, &in, RAISED_AT + i, &why) != 0) {
                if (refused < 0)
                    refused = i;
                CU_ASSERT_PTR_NOT_NULL(why);
                CU_ASSERT_EQUAL(a->version, v); /* untouched */
            } else {
                CU_ASSERT_EQUAL(a->version, v + 1);
                CU_ASSERT_EQUAL(a->updated_at, RAISED_AT + i);
            }
        }
        CU_ASSERT_EQUAL(refused, paths[p].refused);
        CU_ASSERT_STRING_EQUAL(a->state, paths[p].state);
        nq__alert__free_unpacked(a, NULL);
    }
    /* What each action sets. */
    Nq__Alert *a = stored_alert();
    alert_input_t in = {"sp-lina", NULL, NULL};
    const char *why;
    CU_ASSERT_EQUAL(alert_act(a, ALERT_ASSIGN, &in, RAISED_AT, &why), 0);
    CU_ASSERT_STRING_EQUAL(a->assignee, "sp-lina");
    CU_ASSERT_STRING_EQUAL(a->change, "assigned");
    CU_ASSERT_STRING_EQUAL(a->state, "open");
    alert_input_t note = {NULL, "客户已回电", "coord-1"};
    CU_ASSERT_EQUAL(alert_act(a, ALERT_ACK, &note, RAISED_AT + 5, &why), 0);
    CU_ASSERT_EQUAL(a->acknowledged_at, RAISED_AT + 5);
    CU_ASSERT_EQUAL_FATAL(a->n_comments, 1);
    CU_ASSERT_STRING_EQUAL(a->comments[0]->text, "客户已回电");
    CU_ASSERT_STRING_EQUAL(a->comments[0]->author, "coord-1");
    CU_ASSERT_EQUAL(alert_act(a, ALERT_RESOLVE, &in, RAISED_AT + 9, &why), 0);
    CU_ASSERT_EQUAL(a->resolved_at, RAISED_AT + 9);
    CU_ASSERT_STRING_EQUAL(a->change, "resolved");
    /* Through the wire and back. */
    uint8_t buf[512];
    size_t len = nq__alert__pack(a, buf);
    Nq__Alert *b = nq__alert__unpack(NULL, len, buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->state, "resolved");
    CU_ASSERT_EQUAL(b->version, 4);
    nq__alert__free_unpacked(b, NULL);
    nq__alert__free_unpacked(a, NULL);
    alert_action_t act;
    CU_ASSERT_EQUAL(alert_action_find("close", &act), -1);
    CU_ASSERT_EQUAL(alert_action_find(NULL, &act), -1);
    CU_ASSERT_TRUE(alert_state_valid("acknowledged"));
    CU_ASSERT_FALSE(alert_state_valid("closed"));
}

/* Escalation: open alerts once; acknowledged, resolved or escalated ones not;
 * which changes take an alert off the clock. */
static void test_lifecycle_escalate(void)
{
    const char *why = NULL;
    Nq__Alert *a = stored_alert();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_FALSE(alert_escalation_stops(a));
    alert_input_t in = {"sp-lina", "看一下", NULL};
    CU_ASSERT_EQUAL(alert_act(a, ALERT_ASSIGN, &in, RAISED_AT + 1, &why), 0);
    CU_ASSERT_FALSE(alert_escalation_stops(a)); /* assigned: still on the clock */
    CU_ASSERT_EQUAL(alert_escalate(a, RAISED_AT + 7, &why), 0);
    CU_ASSERT_STRING_EQUAL(a->state, "open");
    CU_ASSERT_STRING_EQUAL(a->change, "escalated");
    CU_ASSERT_EQUAL(a->escalated_at, RAISED_AT + 7);
    CU_ASSERT_EQUAL(a->updated_at, RAISED_AT + 7);
    CU_ASSERT_EQUAL(a->version, 3);
    CU_ASSERT_TRUE(alert_escalation_stops(a));
    CU_ASSERT_EQUAL(alert_escalate(a, RAISED_AT + 9, &why), -1); /* once */
    CU_ASSERT_EQUAL(a->version, 3);
    CU_ASSERT_EQUAL(a->escalated_at, RAISED_AT + 7);
    alert_input_t none = {NULL, NULL, NULL};
    CU_ASSERT_EQUAL(alert_act(a, ALERT_ACK, &none, RAISED_AT + 10, &why), 0); /* still ackable */
    nq__alert__free_unpacked(a, NULL);
    static const alert_action_t before[] = {ALERT_ACK, ALERT_RESOLVE};
    for (size_t i = 0; i < 2; i++) {
        a = stored_alert();
        CU_ASSERT_EQUAL(alert_act(a, before[i], &none, RAISED_AT, &why), 0);
        CU_ASSERT_TRUE(alert_escalation_stops(a));
        CU_ASSERT_EQUAL(alert_escalate(a, RAISED_AT + 1, &why), -1);
        CU_ASSERT_FALSE(a->has_escalated_at);
        nq__alert__free_unpacked(a, NULL);
    }
}

static void test_lifecycle_input(void)
{
    static const struct {
        alert_action_t act;
        const char *body;  /* NULL: none */
        const char *field; /* NULL: accepted */
    } inputs[] = {
        {ALERT_ACK, NULL, NULL},
        {ALERT_ACK, "{}", NULL},
        {ALERT_ACK, "{\"comment\":\"ok\",\"author\":\"coord-1\"}", NULL},
        {ALERT_ACK, "{\"assignee\":\"sp-1\"}", "assignee"},
        {ALERT_ACK, "{\"comment\":\"\"}", "comment"},
        {ALERT_ACK, "{\"author\":\"a b\"}", "author"},
        {ALERT_ASSIGN, "{}", "assignee"},
        {ALERT_ASSIGN, NULL, "assignee"},
        {ALERT_ASSIGN, "{\"assignee\":\"sp-lina\"}", NULL},
        {ALERT_ASSIGN, "{\"assignee\":7}", "assignee"},
        {ALERT_COMMENT, "{\"author\":\"x\"}", "text"},
        {ALERT_COMMENT, "{\"text\":\"客户投诉已处理\"}", NULL},
        {ALERT_RESOLVE, "[1]", "body"},
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        json_t *body = inputs[i].body ? parse(inputs[i].body) : NULL;
        alert_input_t in;
        nq_field_errors_t errs = {0};
        int rc = alert_input_parse(inputs[i].act, body, &in, &errs);
        CU_ASSERT_EQUAL(rc, inputs[i].field ? -1 : 0);
        if (inputs[i].field && errs.n)
            CU_ASSERT_STRING_EQUAL(errs.items[0].field, inputs[i].field);
        json_decref(body);
    }
    /* A comment too long for the store. */
    char *big = malloc(ALERT_TEXT_MAX + 40);
    snprintf(big, 20, "{\"text\":\"");
    memset(big + 9, 'x', ALERT_TEXT_MAX + 1);
    strcpy(big + 10 + ALERT_TEXT_MAX, "\"}");
    json_t *body = parse(big);
    alert_input_t in;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL(alert_input_parse(ALERT_COMMENT, body, &in, &errs), -1);
    json_decref(body);
    free(big);
}

/* How many log entries the next read asks for, after a read that asked and got so many. */
static void test_read_count(void)
{
    static const struct {
        int asked;
        size_t got;
        int next;
        int min, max; /* the bounds (the log's: 32, 256) */
    } rows[] = {
        {32, 0, 32, 32, 256},       /* nothing new at rest: stays at the floor */
        {32, 5, 32, 32, 256},       /* a few: stays */
        {32, 32, 64, 32, 256},      /* full: behind a backlog, doubles */
        {128, 128, 256, 32, 256},   /* full again */
        {256, 256, 256, 32, 256},   /* never above the cap */
        {256, 100, 256, 32, 256},   /* more than a quarter: keeps the size */
        {256, 63, 128, 32, 256},    /* under a quarter: halves */
        {64, 15, 32, 32, 256},      /* halves back to the floor */
        {0, 0, 32, 32, 256},        /* nothing asked yet (start): the floor */
        {1000, 2000, 256, 32, 256}, /* out of range asked: clamped */
        {32, 32, 32, 32, 32},       /* a fixed size (the signals): full stays */
        {32, 0, 32, 32, 32},        /* empty stays */
        {8, 8, 16, 4, 16},          /* other bounds: doubles up to their cap */
        {16, 16, 16, 4, 16},        /* and no further */
        {16, 3, 8, 4, 16},          /* halves under a quarter */
        {4, 0, 4, 4, 16},           /* down to their floor */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        CU_ASSERT_EQUAL(alert_read_count(rows[i].asked, rows[i].got, rows[i].min, rows[i].max),
                        rows[i].next);
    }
}

static CU_TestInfo rule_tests[] = {
    {"rule table", test_table},
    {"event rules' titles in both languages (catalogue)", test_rule_titles},
    {"big_order fires at and above the threshold", test_threshold},
    {"big_order ignores non-orders and orders without amount", test_not_an_order},
    {"draft: subject, ids, titles in yuan", test_draft},
    {"draft is rebuilt each time", test_draft_fresh_each_time},
    {"draft keeps the longest ids whole", test_draft_long_ids},
    {"draft to proto", test_to_proto},
    {"recency window of an event", test_event_recent},
    {"event-time rules fire for recent events only", test_fires_recent_only},
    {"every rule at the edges of its settings", test_rule_cases},
    {"titles and numbers of the new rules", test_rule_texts},
    {"log entries per read grow behind a backlog, shrink at rest", test_read_count},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo settings_tests[] = {
    {"company defaults", test_settings_defaults},
    {"team overrides and their canonical form", test_settings_apply},
    {"bad overrides are refused naming the field", test_settings_errors},
    {"the rules as the API shows them", test_settings_json},
    {"targets_missed's metrics: names, \"all\", read back", test_settings_metrics},
    {"company defaults from the configuration: rules off, unknown rule", test_settings_company},
    {"escalate_after_min: defaults, overrides, deadline", test_escalate_settings},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo lifecycle_tests[] = {
    {"transitions allowed and refused", test_lifecycle},
    {"escalation once, only while open", test_lifecycle_escalate},
    {"action bodies", test_lifecycle_input},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"alert rules", NULL, NULL, NULL, NULL, rule_tests},
    {"alert settings", NULL, NULL, NULL, NULL, settings_tests},
    {"alert lifecycle", NULL, NULL, NULL, NULL, lifecycle_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
