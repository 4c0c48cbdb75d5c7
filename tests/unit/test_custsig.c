/* test_custsig.c — the customer rules of alerting: the signals' rules
 * (services/alerting/custsig.h: credit_limit, pool_warning) and the
 * invoice_past_due timer (timerules.h) on receivables facts (nq/receivable.h),
 * table-driven with the edges of local days, grace days and payments applied
 * oldest first. */
#include <stdlib.h>
#include <string.h>

#include "alerting/custsig.h"
#include "alerting/rules.h"
#include "alerting/settings.h"
#include "alerting/timerules.h"
#include "followup.h"
#include "nq_test.h"

#define NOV01_10 1793498400000LL /* 2026-11-01 10:00 +08:00 */
#define NOV20_09 1795136400000LL /* 2026-11-20 09:00 */
#define NOV30    1795968000000LL /* 2026-11-30 00:00: an invoice's due date */
#define DEC01    1796054400000LL /* 2026-12-01 00:00: the first day past due */
#define DEC04    1796313600000LL /* 2026-12-04 00:00 */
#define DEC07_12 1796616000000LL /* 2026-12-07 12:00 */
#define DEC10    1796832000000LL /* 2026-12-10 00:00 */
#define DAY      86400000LL

static int64_t zone(void)
{
    return followup_zone_offset();
}

static const alert_settings_t *settings_of(const alert_config_t *c, const char *key)
{
    const alert_rule_t *r = alert_rule_find(key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return &c->rule[r - alert_rules];
}

/* ---- signals --------------------------------------------------------------- */

#define CREDIT(amount, balance, limit, order)                                                      \
    {                                                                                              \
        "kind", "credit_limit", "customer_id", "cust-hl", "salesperson_id", "sp-zw", "ref",        \
            "1796616000000-0/0", "order_id", order, "at", "1796616000000", "amount_fen", amount,   \
            "balance_fen", balance, "limit_fen", limit                                             \
    }

static void test_parse_table(void)
{
    static const struct {
        const char *fv[20];
        size_t n;
        int rc;
        const char *why; /* the field named when it fails */
    } rows[] = {
        {CREDIT("8000000", "15000000", "20000000", "O-1"), 18, 0, NULL},
        {CREDIT("8000000", "15000000", "20000000", ""), 18, 0, NULL}, /* no order id */
        {CREDIT("8000000", "15000000", "20000000", "O 1"), 18, -1, "order_id"},
        {CREDIT("80x", "15000000", "20000000", "O-1"), 18, -1, "amount_fen"},
        {CREDIT("", "15000000", "20000000", "O-1"), 18, -1, "amount_fen"},
        {CREDIT("8000000", "15000000", "99999999999999999999", "O-1"), 18, -1, "limit_fen"},
        {CREDIT("8000000", "15000000", "20000000", "O-1"), 16, -1, "limit_fen"}, /* cut short */
        {{"kind", "pool_warning", "customer_id", "cust-hl", "salesperson_id", "sp-zw", "team_id",
          "", "name", "华联超市", "due", "1796832000000", "days", "60"},
         14,
         0,
         NULL},
        {{"kind", "pool_warning", "customer_id", "cust-hl", "salesperson_id", "sp-zw", "team_id",
          "t-1", "name", "华联超市", "due", "1796832000000", "days", "-1"},
         14,
         -1,
         "days"},
        {{"kind", "pool_warning", "customer_id", "", "salesperson_id", "sp-zw", "team_id", "t-1",
          "name", "x", "due", "1", "days", "1"},
         14,
         -1,
         "customer_id"},
        {{"kind", "big_order", "customer_id", "cust-hl"}, 4, -1, "kind: not a known signal"},
        {{"customer_id", "cust-hl"}, 2, -1, "kind: not a known signal"},
        {{NULL}, 0, -1, "kind: not a known signal"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        custsig_t s;
        const char *why = "unset";
        CU_ASSERT_EQUAL(custsig_parse(&s, rows[i].fv, rows[i].n, &why), rows[i].rc);
        if (rows[i].why) {
            CU_ASSERT_STRING_EQUAL(why, rows[i].why);
        } else {
            CU_ASSERT_PTR_NULL(why);
        }
    }
    custsig_t s;
    const char *why;
    const char *fv[] = CREDIT("8000000", "15000000", "20000000", "O-1");
    CU_ASSERT_EQUAL_FATAL(custsig_parse(&s, fv, 18, &why), 0);
    CU_ASSERT_STRING_EQUAL(s.rule->key, "credit_limit");
    CU_ASSERT_EQUAL(s.amount_fen, 8000000);
    CU_ASSERT_EQUAL(s.balance_fen, 15000000);
    CU_ASSERT_EQUAL(s.limit_fen, 20000000);
    CU_ASSERT_EQUAL(s.at, DEC07_12);
    CU_ASSERT_STRING_EQUAL(s.ref, "1796616000000-0/0");
}

static custsig_t credit(void)
{
    custsig_t s;
    const char *why;
    const char *fv[] = CREDIT("8000000", "15000000", "20000000", "O-1");
    CU_ASSERT_EQUAL(custsig_parse(&s, fv, 18, &why), 0);
    return s;
}

static custsig_t pool(int64_t due, const char *days)
{
    custsig_t s;
    const char *why;
    char when[24];
    snprintf(when, sizeof(when), "%lld", (long long)due);
    const char *fv[] = {"kind",  "pool_warning", "customer_id", "cust-hl", "salesperson_id",
                        "sp-zw", "team_id",      "t-1",         "name",    "华联超市",
                        "due",   when,           "days",        days};
    CU_ASSERT_EQUAL(custsig_parse(&s, fv, 14, &why), 0);
    return s;
}

/* credit_limit: once per order (window its ref), only for a recent order. */
static void test_credit_draft(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    alert_settings_t on = *settings_of(&cfg, "credit_limit"), off = on;
    off.enabled = false;
    custsig_t s = credit();
    static const struct {
        int64_t recency, now;
        bool off, fires;
    } rows[] = {
        {0, DEC07_12 + 365 * DAY, false, true}, /* no recency: always */
        {DAY, DEC07_12, false, true},
        {DAY, DEC07_12 + DAY, false, true},      /* at the edge */
        {DAY, DEC07_12 + DAY + 1, false, false}, /* an old order's flag (a replay) */
        {DAY, DEC07_12 - DAY, false, true},      /* a clock behind */
        {0, DEC07_12, true, false},              /* the rule off */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        alert_draft_t d;
        CU_ASSERT_EQUAL(
            custsig_draft(&s, rows[i].off ? &off : &on, rows[i].recency, rows[i].now, zone(), &d),
            rows[i].fires);
    }
    alert_draft_t d;
    CU_ASSERT_FATAL(custsig_draft(&s, &on, 0, DEC07_12, zone(), &d));
    CU_ASSERT_STRING_EQUAL(d.rule, "credit_limit");
    CU_ASSERT_STRING_EQUAL(d.severity, "warning");
    CU_ASSERT_STRING_EQUAL(d.subject, "cust-hl");
    CU_ASSERT_STRING_EQUAL(d.window, "1796616000000-0/0");
    CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-zw");
    CU_ASSERT_STRING_EQUAL(d.order_id, "O-1");
    CU_ASSERT_EQUAL(d.amount_fen, 8000000);
    CU_ASSERT_EQUAL(d.balance_fen, 15000000);
    CU_ASSERT_EQUAL(d.threshold_fen, 20000000);
    CU_ASSERT_EQUAL(d.headroom_fen, 5000000);
    CU_ASSERT_TRUE(d.has_headroom);
    alert_names_t n = {"张伟", "华联超市", "华东一组"};
    custsig_credit_describe(&d, &n);
    CU_ASSERT_STRING_EQUAL(
        d.title,
        "华联超市 订单 ¥80,000.00 超出信用额度：应收 ¥150,000.00 + 订单 > 额度 ¥200,000.00");
    CU_ASSERT_STRING_EQUAL(d.title_en, "华联超市: order of CNY 80,000.00 exceeds the credit limit: "
                                       "receivables CNY 150,000.00 + order > limit CNY 200,000.00");
    CU_ASSERT_PTR_NOT_NULL(strstr(d.explanation, "¥50,000.00"));
    CU_ASSERT_STRING_EQUAL(d.link, "/customers/cust-hl");
    /* an order with the balance over the limit already: negative headroom */
    s.balance_fen = 25000000;
    CU_ASSERT_FATAL(custsig_draft(&s, &on, 0, DEC07_12, zone(), &d));
    CU_ASSERT_EQUAL(d.headroom_fen, -5000000);
}

/* pool_warning: days to go and days without contact at the local day's edges. */
static void test_pool_draft(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    const alert_settings_t *on = settings_of(&cfg, "pool_warning");
    /* contacted on 2026-11-04 with a 60-day period... here: due 2026-12-10 00:00 */
    static const struct {
        int64_t now;
        bool fires;
        int32_t days; /* not contacted */
        const char *title;
    } rows[] = {
        {DEC07_12, true, 58, "华联超市 将于 3 天后退回公海（已 58 天未跟进）"},
        {DEC10 - 1, true, 60, "华联超市 将于 1 天后退回公海（已 60 天未跟进）"},
        {DEC10 - DAY, true, 60,
         "华联超市 将于 1 天后退回公海（已 60 天未跟进）"}, /* the last day */
        {DEC10 - DAY - 1, true, 59, "华联超市 将于 2 天后退回公海（已 59 天未跟进）"},
        {DEC10, false, 0, NULL}, /* it moved to the pool: nothing to warn of */
        {DEC10 + DAY, false, 0, NULL},
    };
    custsig_t s = pool(DEC10, "60");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        alert_draft_t d;
        bool fires = custsig_draft(&s, on, DAY, rows[i].now, zone(), &d);
        CU_ASSERT_EQUAL(fires, rows[i].fires);
        if (!fires || !rows[i].fires)
            continue;
        CU_ASSERT_EQUAL(d.days, rows[i].days);
        CU_ASSERT_EQUAL(d.max_days, 60);
        CU_ASSERT_EQUAL(d.due_at, DEC10);
        CU_ASSERT_STRING_EQUAL(d.subject, "cust-hl");
        CU_ASSERT_STRING_EQUAL(d.window, "1796832000000");
        alert_names_t n = {"张伟", "华联超市", ""};
        custsig_pool_describe(&d, &n);
        CU_ASSERT_STRING_EQUAL(d.title, rows[i].title);
    }
    alert_draft_t d;
    CU_ASSERT_FATAL(custsig_draft(&s, on, DAY, DEC07_12, zone(), &d));
    alert_names_t none = {"", "", ""};
    custsig_pool_describe(&d, &none);
    CU_ASSERT_STRING_EQUAL(
        d.title_en, "cust-hl goes back to the public pool in 3 days (not followed up for 58 days)");
}

/* ---- invoice_past_due ------------------------------------------------------ */

static Nq__Activity money_event(const char *type, const char *id, int64_t at, int64_t due)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT;
    ev.event_id = (char *)id;
    ev.type = (char *)type;
    ev.salesperson_id = "sp-zw";
    ev.customer_id = "cust-hl";
    ev.has_occurred_at = 1;
    ev.occurred_at = at;
    ev.has_due_at = due != 0;
    ev.due_at = due;
    ev.has_amount_fen = 1;
    ev.amount_fen = 100000;
    return ev;
}

static const timer_plan_t *plan_of(const timer_plan_t *p, size_t n, const char *rule)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(p[i].rule, rule) == 0)
            return &p[i];
    }
    return NULL;
}

static void test_invoice_plan(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    alert_settings_t *s = (alert_settings_t *)settings_of(&cfg, "invoice_past_due");
    CU_ASSERT_EQUAL(s->v[0], 0); /* grace_days by default */
    static const struct {
        const char *type, *id;
        int64_t due;
        int64_t grace;
        bool planned;
        const char *subject;
        int64_t deadline;
    } rows[] = {
        {"invoice", "inv-1", NOV30, 0, true, "cust-hl/inv-1", DEC01},
        {"invoice", "inv-1", NOV30 + DAY - 1, 0, true, "cust-hl/inv-1", DEC01}, /* day's end */
        {"invoice", "inv-1", NOV30, 3, true, "cust-hl/inv-1", DEC04},
        {"invoice", "inv-1", 0, 0, true, "cust-hl/inv-1", NOV01_10 - 10 * 3600000LL + DAY},
        {"invoice", "inv 1", NOV30, 0, false, NULL, 0},        /* not a plain id */
        {"payment", "pay-1", 0, 0, true, "cust-hl", NOV20_09}, /* the customer's recheck */
        {"order", "o-1", NOV30, 0, false, NULL, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        s->v[0] = rows[i].grace;
        int64_t at = strcmp(rows[i].type, "payment") == 0 ? NOV20_09 : NOV01_10;
        Nq__Activity ev = money_event(rows[i].type, rows[i].id, at, rows[i].due);
        timer_plan_t p[TIMER_PLANS_MAX];
        size_t n = timer_plan_event(&ev, &cfg, zone(), p);
        const timer_plan_t *x = plan_of(p, n, "invoice_past_due");
        CU_ASSERT_EQUAL(x != NULL, rows[i].planned);
        if (!x || !rows[i].planned)
            continue;
        CU_ASSERT_EQUAL(x->op, TIMER_SET);
        CU_ASSERT_FALSE(x->resolves);
        CU_ASSERT_STRING_EQUAL(x->subject, rows[i].subject);
        CU_ASSERT_EQUAL(x->due, rows[i].deadline);
    }
    /* the rule off: no invoice deadline */
    s->enabled = false;
    Nq__Activity ev = money_event("invoice", "inv-1", NOV01_10, NOV30);
    timer_plan_t p[TIMER_PLANS_MAX];
    CU_ASSERT_PTR_NULL(plan_of(p, timer_plan_event(&ev, &cfg, zone(), p), "invoice_past_due"));
}

/* Facts: inv-1 ¥1,000 due Nov 30, inv-2 ¥500 due Dec 10, payments as given. */
static void ar_of(nq_ar_t *ar, const char *pay1, const char *pay2, int64_t now)
{
    const char *fv[] = {"i|inv-1", "1793498400000|1795968000000|100000|sp-zw|O-1",
                        "i|inv-2", "1795136400000|1796832000000|50000|sp-zw|",
                        "p|r-1",   pay1,
                        "p|r-2",   pay2};
    size_t n = pay2 ? 8 : pay1 ? 6 : 4;
    CU_ASSERT_EQUAL_FATAL(nq_ar_parse(ar, fv, n), 0);
    nq_ar_apply(ar, now);
}

static void test_invoice_check(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    const alert_rule_t *r = alert_rule_find("invoice_past_due");
    alert_settings_t s = *settings_of(&cfg, r->key);
    static const struct {
        const char *invoice, *pay1, *pay2;
        int64_t grace, now;
        timer_verdict_t v;
        int64_t due;  /* LATER */
        int64_t open; /* FIRE: amount open */
        int32_t days; /* FIRE: days past due */
    } rows[] = {
        {"inv-1", NULL, NULL, 0, DEC01 - 1, TIMER_LATER, DEC01, 0, 0}, /* due day's last ms */
        {"inv-1", NULL, NULL, 0, DEC01, TIMER_FIRE, 0, 100000, 1},
        {"inv-1", NULL, NULL, 3, DEC01, TIMER_LATER, DEC04, 0, 0},
        {"inv-1", NULL, NULL, 3, DEC04, TIMER_FIRE, 0, 100000, 4},
        /* a payment not naming an invoice goes to the oldest first */
        {"inv-1", "1795136400000|40000|sp-zw|", NULL, 0, DEC07_12, TIMER_FIRE, 0, 60000, 7},
        {"inv-1", "1795136400000|100000|sp-zw|", NULL, 0, DEC07_12, TIMER_DROP, 0, 0, 0},
        {"inv-1", "1795136400000|60000|sp-zw|", "1795136400001|40000|sp-zw|", 0, DEC07_12,
         TIMER_DROP, 0, 0, 0},
        /* a payment naming inv-2 leaves inv-1 open */
        {"inv-1", "1795136400000|50000|sp-zw|i:inv-2", NULL, 0, DEC07_12, TIMER_FIRE, 0, 100000, 7},
        {"inv-2", "1795136400000|150000|sp-zw|", NULL, 0, DEC10 + DAY, TIMER_DROP, 0, 0, 0},
        {"inv-2", "1795136400000|150000|sp-zw|", NULL, 0, DEC07_12, TIMER_DROP, 0, 0, 0},
        /* 1,200.00 paid: inv-1 settled first, inv-2 keeps 300.00 open */
        {"inv-2", "1795136400000|120000|sp-zw|", NULL, 0, DEC10 + DAY, TIMER_FIRE, 0, 30000, 1},
        {"inv-2", NULL, NULL, 0, DEC07_12, TIMER_LATER, DEC10 + DAY, 0, 0},
        /* a payment after now does not count yet */
        {"inv-1", "1796832000000|100000|sp-zw|", NULL, 0, DEC07_12, TIMER_FIRE, 0, 100000, 7},
        /* not in the receivables yet (the indexer behind): looked at again */
        {"inv-9", NULL, NULL, 0, DEC07_12, TIMER_LATER, DEC07_12 + TIMER_RETRY_MS, 0, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_ar_t ar;
        ar_of(&ar, rows[i].pay1, rows[i].pay2, rows[i].now);
        timer_facts_t f = {.found = true, .cls = 1, .owner = "sp-lina", .customer = "cust-hl"};
        f.ar = &ar;
        f.invoice = rows[i].invoice;
        s.v[0] = rows[i].grace;
        int64_t due = 0;
        alert_draft_t d;
        timer_verdict_t v = timer_check(r, &f, &s, rows[i].now, zone(), &due, &d);
        CU_ASSERT_EQUAL(v, rows[i].v);
        if (v == TIMER_LATER && rows[i].v == TIMER_LATER)
            CU_ASSERT_EQUAL(due, rows[i].due);
        if (v == TIMER_FIRE && rows[i].v == TIMER_FIRE) {
            CU_ASSERT_EQUAL(d.amount_fen, rows[i].open);
            CU_ASSERT_EQUAL(d.days, rows[i].days);
            bool first = strcmp(rows[i].invoice, "inv-1") == 0;
            CU_ASSERT_STRING_EQUAL(d.subject, first ? "cust-hl/inv-1" : "cust-hl/inv-2");
            CU_ASSERT_STRING_EQUAL(d.window, "");
            CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-lina"); /* the owner now */
            CU_ASSERT_STRING_EQUAL(d.invoice_id, rows[i].invoice);
            CU_ASSERT_STRING_EQUAL(d.order_id, first ? "O-1" : "");
            CU_ASSERT_EQUAL(d.due_at, first ? NOV30 : DEC10);
        }
        nq_ar_free(&ar);
    }
    /* the customer unknown or the rule off: dropped */
    nq_ar_t ar;
    ar_of(&ar, NULL, NULL, DEC07_12);
    timer_facts_t f = {.found = false, .customer = "cust-hl", .ar = &ar, .invoice = "inv-1"};
    int64_t due;
    alert_draft_t d;
    CU_ASSERT_EQUAL(timer_check(r, &f, &s, DEC07_12, zone(), &due, &d), TIMER_DROP);
    f.found = true;
    s.enabled = false;
    CU_ASSERT_EQUAL(timer_check(r, &f, &s, DEC07_12, zone(), &due, &d), TIMER_DROP);
    /* the title */
    s.enabled = true;
    s.v[0] = 0;
    CU_ASSERT_EQUAL_FATAL(timer_check(r, &f, &s, DEC07_12, zone(), &due, &d), TIMER_FIRE);
    alert_names_t n = {"李娜", "华联超市", ""};
    r->describe(&d, &n);
    CU_ASSERT_STRING_EQUAL(d.title, "华联超市 发票 inv-1 逾期 7 天未付：未付 ¥1,000.00");
    CU_ASSERT_STRING_EQUAL(d.title_en,
                           "华联超市: invoice inv-1 unpaid 7 days past due: CNY 1,000.00 open");
    CU_ASSERT_PTR_NOT_NULL(strstr(d.explanation, "2026-11-30"));
    CU_ASSERT_STRING_EQUAL(d.link, "/customers/cust-hl");
    nq_ar_free(&ar);
}

/* A payment's recheck: what it may resolve. */
static void test_settled(void)
{
    alert_settings_t s = {.enabled = true};
    static const char *const flagged[] = {"1796616000000-0/0", "1796616000001-0/2"};
    static const struct {
        const char *pay1;
        int64_t now, limit;
        size_t n;
        const char *first, *last;
    } rows[] = {
        {NULL, DEC07_12, -1, 0, NULL, NULL},
        {"1795136400000|100000|sp-zw|", DEC07_12, -1, 1, "cust-hl/inv-1", "cust-hl/inv-1"},
        /* inv-2 paid too but never past due: not a candidate */
        {"1795136400000|150000|sp-zw|", DEC07_12, -1, 1, "cust-hl/inv-1", "cust-hl/inv-1"},
        {"1795136400000|150000|sp-zw|", DEC10 + DAY, -1, 2, "cust-hl/inv-1", "cust-hl/inv-2"},
        {"1795136400000|40000|sp-zw|", DEC07_12, -1, 0, NULL, NULL},
        /* balance 1,100.00 under a limit of 1,200.00: every flagged order's credit alert */
        {"1795136400000|40000|sp-zw|", DEC07_12, 120000, 2, "cust-hl/1796616000000-0/0",
         "cust-hl/1796616000001-0/2"},
        {"1795136400000|40000|sp-zw|", DEC07_12, 110000, 0, NULL, NULL}, /* at the limit */
        /* all paid, a limit of 0: the invoice and both orders */
        {"1795136400000|150000|sp-zw|", DEC07_12, 1, 3, "cust-hl/inv-1",
         "cust-hl/1796616000001-0/2"},
        {"1795136400000|150000|sp-zw|", DEC07_12, 0, 1, "cust-hl/inv-1", "cust-hl/inv-1"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_ar_t ar;
        ar_of(&ar, rows[i].pay1, NULL, rows[i].now);
        timer_plan_t p[8];
        size_t n =
            timer_settled(&ar, "cust-hl", rows[i].limit, flagged, 2, &s, rows[i].now, zone(), p, 8);
        CU_ASSERT_EQUAL(n, rows[i].n);
        if (n == rows[i].n && n > 0) {
            CU_ASSERT_STRING_EQUAL(p[0].subject, rows[i].first);
            CU_ASSERT_STRING_EQUAL(p[n - 1].subject, rows[i].last);
            CU_ASSERT_EQUAL(p[n - 1].op, TIMER_CLEAR);
            CU_ASSERT_TRUE(p[n - 1].resolves);
            CU_ASSERT_EQUAL(p[n - 1].at, rows[i].now);
            CU_ASSERT_STRING_EQUAL(p[n - 1].rule, strstr(rows[i].last, "/inv-") ? "invoice_past_due"
                                                                                : "credit_limit");
        }
        /* room for one only */
        CU_ASSERT(timer_settled(&ar, "cust-hl", rows[i].limit, flagged, 2, &s, rows[i].now, zone(),
                                p, 1) <= 1);
        nq_ar_free(&ar);
    }
}

static void test_invoice_subject(void)
{
    char c[16], inv[16];
    CU_ASSERT_EQUAL(timer_invoice_subject("cust-hl/inv-1", c, sizeof(c), inv, sizeof(inv)), 0);
    CU_ASSERT_STRING_EQUAL(c, "cust-hl");
    CU_ASSERT_STRING_EQUAL(inv, "inv-1");
    CU_ASSERT_EQUAL(timer_invoice_subject("cust-hl", c, sizeof(c), inv, sizeof(inv)), 0);
    CU_ASSERT_STRING_EQUAL(inv, "");
    CU_ASSERT_EQUAL(timer_invoice_subject("/inv-1", c, sizeof(c), inv, sizeof(inv)), -1);
    CU_ASSERT_EQUAL(timer_invoice_subject("cust-hl/", c, sizeof(c), inv, sizeof(inv)), -1);
    CU_ASSERT_EQUAL(
        timer_invoice_subject("a-customer-id-too-long/x", c, sizeof(c), inv, sizeof(inv)), -1);
    const char *subject;
    CU_ASSERT_PTR_NOT_NULL(timer_member_parse("invoice_past_due|cust-hl/inv-1", &subject));
    CU_ASSERT_STRING_EQUAL(subject, "cust-hl/inv-1");
    CU_ASSERT_PTR_NULL(timer_member_parse("credit_limit|cust-hl", &subject)); /* not a timer */
}

static void test_rows(void)
{
    static const struct {
        const char *key;
        alert_kind_t kind;
    } rows[] = {
        {"credit_limit", ALERT_KIND_SIGNAL},
        {"pool_warning", ALERT_KIND_SIGNAL},
        {"invoice_past_due", ALERT_KIND_TIMER},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const alert_rule_t *r = alert_rule_find(rows[i].key);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(r->kind, rows[i].kind);
        CU_ASSERT_STRING_EQUAL(r->severity, "warning");
    }
    CU_ASSERT_TRUE(alert_type_watched("invoice"));
    CU_ASSERT_TRUE(alert_type_watched("payment"));
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    Nq__Activity ev = money_event("invoice", "inv-1", NOV01_10, NOV30);
    alert_draft_t d;
    const alert_rule_t *r = alert_rule_find("invoice_past_due");
    CU_ASSERT_FALSE(alert_rule_fires(r, &ev, &cfg.rule[r - alert_rules], NULL, 0, NOV01_10, &d));
}

/* The record raised with a credit alert is the member a payment's recheck resolves. */
static void test_open_member(void)
{
    alert_config_t cfg;
    alert_config_defaults(&cfg, 0);
    custsig_t s = credit();
    alert_draft_t d;
    CU_ASSERT_FATAL(custsig_draft(&s, settings_of(&cfg, "credit_limit"), 0, DEC07_12, zone(), &d));
    char open[300], member[300];
    CU_ASSERT_EQUAL(custsig_open_member(&d, open, sizeof(open)), 0);
    CU_ASSERT_STRING_EQUAL(open, "credit_limit|cust-hl/1796616000000-0/0");
    /* the recheck once the balance (1,500.00, nothing paid) is under the limit names it */
    const char *const flagged[] = {d.window};
    alert_settings_t set = {.enabled = true};
    nq_ar_t ar;
    ar_of(&ar, NULL, NULL, DEC07_12);
    timer_plan_t p[2];
    CU_ASSERT_EQUAL_FATAL(
        timer_settled(&ar, "cust-hl", 200000, flagged, 1, &set, DEC07_12, zone(), p, 2), 1);
    CU_ASSERT_EQUAL(timer_member(member, sizeof(member), p[0].rule, p[0].subject), 0);
    CU_ASSERT_STRING_EQUAL(member, open);
    nq_ar_free(&ar);
    CU_ASSERT_EQUAL(custsig_open_member(&d, open, 10), -1); /* does not fit */
    /* pool warnings do not resolve by themselves: no record */
    d.rule = "pool_warning";
    CU_ASSERT_EQUAL(custsig_open_member(&d, open, sizeof(open)), 0);
    CU_ASSERT_STRING_EQUAL(open, "");
}

static CU_TestInfo tests[] = {
    {"signal entries parse (table)", test_parse_table},
    {"credit_limit: once per order, recent only", test_credit_draft},
    {"pool_warning: days at local day edges", test_pool_draft},
    {"credit_limit: its auto-resolve record", test_open_member},
    {"invoice_past_due: deadlines of invoices and payments", test_invoice_plan},
    {"invoice_past_due: open after payments oldest first", test_invoice_check},
    {"a payment's recheck resolves what it settled", test_settled},
    {"invoice subjects", test_invoice_subject},
    {"rows in the rule table", test_rows},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"customer alert rules", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
