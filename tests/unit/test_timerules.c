/* test_timerules.c — services/alerting/timerules.h: what events do to the
 * deadlines of the timer rules, and what a due deadline does (table-driven,
 * with the edges of local days and SLA hours), their titles, and the
 * automatic resolve of lifecycle.h. */
#include <stdlib.h>
#include <string.h>

#include "alerting/lifecycle.h"
#include "alerting/rules.h"
#include "alerting/settings.h"
#include "alerting/timergroup.h"
#include "alerting/timermerge.h"
#include "alerting/timerules.h"
#include "followup.h"
#include "nq_test.h"

#define VISIT_AT 1795658400000LL /* 2026-11-26 10:00 +08:00 */
#define DEC4     1796313600000LL /* 2026-12-04 00:00 +08:00: 7 days after the 26th */
#define NOV28    1795795200000LL /* 2026-11-28 00:00 +08:00 */
#define HOUR     3600000LL
#define DAY      86400000LL

static int64_t zone(void)
{
    return followup_zone_offset();
}

static const alert_rule_t *rule(const char *key)
{
    const alert_rule_t *r = alert_rule_find(key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

static const alert_settings_t *settings_of(const alert_config_t *c, const char *key)
{
    return &c->rule[rule(key) - alert_rules];
}

static Nq__Activity event(const char *type, const char *customer, const char *ticket,
                          const char *priority)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT;
    ev.event_id = "ev-1";
    ev.type = (char *)type;
    ev.salesperson_id = "sp-zhangwei";
    ev.customer_id = (char *)customer;
    ev.ticket_id = (char *)ticket;
    ev.priority = (char *)priority;
    ev.has_occurred_at = 1;
    ev.occurred_at = VISIT_AT;
    return ev;
}

static void test_zone(void)
{
    CU_ASSERT_EQUAL(zone(), 8 * HOUR); /* Asia/Shanghai */
}

/* Each event type against the deadlines it sets or clears. */
static void test_plan_table(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    static const struct {
        const char *type, *customer, *ticket, *priority;
        size_t n;
        const char *rule0;
        timer_op_t op0;
        int64_t due0;
        const char *rule1;
        int64_t due1;
    } rows[] = {
        {"visit", "cust-1", NULL, NULL, 2, "customer_not_visited", TIMER_SET, DEC4, "followup_due",
         NOV28},
        {"call", "cust-1", NULL, NULL, 2, "customer_not_visited", TIMER_SET, DEC4, "followup_due",
         NOV28},
        {"meeting", "cust-1", NULL, NULL, 2, "customer_not_visited", TIMER_SET, DEC4,
         "followup_due", NOV28},
        {"visit", NULL, NULL, NULL, 0, NULL, TIMER_SET, 0, NULL, 0},     /* no customer */
        {"visit", "", NULL, NULL, 0, NULL, TIMER_SET, 0, NULL, 0},       /* empty customer */
        {"order", "cust-1", NULL, NULL, 0, NULL, TIMER_SET, 0, NULL, 0}, /* not a contact */
        {"ticket_opened", "cust-1", "tk-1", "urgent", 1, "ticket_sla", TIMER_SET,
         VISIT_AT + 4 * HOUR, NULL, 0},
        {"ticket_opened", "cust-1", "tk-1", "high", 1, "ticket_sla", TIMER_SET,
         VISIT_AT + 24 * HOUR, NULL, 0},
        {"ticket_opened", "cust-1", "tk-1", "normal", 1, "ticket_sla", TIMER_SET,
         VISIT_AT + 72 * HOUR, NULL, 0},
        {"ticket_opened", "cust-1", "tk-1", "low", 0, NULL, TIMER_SET, 0, NULL, 0}, /* no SLA */
        {"ticket_opened", "cust-1", NULL, "urgent", 0, NULL, TIMER_SET, 0, NULL, 0},
        {"ticket_closed", "cust-1", "tk-1", NULL, 1, "ticket_sla", TIMER_CLEAR, 0, NULL, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        Nq__Activity ev = event(rows[i].type, rows[i].customer, rows[i].ticket, rows[i].priority);
        timer_plan_t p[TIMER_PLANS_MAX];
        size_t n = timer_plan_event(&ev, &cfg, zone(), p);
        CU_ASSERT_EQUAL(n, rows[i].n);
        if (n != rows[i].n || n == 0)
            continue;
        CU_ASSERT_STRING_EQUAL(p[0].rule, rows[i].rule0);
        CU_ASSERT_EQUAL(p[0].op, rows[i].op0);
        CU_ASSERT_EQUAL(p[0].due, rows[i].due0);
        CU_ASSERT_EQUAL(p[0].at, VISIT_AT);
        CU_ASSERT_STRING_EQUAL(p[0].subject, rows[i].ticket ? rows[i].ticket : rows[i].customer);
        /* a contact and a close clear the condition; an opening does not */
        CU_ASSERT_EQUAL(p[0].resolves, strcmp(rows[i].type, "ticket_opened") != 0);
        if (n > 1) {
            CU_ASSERT_STRING_EQUAL(p[1].rule, rows[i].rule1);
            CU_ASSERT_EQUAL(p[1].due, rows[i].due1);
        }
    }
}

static void test_plan_settings(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    Nq__Activity ev = event("visit", "cust-1", NULL, NULL);
    timer_plan_t p[TIMER_PLANS_MAX];
    /* the fewest days of any class of the team: potential 3 */
    alert_settings_t *nv = (alert_settings_t *)settings_of(&cfg, "customer_not_visited");
    nv->v[2] = 3;
    CU_ASSERT_EQUAL_FATAL(timer_plan_event(&ev, &cfg, zone(), p), 2);
    CU_ASSERT_EQUAL(p[0].due, NOV28 + 2 * DAY);
    /* a rule off sets no deadline */
    nv->enabled = false;
    CU_ASSERT_EQUAL_FATAL(timer_plan_event(&ev, &cfg, zone(), p), 1);
    CU_ASSERT_STRING_EQUAL(p[0].rule, "followup_due");
    /* no time: nothing */
    ev.has_occurred_at = 0;
    CU_ASSERT_EQUAL(timer_plan_event(&ev, &cfg, zone(), p), 0);
    /* a ticket close clears even with the rule off (its alert still resolves) */
    alert_settings_t *sla = (alert_settings_t *)settings_of(&cfg, "ticket_sla");
    sla->enabled = false;
    Nq__Activity closed = event("ticket_closed", "cust-1", "tk-1", NULL);
    CU_ASSERT_EQUAL(timer_plan_event(&closed, &cfg, zone(), p), 1);
    Nq__Activity opened = event("ticket_opened", "cust-1", "tk-1", "urgent");
    CU_ASSERT_EQUAL(timer_plan_event(&opened, &cfg, zone(), p), 0);
}

static timer_facts_t customer_facts(const char *cls, int64_t last, int64_t followup)
{
    timer_facts_t f = {0};
    f.found = true;
    f.cls = followup_class(cls);
    f.last_contact = last;
    f.followup_due = followup;
    f.cadence_days = 7;
    f.owner = "sp-lina";
    f.customer = "cust-1";
    return f;
}

/* customer_not_visited by class, at the edges of the local day. */
static void test_check_not_visited(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    const alert_rule_t *r = rule("customer_not_visited");
    const alert_settings_t *s = settings_of(&cfg, r->key);
    static const struct {
        const char *cls;
        int64_t last, now;
        timer_verdict_t verdict;
        int64_t due;
        int days, max_days;
    } rows[] = {
        {"key", VISIT_AT, DEC4 - 1, TIMER_LATER, DEC4, 0, 0},
        {"key", VISIT_AT, DEC4, TIMER_FIRE, DEC4, 8, 7},
        {"key", VISIT_AT, DEC4 + DAY, TIMER_FIRE, DEC4, 9, 7},
        {"potential", VISIT_AT, DEC4, TIMER_LATER, DEC4 + 7 * DAY, 0, 0},
        {"potential", VISIT_AT, DEC4 + 7 * DAY, TIMER_FIRE, DEC4 + 7 * DAY, 15, 14},
        {"normal", VISIT_AT, DEC4 + 22 * DAY, TIMER_LATER, DEC4 + 23 * DAY, 0, 0},
        {"normal", VISIT_AT, DEC4 + 23 * DAY, TIMER_FIRE, DEC4 + 23 * DAY, 31, 30},
        {"vip", VISIT_AT, DEC4 + 99 * DAY, TIMER_DROP, 0, 0, 0}, /* unknown class */
        {"key", 0, DEC4, TIMER_DROP, 0, 0, 0},                   /* never contacted */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        timer_facts_t f = customer_facts(rows[i].cls, rows[i].last, 0);
        int64_t due = 0;
        alert_draft_t d;
        timer_verdict_t v = timer_check(r, &f, s, rows[i].now, zone(), &due, &d);
        CU_ASSERT_EQUAL(v, rows[i].verdict);
        if (v == TIMER_DROP)
            continue;
        CU_ASSERT_EQUAL(due, rows[i].due);
        if (v != TIMER_FIRE)
            continue;
        CU_ASSERT_EQUAL(d.days, rows[i].days);
        CU_ASSERT_EQUAL(d.max_days, rows[i].max_days);
        CU_ASSERT_STRING_EQUAL(d.rule, "customer_not_visited");
        CU_ASSERT_STRING_EQUAL(d.subject, "cust-1");
        CU_ASSERT_STRING_EQUAL(d.window, "1795658400000");   /* once per last contact */
        CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-lina"); /* the owner */
        CU_ASSERT_STRING_EQUAL(d.customer_class, rows[i].cls);
        CU_ASSERT_EQUAL(d.occurred_at, VISIT_AT);
    }
    /* unknown customer, or the rule off: nothing to wait for */
    timer_facts_t f = customer_facts("key", VISIT_AT, 0);
    int64_t due;
    alert_draft_t d;
    f.found = false;
    CU_ASSERT_EQUAL(timer_check(r, &f, s, DEC4, zone(), &due, &d), TIMER_DROP);
    f.found = true;
    alert_settings_t off = *s;
    off.enabled = false;
    CU_ASSERT_EQUAL(timer_check(r, &f, &off, DEC4, zone(), &due, &d), TIMER_DROP);
}

/* followup_due: the date the customers service stores. */
static void test_check_followup(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    const alert_rule_t *r = rule("followup_due");
    const alert_settings_t *s = settings_of(&cfg, r->key);
    int64_t due = 0;
    alert_draft_t d;
    timer_facts_t f = customer_facts("normal", VISIT_AT, 0);
    CU_ASSERT_EQUAL(timer_check(r, &f, s, DEC4, zone(), &due, &d), TIMER_DROP);
    f = customer_facts("normal", VISIT_AT, DEC4);
    CU_ASSERT_EQUAL(timer_check(r, &f, s, DEC4 - 1, zone(), &due, &d), TIMER_LATER);
    CU_ASSERT_EQUAL(due, DEC4);
    CU_ASSERT_EQUAL(timer_check(r, &f, s, DEC4, zone(), &due, &d), TIMER_FIRE);
    CU_ASSERT_STRING_EQUAL(d.window, "1796313600000"); /* once per due date */
    CU_ASSERT_EQUAL(d.days, 8);
    CU_ASSERT_EQUAL(d.max_days, 7);
    CU_ASSERT_STRING_EQUAL(d.severity, "info");
}

/* ticket_sla by priority, at the edge of the hour. */
static void test_check_sla(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    const alert_rule_t *r = rule("ticket_sla");
    const alert_settings_t *s = settings_of(&cfg, r->key);
    static const struct {
        const char *priority;
        int64_t after;
        timer_verdict_t verdict;
        int hours;
        const char *severity;
    } rows[] = {
        {"urgent", 4 * HOUR - 1, TIMER_LATER, 4, NULL},
        {"urgent", 4 * HOUR, TIMER_FIRE, 4, "critical"},
        {"urgent", 5 * HOUR, TIMER_FIRE, 4, "critical"},
        {"high", 24 * HOUR - 1, TIMER_LATER, 24, NULL},
        {"high", 24 * HOUR, TIMER_FIRE, 24, "warning"},
        {"normal", 72 * HOUR, TIMER_FIRE, 72, "warning"},
        {"low", 999 * HOUR, TIMER_DROP, 0, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        Nq__Activity ev = event("ticket_opened", "cust-1", "tk-1", rows[i].priority);
        timer_facts_t f = {0};
        f.found = true;
        f.opened = &ev;
        f.owner = "sp-lina";
        f.customer = "cust-1";
        int64_t due = 0;
        alert_draft_t d;
        timer_verdict_t v = timer_check(r, &f, s, VISIT_AT + rows[i].after, zone(), &due, &d);
        CU_ASSERT_EQUAL(v, rows[i].verdict);
        if (v == TIMER_DROP)
            continue;
        CU_ASSERT_EQUAL(due, VISIT_AT + rows[i].hours * HOUR);
        if (v != TIMER_FIRE)
            continue;
        CU_ASSERT_STRING_EQUAL(d.severity, rows[i].severity);
        CU_ASSERT_EQUAL(d.max_hours, rows[i].hours);
        CU_ASSERT_EQUAL(d.hours, (int)(rows[i].after / HOUR));
        CU_ASSERT_STRING_EQUAL(d.subject, "tk-1");
        CU_ASSERT_STRING_EQUAL(d.window, "");
        CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-lina");
    }
}

static void test_local_days(void)
{
    int64_t midnight = NOV28;
    CU_ASSERT_EQUAL(timer_local_days(midnight - 1, midnight, zone()), 1);
    CU_ASSERT_EQUAL(timer_local_days(midnight, midnight + DAY - 1, zone()), 0);
    CU_ASSERT_EQUAL(timer_local_days(VISIT_AT, DEC4, zone()), 8);
    CU_ASSERT_EQUAL(timer_local_days(DEC4, VISIT_AT, zone()), -8);
}

static void test_member(void)
{
    char m[TIMER_MEMBER_MAX];
    const char *subject = NULL;
    CU_ASSERT_EQUAL(timer_member(m, sizeof(m), "ticket_sla", "tk|1"), 0);
    CU_ASSERT_STRING_EQUAL(m, "ticket_sla|tk|1");
    CU_ASSERT_PTR_EQUAL(timer_member_parse(m, &subject), rule("ticket_sla"));
    CU_ASSERT_STRING_EQUAL(subject, "tk|1");
    CU_ASSERT_PTR_NULL(timer_member_parse("big_order|x", &subject)); /* not a timer rule */
    CU_ASSERT_PTR_NULL(timer_member_parse("nope|x", &subject));
    CU_ASSERT_PTR_NULL(timer_member_parse("followup_due|", &subject));
    CU_ASSERT_PTR_NULL(timer_member_parse("followup_due", &subject));
    CU_ASSERT_PTR_NULL(timer_member_parse("|x", &subject));
    CU_ASSERT_EQUAL(timer_member(m, 8, "followup_due", "cust-1"), -1);
}

static void test_titles(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    const alert_rule_t *r = rule("customer_not_visited");
    timer_facts_t f = customer_facts("key", VISIT_AT, 0);
    int64_t due;
    alert_draft_t d;
    CU_ASSERT_EQUAL_FATAL(
        timer_check(r, &f, settings_of(&cfg, r->key), DEC4 + DAY, zone(), &due, &d), TIMER_FIRE);
    alert_names_t n = {"李娜", "华联超市", "华东一组"};
    r->describe(&d, &n);
    CU_ASSERT_STRING_EQUAL(d.title, "重点客户 华联超市 已 9 天未拜访（要求 7 天）");
    CU_ASSERT_STRING_EQUAL(d.title_en,
                           "Key customer 华联超市 not visited for 9 days (limit 7 days)");
    CU_ASSERT_STRING_EQUAL(d.explanation,
                           "最近一次拜访、电话或会面在 2026-11-26；李娜 应每 7 天跟进一次。");
    CU_ASSERT_STRING_EQUAL(d.link, "/customers/cust-1");

    r = rule("ticket_sla");
    Nq__Activity ev = event("ticket_opened", "cust-1", "tk-9", "urgent");
    timer_facts_t t = {0};
    t.found = true;
    t.opened = &ev;
    t.customer = "cust-1";
    t.owner = "";
    CU_ASSERT_EQUAL_FATAL(
        timer_check(r, &t, settings_of(&cfg, r->key), VISIT_AT + 5 * HOUR, zone(), &due, &d),
        TIMER_FIRE);
    r->describe(&d, &n);
    CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-zhangwei"); /* no owner: who opened it */
    CU_ASSERT_STRING_EQUAL(d.title, "工单 tk-9 超过 4 小时未关闭：李娜 的客户 华联超市");
    CU_ASSERT_STRING_EQUAL(d.explanation, "该紧急优先级工单已开 5 小时，时限为 4 小时。");

    r = rule("followup_due");
    f = customer_facts("normal", VISIT_AT, DEC4);
    CU_ASSERT_EQUAL_FATAL(timer_check(r, &f, settings_of(&cfg, r->key), DEC4, zone(), &due, &d),
                          TIMER_FIRE);
    r->describe(&d, &n);
    CU_ASSERT_STRING_EQUAL(d.title, "跟进逾期：李娜 的客户 华联超市，应于 2026-12-03 前跟进");
    CU_ASSERT_STRING_EQUAL(d.title_en,
                           "Follow-up overdue: 李娜's customer 华联超市, due by 2026-12-03");
}

/* The rows are in the table as timers, and never fire on an event. */
static void test_rows(void)
{
    static const char *const keys[] = {"customer_not_visited", "followup_due", "ticket_sla"};
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    for (size_t i = 0; i < 3; i++) {
        const alert_rule_t *r = rule(keys[i]);
        CU_ASSERT_EQUAL(r->kind, ALERT_KIND_TIMER);
        Nq__Activity ev = event("visit", "cust-1", "tk-1", "urgent");
        alert_draft_t d;
        CU_ASSERT_FALSE(
            alert_rule_fires(r, &ev, &cfg.rule[r - alert_rules], NULL, 0, VISIT_AT, &d));
    }
    CU_ASSERT_EQUAL(settings_of(&cfg, "customer_not_visited")->v[0], 7);
    CU_ASSERT_EQUAL(settings_of(&cfg, "customer_not_visited")->v[1], 30);
    CU_ASSERT_EQUAL(settings_of(&cfg, "customer_not_visited")->v[2], 14);
    CU_ASSERT_EQUAL(settings_of(&cfg, "ticket_sla")->v[2], 4);
    CU_ASSERT_TRUE(alert_type_watched("ticket_closed"));
    CU_ASSERT_TRUE(alert_type_watched("meeting"));
}

static void test_auto_resolve(void)
{
    Nq__Alert *a = malloc(sizeof(*a));
    nq__alert__init(a);
    a->state = strdup("acknowledged");
    a->has_version = 1;
    a->version = 2;
    const char *why = NULL;
    CU_ASSERT_EQUAL(alert_auto_resolve(a, DEC4, &why), 0);
    CU_ASSERT_STRING_EQUAL(a->state, "resolved");
    CU_ASSERT_STRING_EQUAL(a->resolve_reason, "auto");
    CU_ASSERT_STRING_EQUAL(a->change, "resolved");
    CU_ASSERT_EQUAL(a->version, 3);
    CU_ASSERT_EQUAL(a->resolved_at, DEC4);
    CU_ASSERT_TRUE(alert_escalation_stops(a));
    CU_ASSERT_EQUAL(alert_auto_resolve(a, DEC4 + 1, &why), -1);
    CU_ASSERT_EQUAL(a->version, 3);
    nq__alert__free_unpacked(a, NULL);
}

/* One change: rule, subject, set or clear, resolves, due, at; ev tags which event it was. */
#define CH(rule, subj, op, res, due, at, tag)                                                      \
    {                                                                                              \
        {rule, op, res, subj, due, at}, &evs[tag]                                                  \
    }

/* A cycle's changes folded per timer: what is left, in order. */
static void test_merge(void)
{
    static Nq__Activity evs[8];
    static const struct {
        const char *what;
        timer_change_t in[6];
        size_t n;
        timer_change_t out[6];
        size_t kept;
    } rows[] = {
        {"two timers: nothing to fold",
         {CH("followup_due", "c-1", TIMER_SET, true, 100, 10, 0),
          CH("followup_due", "c-2", TIMER_SET, true, 200, 20, 1)},
         2,
         {CH("followup_due", "c-1", TIMER_SET, true, 100, 10, 0),
          CH("followup_due", "c-2", TIMER_SET, true, 200, 20, 1)},
         2},
        {"sets of one timer: the latest deadline, the last event, the newest resolving time",
         {CH("followup_due", "c-1", TIMER_SET, true, 300, 30, 0),
          CH("customer_not_visited", "c-1", TIMER_SET, true, 50, 30, 1),
          CH("followup_due", "c-1", TIMER_SET, true, 100, 50, 2),
          CH("followup_due", "c-1", TIMER_SET, false, 200, 90, 3)},
         4,
         {CH("followup_due", "c-1", TIMER_SET, true, 300, 50, 3),
          CH("customer_not_visited", "c-1", TIMER_SET, true, 50, 30, 1)},
         2},
        {"a clear between sets: set, clear, then the later sets folded",
         {CH("ticket_sla", "tk-1", TIMER_SET, false, 100, 1, 0),
          CH("ticket_sla", "tk-1", TIMER_CLEAR, true, 0, 2, 1),
          CH("ticket_sla", "tk-1", TIMER_SET, false, 300, 3, 2),
          CH("ticket_sla", "tk-1", TIMER_SET, false, 200, 4, 3)},
         4,
         {CH("ticket_sla", "tk-1", TIMER_SET, false, 100, 1, 0),
          CH("ticket_sla", "tk-1", TIMER_CLEAR, true, 0, 2, 1),
          CH("ticket_sla", "tk-1", TIMER_SET, false, 300, 3, 3)},
         3},
        {"clears are never folded",
         {CH("ticket_sla", "tk-1", TIMER_CLEAR, true, 0, 1, 0),
          CH("ticket_sla", "tk-1", TIMER_CLEAR, true, 0, 2, 1)},
         2,
         {CH("ticket_sla", "tk-1", TIMER_CLEAR, true, 0, 1, 0),
          CH("ticket_sla", "tk-1", TIMER_CLEAR, true, 0, 2, 1)},
         2},
        {"a resolving set after one that does not: resolves, at its time",
         {CH("followup_due", "c-9", TIMER_SET, false, 100, 70, 0),
          CH("followup_due", "c-9", TIMER_SET, true, 100, 60, 1)},
         2,
         {CH("followup_due", "c-9", TIMER_SET, true, 100, 60, 1)},
         1},
        {"one change",
         {CH("followup_due", "c-1", TIMER_SET, true, 1, 1, 0)},
         1,
         {CH("followup_due", "c-1", TIMER_SET, true, 1, 1, 0)},
         1},
        {"none",
         {CH("followup_due", "c-1", TIMER_SET, true, 1, 1, 0)},
         0,
         {CH("followup_due", "c-1", TIMER_SET, true, 1, 1, 0)},
         0},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        timer_change_t c[6];
        memcpy(c, rows[r].in, sizeof(c));
        long kept = timer_changes_merge(c, rows[r].n);
        CU_ASSERT_EQUAL(kept, (long)rows[r].kept);
        for (size_t i = 0; kept == (long)rows[r].kept && i < rows[r].kept; i++) {
            const timer_plan_t *got = &c[i].plan, *want = &rows[r].out[i].plan;
            CU_ASSERT_STRING_EQUAL(got->rule, want->rule);
            CU_ASSERT_STRING_EQUAL(got->subject, want->subject);
            CU_ASSERT_EQUAL(got->op, want->op);
            CU_ASSERT_EQUAL(got->resolves, want->resolves);
            CU_ASSERT_EQUAL(got->due, want->due);
            CU_ASSERT_EQUAL(got->at, want->at);
            CU_ASSERT_PTR_EQUAL(c[i].ev, rows[r].out[i].ev);
        }
    }
}

static void test_group_start(void)
{
    static const struct {
        const char *what, *last, *oldest, *want; /* want NULL: -1 */
    } rows[] = {
        {"no \"alerting\" group: from the start", NULL, NULL, "0"},
        {"no \"alerting\" group, a pending id ignored", NULL, "5-0", "0"},
        {"nothing pending: its last-delivered id", "1700000000000-3", NULL, "1700000000000-3"},
        {"fresh \"alerting\": 0-0", "0-0", NULL, "0-0"},
        {"pending: just before the oldest", "1700000000900-0", "1700000000000-3",
         "1700000000000-2"},
        {"pending at seq 0: the millisecond before, last seq", "1700000000900-0", "1700000000000-0",
         "1699999999999-18446744073709551615"},
        {"pending at 0-1: 0-0", "0-5", "0-1", "0-0"},
        {"pending at 0-0 stays 0-0", "0-5", "0-0", "0-0"},
        {"an id without seq reads as seq 0", "12", "12", "11-18446744073709551615"},
        {"a last-delivered id that does not read", "abc", NULL, NULL},
        {"a pending id that does not read", "12-0", "12-x", NULL},
        {"a pending id with junk after", "12-0", "12-1z", NULL},
        {"a negative id", "12-0", "-1-0", NULL},
        {"an ms beyond 64 bits", "99999999999999999999-0", NULL, NULL},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        char out[64] = "";
        int rc = timer_group_start(rows[r].last, rows[r].oldest, out, sizeof(out));
        if (!rows[r].want) {
            CU_ASSERT_EQUAL(rc, -1);
            continue;
        }
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_STRING_EQUAL(out, rows[r].want);
    }
    char small[8];
    CU_ASSERT_EQUAL(timer_group_before("1700000000000-3", small, sizeof(small)), -1);
    CU_ASSERT_EQUAL(timer_group_start("1700000000000-3", NULL, small, sizeof(small)), -1);
}

static void test_type_watched(void)
{
    static const struct {
        const char *type;
        bool want;
    } rows[] = {
        {"visit", true},   {"ticket_opened", true},     {"ticket_closed", true}, {"invoice", true},
        {"payment", true}, {"competitor_intel", false}, {"no_such_type", false}, {"", false},
        {NULL, false},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
        CU_ASSERT_EQUAL(timer_type_watched(rows[r].type), rows[r].want);
}

static CU_TestInfo tests[] = {
    {"the zone", test_zone},
    {"events set and clear deadlines (table)", test_plan_table},
    {"a cycle's changes folded per timer (table)", test_merge},
    {"a team's settings move the planned deadline", test_plan_settings},
    {"customer_not_visited by class at day edges", test_check_not_visited},
    {"followup_due follows the stored date", test_check_followup},
    {"ticket_sla by priority at hour edges", test_check_sla},
    {"local days", test_local_days},
    {"timer members", test_member},
    {"bilingual titles", test_titles},
    {"timer rows in the rule table", test_rows},
    {"auto-resolve", test_auto_resolve},
    {"where the timers' group starts (table)", test_group_start},
    {"event types that move deadlines", test_type_watched},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"timer rules", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
