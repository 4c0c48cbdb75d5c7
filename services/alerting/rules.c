/* rules.c — the alert rule table. See rules.h. */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "nq/money.h"

static void draft_about(alert_draft_t *d, const Nq__Activity *ev)
{
    memset(d, 0, sizeof(*d));
    snprintf(d->salesperson_id, sizeof(d->salesperson_id), "%s",
             ev->salesperson_id ? ev->salesperson_id : "");
    snprintf(d->customer_id, sizeof(d->customer_id), "%s", ev->customer_id ? ev->customer_id : "");
    snprintf(d->event_id, sizeof(d->event_id), "%s", ev->event_id ? ev->event_id : "");
    d->occurred_at = ev->has_occurred_at ? ev->occurred_at : 0;
}

/* An order at or above the big-order threshold. */
static bool big_order(const Nq__Activity *ev, const alert_thresholds_t *t, alert_draft_t *d)
{
    if (!ev->type || strcmp(ev->type, "order") != 0 || !ev->has_amount_fen ||
        ev->amount_fen < t->big_order_fen)
        return false;
    draft_about(d, ev);
    d->amount_fen = ev->amount_fen;
    snprintf(d->subject, sizeof(d->subject), "%s", d->event_id);
    return true;
}

/* The name when known, else the id. */
static const char *shown(const char *name, const char *id)
{
    return name && *name ? name : id;
}

static void big_order_title(alert_draft_t *d, const alert_names_t *names)
{
    char yuan[NQ_MONEY_BUF];
    nq_money_format(d->amount_fen, yuan, sizeof(yuan));
    const char *sp = shown(names->salesperson, d->salesperson_id);
    const char *cu = shown(names->customer, d->customer_id);
    snprintf(d->title, sizeof(d->title), "大额订单：%s 的客户 %s 下单 ¥%s", sp, cu, yuan);
    snprintf(d->title_en, sizeof(d->title_en), "Big order: %s's customer %s ordered CNY %s", sp, cu,
             yuan);
}

const alert_rule_t alert_rules[] = {
    {"big_order", "warning", true, big_order, big_order_title},
};
const size_t alert_rules_count = sizeof(alert_rules) / sizeof(alert_rules[0]);

bool alert_event_recent(const Nq__Activity *ev, int64_t recency_ms, int64_t now_ms)
{
    if (recency_ms <= 0)
        return true;
    return ev->has_occurred_at && ev->occurred_at >= now_ms - recency_ms;
}

bool alert_rule_fires(const alert_rule_t *r, const Nq__Activity *ev, const alert_thresholds_t *t,
                      int64_t now_ms, alert_draft_t *out)
{
    if (r->event_time && !alert_event_recent(ev, t->recency_ms, now_ms))
        return false;
    return r->evaluate(ev, t, out);
}

void alert_draft_to_proto(const alert_draft_t *d, int64_t raised_at, Nq__Alert *out)
{
    out->rule = (char *)d->rule;
    out->severity = (char *)d->severity;
    out->salesperson_id = (char *)d->salesperson_id;
    out->customer_id = *d->customer_id ? (char *)d->customer_id : NULL;
    out->title = (char *)d->title;
    out->title_en = (char *)d->title_en;
    out->event_id = (char *)d->event_id;
    out->has_amount_fen = d->amount_fen != 0;
    out->amount_fen = d->amount_fen;
    out->has_raised_at = 1;
    out->raised_at = raised_at;
    out->has_occurred_at = d->occurred_at != 0;
    out->occurred_at = d->occurred_at;
}
