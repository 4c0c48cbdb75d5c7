/* rules.c — the alert rule table. See rules.h. */
#include "rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "followup.h"
#include "custsig.h"
#include "schedule.h"
#include "nq/fielderr.h"
#include "nq/i18n.h"
#include "nq/money.h"
#include "timerules.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

/* (Marked: urgent_ticket's explanation translates the priority through the catalogue.) */
static const char *const priorities[] = {NQ_REASON("low"), NQ_REASON("normal"), NQ_REASON("high"),
                                         NQ_REASON("urgent"), NULL};

static int priority_rank(const char *p)
{
    for (int i = 0; p && priorities[i]; i++) {
        if (strcmp(p, priorities[i]) == 0)
            return i;
    }
    return -1;
}

/* A fresh draft about ev: who, which customer, which event; window = the event
 * (event rules fire once per event unless they say otherwise). */
static void draft_about(alert_draft_t *d, const Nq__Activity *ev)
{
    const char *rule = d->rule, *severity = d->severity;
    memset(d, 0, sizeof(*d));
    d->rule = rule;
    d->severity = severity;
    COPY(d->salesperson_id, ev->salesperson_id);
    COPY(d->customer_id, ev->customer_id);
    COPY(d->event_id, ev->event_id);
    COPY(d->event_type, ev->type);
    COPY(d->window, ev->event_id);
    d->occurred_at = ev->has_occurred_at ? ev->occurred_at : 0;
    d->rating = d->nps = -1;
}

/* ---- evaluators: one per rule, pure ------------------------------------- */

/* An event of at least `min` fen: the draft with its amount, threshold and order. */
static bool amount_at_least(const Nq__Activity *ev, int64_t min, alert_draft_t *d)
{
    if (!ev->has_amount_fen || ev->amount_fen < min)
        return false;
    draft_about(d, ev);
    d->amount_fen = ev->amount_fen;
    d->threshold_fen = min;
    COPY(d->order_id, ev->order_id);
    return true;
}

/* An order at or above min_amount. Subject: the event. */
static bool big_order(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                      alert_draft_t *d)
{
    if (!amount_at_least(ev, p[0], d))
        return false;
    COPY(d->subject, ev->event_id);
    d->window[0] = '\0';
    return true;
}

/* An order cancelled or returned for at least min_amount. Subject: the order. */
static bool cancel_or_return(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                             alert_draft_t *d)
{
    if (!amount_at_least(ev, p[0], d))
        return false;
    COPY(d->subject, ev->order_id && *ev->order_id ? ev->order_id : ev->event_id);
    return true;
}

/* Feedback with a rating at or below max_rating or an NPS at or below max_nps.
 * Subject: the customer. */
static bool negative_feedback(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                              alert_draft_t *d)
{
    bool low_rating = ev->has_rating && ev->rating <= p[0];
    bool low_nps = ev->has_nps && ev->nps <= p[1];
    if (!low_rating && !low_nps)
        return false;
    draft_about(d, ev);
    d->rating = ev->has_rating ? ev->rating : -1;
    d->nps = ev->has_nps ? ev->nps : -1;
    d->max_rating = (int32_t)p[0];
    d->max_nps = (int32_t)p[1];
    COPY(d->subject, ev->customer_id);
    return true;
}

/* A ticket opened with a priority at or above min_priority; urgent ones are
 * critical. Subject: the ticket, once whatever its events. */
static bool urgent_ticket(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                          alert_draft_t *d)
{
    int rank = priority_rank(ev->priority);
    if (rank < 0 || rank < p[0])
        return false;
    draft_about(d, ev);
    if (strcmp(ev->priority, "urgent") == 0)
        d->severity = "critical";
    COPY(d->priority, ev->priority);
    COPY(d->ticket_id, ev->ticket_id);
    COPY(d->subject, ev->ticket_id);
    d->window[0] = '\0';
    return true;
}

/* A competitor's price for a product below its last observation, by at least
 * drop_pct percent (0: any drop). Subject: competitor and product. */
static bool competitor_price(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                             alert_draft_t *d)
{
    if (!ev->has_price_fen || !ev->product || !*ev->product || !ev->competitor ||
        !ctx->has_last_price || ctx->last_price_fen <= 0 || ev->price_fen >= ctx->last_price_fen)
        return false;
    /* (last - price) / last >= pct / 100, in integers (prices are far below 2^63 / 100) */
    if ((ctx->last_price_fen - ev->price_fen) * 100 < p[0] * ctx->last_price_fen)
        return false;
    draft_about(d, ev);
    d->price_fen = ev->price_fen;
    d->previous_price_fen = ctx->last_price_fen;
    d->drop_pct =
        (double)((ctx->last_price_fen - ev->price_fen) * 10000 / ctx->last_price_fen) / 100.0;
    COPY(d->competitor, ev->competitor);
    COPY(d->product, ev->product);
    snprintf(d->subject, sizeof(d->subject), "%s|%s", ev->competitor, ev->product);
    return true;
}

/* ---- titles and explanations -------------------------------------------- */

/* The name when known, else the id. */
static const char *shown(const char *name, const char *id)
{
    return name && *name ? name : id;
}

/* The console page of what needs attention: the customer, else the salesperson. */
static void link_to(alert_draft_t *d)
{
    if (*d->customer_id)
        snprintf(d->link, sizeof(d->link), "/customers/%s", d->customer_id);
    else
        snprintf(d->link, sizeof(d->link), "/salespeople/%s", d->salesperson_id);
}

void alert_draft_zh(alert_draft_t *d)
{
    nq_i18n_tr(NQ_LANG_ZH, d->title_en, d->title, sizeof(d->title));
    nq_i18n_tr(NQ_LANG_ZH, d->explanation_en, d->explanation, sizeof(d->explanation));
}

static void big_order_describe(alert_draft_t *d, const alert_names_t *n)
{
    char yuan[NQ_MONEY_BUF], min[NQ_MONEY_BUF];
    nq_money_format_grouped(d->amount_fen, yuan, sizeof(yuan));
    nq_money_format_grouped(d->threshold_fen, min, sizeof(min));
    const char *sp = shown(n->salesperson, d->salesperson_id);
    const char *cu = shown(n->customer, d->customer_id);
    snprintf(d->title_en, sizeof(d->title_en),
             NQ_REASON("Big order: %s's customer %s ordered CNY %s"), sp, cu, yuan);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             NQ_REASON("The order of CNY %s is at or above the big-order threshold of CNY %s."),
             yuan, min);
    alert_draft_zh(d);
    link_to(d);
}

/* cancel_or_return's texts, a cancellation's and a return's. */
static const struct {
    const char *title;       /* salesperson, customer, order, amount */
    const char *explanation; /* amount, the rule's minimum */
} cancel_texts[] = {
    {NQ_REASON("Order cancelled: %s's customer %s cancelled order %s, CNY %s"),
     NQ_REASON("The cancellation of CNY %s is at or above the alert amount of CNY %s.")},
    {NQ_REASON("Return: %s's customer %s returned order %s, CNY %s"),
     NQ_REASON("The return of CNY %s is at or above the alert amount of CNY %s.")},
};

static void cancel_or_return_describe(alert_draft_t *d, const alert_names_t *n)
{
    char yuan[NQ_MONEY_BUF], min[NQ_MONEY_BUF];
    nq_money_format_grouped(d->amount_fen, yuan, sizeof(yuan));
    nq_money_format_grouped(d->threshold_fen, min, sizeof(min));
    const char *sp = shown(n->salesperson, d->salesperson_id);
    const char *cu = shown(n->customer, d->customer_id);
    size_t k = strcmp(d->event_type, "return") == 0;
    snprintf(d->title_en, sizeof(d->title_en), cancel_texts[k].title, sp, cu, d->order_id, yuan);
    snprintf(d->explanation_en, sizeof(d->explanation_en), cancel_texts[k].explanation, yuan, min);
    alert_draft_zh(d);
    link_to(d);
}

static void negative_feedback_describe(alert_draft_t *d, const alert_names_t *n)
{
    char what[96] = ""; /* the scores given, a text of the catalogue */
    if (d->rating >= 0 && d->nps >= 0)
        snprintf(what, sizeof(what), NQ_REASON("rating %d, NPS %d"), d->rating, d->nps);
    else if (d->rating >= 0)
        snprintf(what, sizeof(what), NQ_REASON("rating %d"), d->rating);
    else if (d->nps >= 0)
        snprintf(what, sizeof(what), NQ_REASON("NPS %d"), d->nps);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    const char *cu = shown(n->customer, d->customer_id);
    snprintf(d->title_en, sizeof(d->title_en), NQ_REASON("Negative feedback: %s's customer %s, %s"),
             sp, cu, what);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             NQ_REASON("%s: a rating of %d or less or an NPS of %d or less is negative."), what,
             d->max_rating, d->max_nps);
    alert_draft_zh(d);
    link_to(d);
}

static void urgent_ticket_describe(alert_draft_t *d, const alert_names_t *n)
{
    static const char *const kind[] = {NQ_REASON("Low-priority"), NQ_REASON("Normal-priority"),
                                       NQ_REASON("High-priority"), NQ_REASON("Urgent")};
    int rank = priority_rank(d->priority);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    const char *cu = shown(n->customer, d->customer_id);
    snprintf(d->title_en, sizeof(d->title_en), NQ_REASON("%s ticket: %s's customer %s, ticket %s"),
             rank >= 0 ? kind[rank] : d->priority, sp, cu, d->ticket_id);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             NQ_REASON("Customer %s opened ticket %s with priority %s: follow up soon."), cu,
             d->ticket_id, d->priority);
    alert_draft_zh(d);
    link_to(d);
}

static void competitor_price_describe(alert_draft_t *d, const alert_names_t *n)
{
    char now[NQ_MONEY_BUF], before[NQ_MONEY_BUF];
    nq_money_format_grouped(d->price_fen, now, sizeof(now));
    nq_money_format_grouped(d->previous_price_fen, before, sizeof(before));
    const char *sp = shown(n->salesperson, d->salesperson_id);
    snprintf(d->title_en, sizeof(d->title_en),
             NQ_REASON("Competitor price drop: %s's %s at CNY %s (was CNY %s, down %.2f%%)"),
             d->competitor, d->product, now, before, d->drop_pct);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             NQ_REASON("%s reported %s's %s at CNY %s, below the last observed CNY %s."), sp,
             d->competitor, d->product, now, before);
    alert_draft_zh(d);
    link_to(d);
}

/* ---- the table ------------------------------------------------------------ */

#define MAX_FEN NQ_MONEY_MAX_FEN

static const alert_param_t big_order_params[] = {
    {"min_amount", ALERT_PARAM_MONEY, 5000000, 1, MAX_FEN, NULL,
     "an order of at least this many yuan (company default: NQ_BIG_ORDER_YUAN)"},
};
static const alert_param_t cancel_params[] = {
    {"min_amount", ALERT_PARAM_MONEY, 1000000, 1, MAX_FEN, NULL,
     "a cancellation or return of at least this many yuan"},
};
static const alert_param_t feedback_params[] = {
    {"max_rating", ALERT_PARAM_INT, 2, 0, 5, NULL, "a rating (1-5) at or below this is negative"},
    {"max_nps", ALERT_PARAM_INT, 6, -1, 10, NULL,
     "an NPS (0-10) at or below this is negative (-1: NPS never)"},
};
static const alert_param_t ticket_params[] = {
    {"min_priority", ALERT_PARAM_CHOICE, 2, 0, 3, priorities,
     "tickets opened with this priority or higher"},
};
static const alert_param_t competitor_params[] = {
    {"drop_pct", ALERT_PARAM_INT, 5, 0, 100, NULL,
     "below the last observed price by at least this many percent (0: any drop)"},
};

/* Timer rules (timerules.h): days without contact per class, hours per priority. */
static const alert_param_t not_visited_params[] = {
    {"key_days", ALERT_PARAM_INT, 7, 1, 365, NULL, "days a key customer may go without a visit"},
    {"normal_days", ALERT_PARAM_INT, 30, 1, 365, NULL,
     "days a normal customer may go without a visit"},
    {"potential_days", ALERT_PARAM_INT, 14, 1, 365, NULL,
     "days a potential customer may go without a visit"},
};
static const alert_param_t sla_params[] = {
    {"normal_hours", ALERT_PARAM_INT, 72, 1, 8760, NULL, "hours to close a normal ticket"},
    {"high_hours", ALERT_PARAM_INT, 24, 1, 8760, NULL, "hours to close a high-priority ticket"},
    {"urgent_hours", ALERT_PARAM_INT, 4, 1, 8760, NULL, "hours to close an urgent ticket"},
};
static const char *const ticket_clock_types[] = {"ticket_opened", "ticket_closed", NULL};
static const alert_param_t invoice_params[] = {
    {"grace_days", ALERT_PARAM_INT, 0, 0, 365, NULL,
     "days after its due date an unpaid invoice may stay open"},
};
static const char *const invoice_clock_types[] = {"invoice", "payment", NULL};

static const alert_param_t behind_pace_params[] = {
    {"at", ALERT_PARAM_TIME, 15 * 60, 0, 24 * 60 - 1, NULL,
     "checked at this time (HH:MM) of each working day"},
    {"min_pace_pct", ALERT_PARAM_INT, 80, 1, 100, NULL,
     "a month's pace on sales or visits below this percentage is behind"},
};
static const alert_param_t no_activity_params[] = {
    {"at", ALERT_PARAM_TIME, 11 * 60, 0, 24 * 60 - 1, NULL,
     "checked at this time (HH:MM) of each working day"},
};
static const alert_param_t targets_missed_params[] = {
    {"at", ALERT_PARAM_TIME, 9 * 60 + 30, 0, 24 * 60 - 1, NULL,
     "checked at this time (HH:MM) of the first working day of a month"},
    {"min_attainment_pct", ALERT_PARAM_INT, 100, 1, 1000, NULL,
     "a closed period's attainment below this percentage is a target missed"},
    {"metrics", ALERT_PARAM_METRICS, ALERT_METRICS_ALL, 1, ALERT_METRICS_ALL, NULL,
     "the metrics looked at (\"all\": every metric with a target)"},
};

static const char *const no_types[] = {NULL};
static const char *const order_types[] = {"order", NULL};
static const char *const reversal_types[] = {"order_cancelled", "return", NULL};
static const char *const feedback_types[] = {"feedback", NULL};
static const char *const ticket_types[] = {"ticket_opened", NULL};
static const char *const intel_types[] = {"competitor_intel", NULL};

#define PARAMS(a) a, sizeof(a) / sizeof(a[0])

const alert_rule_t alert_rules[] = {
    {"big_order", ALERT_KIND_EVENT, "warning", true, order_types, PARAMS(big_order_params),
     big_order, big_order_describe},
    {"cancel_or_return", ALERT_KIND_EVENT, "warning", true, reversal_types, PARAMS(cancel_params),
     cancel_or_return, cancel_or_return_describe},
    {"negative_feedback", ALERT_KIND_EVENT, "warning", true, feedback_types,
     PARAMS(feedback_params), negative_feedback, negative_feedback_describe},
    {"urgent_ticket", ALERT_KIND_EVENT, "warning", true, ticket_types, PARAMS(ticket_params),
     urgent_ticket, urgent_ticket_describe},
    {"competitor_price", ALERT_KIND_EVENT, "warning", true, intel_types, PARAMS(competitor_params),
     competitor_price, competitor_price_describe},
    {"customer_not_visited", ALERT_KIND_TIMER, "warning", false, followup_contact_types,
     PARAMS(not_visited_params), timer_on_event, timer_not_visited_describe},
    {"followup_due", ALERT_KIND_TIMER, "info", false, followup_contact_types, NULL, 0,
     timer_on_event, timer_followup_describe},
    {"ticket_sla", ALERT_KIND_TIMER, "warning", false, ticket_clock_types, PARAMS(sla_params),
     timer_on_event, timer_sla_describe},
    {"behind_pace", ALERT_KIND_SCHEDULE, "warning", false, no_types, PARAMS(behind_pace_params),
     NULL, sched_pace_describe},
    {"no_activity", ALERT_KIND_SCHEDULE, "info", false, no_types, PARAMS(no_activity_params), NULL,
     sched_idle_describe},
    {"targets_missed", ALERT_KIND_SCHEDULE, "warning", false, no_types,
     PARAMS(targets_missed_params), NULL, sched_missed_describe},
    {"credit_limit", ALERT_KIND_SIGNAL, "warning", true, no_types, NULL, 0, NULL,
     custsig_credit_describe},
    {"pool_warning", ALERT_KIND_SIGNAL, "warning", false, no_types, NULL, 0, NULL,
     custsig_pool_describe},
    {"invoice_past_due", ALERT_KIND_TIMER, "warning", false, invoice_clock_types,
     PARAMS(invoice_params), timer_on_event, timer_invoice_describe},
};
const size_t alert_rules_count = sizeof(alert_rules) / sizeof(alert_rules[0]);

_Static_assert(sizeof(alert_rules) / sizeof(alert_rules[0]) <= ALERT_RULES_MAX, "table too long");

const alert_rule_t *alert_rule_find(const char *key)
{
    for (size_t i = 0; key && i < alert_rules_count; i++) {
        if (strcmp(alert_rules[i].key, key) == 0)
            return &alert_rules[i];
    }
    return NULL;
}

int alert_param_find(const alert_rule_t *r, const char *name)
{
    for (size_t i = 0; name && i < r->n_params; i++) {
        if (strcmp(r->params[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

static bool looks_at(const alert_rule_t *r, const char *type)
{
    for (size_t i = 0; type && r->types[i]; i++) {
        if (strcmp(r->types[i], type) == 0)
            return true;
    }
    return false;
}

bool alert_type_watched(const char *type)
{
    for (size_t i = 0; i < alert_rules_count; i++) {
        if (looks_at(&alert_rules[i], type))
            return true;
    }
    return false;
}

bool alert_type_evaluated(const char *type)
{
    for (size_t i = 0; i < alert_rules_count; i++) {
        if (alert_rules[i].kind == ALERT_KIND_EVENT && looks_at(&alert_rules[i], type))
            return true;
    }
    return false;
}

bool alert_event_recent(const Nq__Activity *ev, int64_t recency_ms, int64_t now_ms)
{
    if (recency_ms <= 0)
        return true;
    return ev->has_occurred_at && ev->occurred_at >= now_ms - recency_ms;
}

bool alert_rule_fires(const alert_rule_t *r, const Nq__Activity *ev, const alert_settings_t *s,
                      const alert_ctx_t *ctx, int64_t recency_ms, int64_t now_ms,
                      alert_draft_t *out)
{
    if (!s->enabled || !looks_at(r, ev->type))
        return false;
    if (r->event_time && !alert_event_recent(ev, recency_ms, now_ms))
        return false;
    out->rule = r->key;
    out->severity = r->severity;
    return r->evaluate(ev, s->v, ctx, out);
}

void alert_id_make(char *buf, size_t len, int64_t raised_at, const char *seen)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)seen; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    snprintf(buf, len, "%013" PRId64 "-%016" PRIx64, raised_at, h);
}

static char *opt(const char *s)
{
    return *s ? (char *)s : NULL;
}

void alert_draft_to_proto(const alert_draft_t *d, const alert_names_t *names, const char *team_id,
                          int64_t raised_at, Nq__Alert *out)
{
    out->rule = (char *)d->rule;
    out->severity = (char *)d->severity;
    out->state = "open";
    out->change = "raised";
    out->has_version = 1;
    out->version = 1;
    out->subject = (char *)d->subject;
    out->salesperson_id = (char *)d->salesperson_id;
    out->customer_id = opt(d->customer_id);
    out->team_id = team_id ? opt(team_id) : NULL;
    out->salesperson_name = names ? opt(names->salesperson) : NULL;
    out->customer_name = names ? opt(names->customer) : NULL;
    out->team_name = names ? opt(names->team) : NULL;
    out->title = (char *)d->title;
    out->title_en = (char *)d->title_en;
    out->explanation = opt(d->explanation);
    out->explanation_en = opt(d->explanation_en);
    out->link = opt(d->link);
    out->event_id = (char *)d->event_id;
    out->event_type = opt(d->event_type);
    out->order_id = opt(d->order_id);
    out->ticket_id = opt(d->ticket_id);
    out->priority = opt(d->priority);
    out->competitor = opt(d->competitor);
    out->product = opt(d->product);
    out->has_amount_fen = d->amount_fen != 0;
    out->amount_fen = d->amount_fen;
    out->has_threshold_fen = d->threshold_fen != 0;
    out->threshold_fen = d->threshold_fen;
    out->has_price_fen = d->price_fen != 0;
    out->price_fen = d->price_fen;
    out->has_previous_price_fen = d->previous_price_fen != 0;
    out->previous_price_fen = d->previous_price_fen;
    out->has_drop_pct = d->previous_price_fen != 0;
    out->drop_pct = d->drop_pct;
    out->has_rating = d->rating >= 0;
    out->rating = d->rating;
    out->has_nps = d->nps >= 0;
    out->nps = d->nps;
    out->has_max_rating = d->rating >= 0 || d->nps >= 0; /* negative_feedback */
    out->max_rating = d->max_rating;
    out->has_max_nps = out->has_max_rating;
    out->max_nps = d->max_nps;
    out->has_raised_at = 1;
    out->raised_at = raised_at;
    out->has_updated_at = 1;
    out->updated_at = raised_at;
    out->has_occurred_at = d->occurred_at != 0;
    out->occurred_at = d->occurred_at;
    bool counted = d->max_days != 0 || d->due_at != 0; /* customer timers, pool, invoices */
    out->has_days = counted;
    out->days = d->days;
    out->has_max_days = counted;
    out->max_days = d->max_days;
    out->has_hours = d->max_hours != 0;
    out->hours = d->hours;
    out->has_max_hours = d->max_hours != 0;
    out->max_hours = d->max_hours;
    out->metric = opt(d->metric);
    out->period = opt(d->period);
    bool paced = *d->metric != '\0'; /* behind_pace */
    out->has_actual = out->has_target = out->has_pace = out->has_gap = paced;
    out->actual = d->actual;
    out->target = d->target;
    out->pace = d->pace;
    out->gap = d->gap;
    out->has_min_pace_pct = paced && d->min_pace_pct != 0;
    out->min_pace_pct = d->min_pace_pct;
    bool missed = d->min_attainment_pct != 0; /* targets_missed */
    out->has_pace = out->has_gap = paced && !missed;
    out->has_attainment = out->has_min_attainment_pct = out->has_target_derived = missed;
    out->attainment = d->attainment;
    out->min_attainment_pct = d->min_attainment_pct;
    out->target_derived = d->target_derived;
    out->period_kind = opt(d->period_kind);
    if (*d->team_id && !out->team_id)
        out->team_id = (char *)d->team_id;
    out->has_balance_fen = out->has_headroom_fen = d->has_headroom;
    out->balance_fen = d->balance_fen;
    out->headroom_fen = d->headroom_fen;
    out->has_due_at = d->due_at != 0;
    out->due_at = d->due_at;
    out->invoice_id = opt(d->invoice_id);
}
