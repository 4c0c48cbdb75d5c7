/* timerules.c — the deadlines of timer rules. See timerules.h. */
#include "timerules.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "followup.h"
#include "nq/fielderr.h"
#include "nq/i18n.h"
#include "nq/money.h"
#include "nq/period.h"
#include "org.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

/* ticket_sla's parameters are hours by priority, from the lowest with one. */
/* (Marked: the explanation's priority is translated through the catalogue.) */
static const char *const sla_priorities[] = {NQ_REASON("normal"), NQ_REASON("high"),
                                             NQ_REASON("urgent"), NULL};

static int sla_index(const char *priority)
{
    for (int i = 0; priority && sla_priorities[i]; i++) {
        if (strcmp(priority, sla_priorities[i]) == 0)
            return i;
    }
    return -1;
}

static int rule_index(const char *key)
{
    const alert_rule_t *r = alert_rule_find(key);
    return r ? (int)(r - alert_rules) : -1;
}

/* The fewest days of any class: the earliest customer_not_visited can fire. */
static int fewest_days(const alert_settings_t *s)
{
    int64_t min = s->v[0];
    for (size_t k = 1; k < FOLLOWUP_CLASSES; k++)
        min = s->v[k] < min ? s->v[k] : min;
    return (int)min;
}

/* ---- what an event does: one row per (event types, rule) ------------------ */

typedef enum {
    BY_CUSTOMER, /* subject: the customer */
    BY_TICKET,   /* the ticket */
    BY_INVOICE,  /* "<customer>/<invoice event id>" */
} subject_of_t;

typedef struct clock_row {
    const char *const *types; /* the events it looks at */
    const char *rule;         /* the rule whose deadline moves */
    timer_op_t op;            /* set or clear */
    bool resolves;            /* the condition clears */
    subject_of_t by;          /* what its subject is */
    /* TIMER_SET: the earliest due time, or 0 for none. */
    int64_t (*due)(const Nq__Activity *ev, const alert_settings_t *s, int64_t zone);
} clock_row_t;

static int64_t not_visited_due(const Nq__Activity *ev, const alert_settings_t *s, int64_t zone)
{
    return followup_due(ev->occurred_at, fewest_days(s), zone);
}

/* A team's cadence is at least a day: the customers service's date is read when due. */
static int64_t followup_next(const Nq__Activity *ev, const alert_settings_t *s, int64_t zone)
{
    return followup_due(ev->occurred_at, 1, zone);
}

static int64_t sla_due(const Nq__Activity *ev, const alert_settings_t *s, int64_t zone)
{
    int k = sla_index(ev->priority);
    return k < 0 ? 0 : ev->occurred_at + s->v[k] * TIMER_HOUR_MS;
}

/* The local midnight after the due day plus grace_days (due: the invoice's
 * due date, else its date, as the receivables count it). */
static int64_t invoice_due(const Nq__Activity *ev, const alert_settings_t *s, int64_t zone)
{
    return followup_due(ev->has_due_at ? ev->due_at : ev->occurred_at, (int)s->v[0], zone);
}

/* A payment: its customer's invoices are looked at again at once. */
static int64_t payment_recheck(const Nq__Activity *ev, const alert_settings_t *s, int64_t zone)
{
    return ev->occurred_at;
}

static const char *const opened_types[] = {"ticket_opened", NULL};
static const char *const closed_types[] = {"ticket_closed", NULL};
static const char *const invoice_types[] = {"invoice", NULL};
static const char *const payment_types[] = {"payment", NULL};

static const clock_row_t clock_rows[] = {
    {followup_contact_types, "customer_not_visited", TIMER_SET, true, BY_CUSTOMER, not_visited_due},
    {followup_contact_types, "followup_due", TIMER_SET, true, BY_CUSTOMER, followup_next},
    {opened_types, "ticket_sla", TIMER_SET, false, BY_TICKET, sla_due},
    {closed_types, "ticket_sla", TIMER_CLEAR, true, BY_TICKET, NULL},
    {invoice_types, "invoice_past_due", TIMER_SET, false, BY_INVOICE, invoice_due},
    {payment_types, "invoice_past_due", TIMER_SET, false, BY_CUSTOMER, payment_recheck},
};

/* The subject of row's deadline for ev into buf; false when ev has none. */
static bool subject_of(const clock_row_t *row, const Nq__Activity *ev, char *buf, size_t len)
{
    switch (row->by) {
    case BY_TICKET:
        return ev->ticket_id && *ev->ticket_id &&
               snprintf(buf, len, "%s", ev->ticket_id) < (int)len;
    case BY_INVOICE:
        return nq_valid_id(ev->customer_id) && nq_valid_id(ev->event_id) &&
               snprintf(buf, len, "%s/%s", ev->customer_id, ev->event_id) < (int)len;
    case BY_CUSTOMER:
        break;
    }
    return ev->customer_id && *ev->customer_id &&
           snprintf(buf, len, "%s", ev->customer_id) < (int)len;
}
#define N_CLOCK_ROWS (sizeof(clock_rows) / sizeof(clock_rows[0]))
_Static_assert(N_CLOCK_ROWS <= TIMER_PLANS_MAX, "an event may touch every row");

bool timer_type_watched(const char *type)
{
    for (size_t i = 0; type && i < N_CLOCK_ROWS; i++) {
        if (nq_one_of(type, clock_rows[i].types))
            return true;
    }
    return false;
}

size_t timer_plan_event(const Nq__Activity *ev, const alert_config_t *cfg, int64_t zone_offset,
                        timer_plan_t out[TIMER_PLANS_MAX])
{
    size_t n = 0;
    if (!ev->type || !ev->has_occurred_at)
        return 0;
    for (size_t i = 0; i < N_CLOCK_ROWS; i++) {
        const clock_row_t *row = &clock_rows[i];
        int k = rule_index(row->rule);
        char subject[sizeof(out->subject)];
        if (k < 0 || !nq_one_of(ev->type, row->types) ||
            !subject_of(row, ev, subject, sizeof(subject)))
            continue;
        const alert_settings_t *s = &cfg->rule[k];
        int64_t due = row->due ? row->due(ev, s, zone_offset) : 0;
        if (row->op == TIMER_SET && (!s->enabled || due <= 0))
            continue;
        timer_plan_t *p = &out[n++];
        p->rule = row->rule;
        p->op = row->op;
        p->resolves = row->resolves;
        memcpy(p->subject, subject, sizeof(p->subject));
        p->due = due;
        p->at = ev->occurred_at;
    }
    return n;
}

/* ---- when a deadline comes due ------------------------------------------ */

/* floor(a / b) for b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return q - (a % b != 0 && a < 0);
}

int timer_local_days(int64_t from, int64_t to, int64_t zone_offset)
{
    return (int)(floor_div(to + zone_offset, FOLLOWUP_DAY_MS) -
                 floor_div(from + zone_offset, FOLLOWUP_DAY_MS));
}

/* The draft of a customer timer that fires. Window: the contact (or due date)
 * it counts from, so each contact period fires once. */
static void customer_draft(alert_draft_t *d, const timer_facts_t *f, int64_t since, int days,
                           int max_days)
{
    COPY(d->subject, f->customer);
    snprintf(d->window, sizeof(d->window), "%" PRId64, since);
    COPY(d->salesperson_id, f->owner);
    COPY(d->customer_id, f->customer);
    COPY(d->customer_class, f->cls >= 0 ? org_customer_classes[f->cls] : "");
    d->occurred_at = f->last_contact;
    d->days = days;
    d->max_days = max_days;
    d->rating = d->nps = -1;
}

static timer_verdict_t check_not_visited(const timer_facts_t *f, const alert_settings_t *s,
                                         int64_t now, int64_t zone, int64_t *due, alert_draft_t *d)
{
    if (f->cls < 0 || f->cls >= FOLLOWUP_CLASSES || f->last_contact <= 0)
        return TIMER_DROP;
    int limit = (int)s->v[f->cls];
    *due = followup_due(f->last_contact, limit, zone);
    if (now < *due)
        return TIMER_LATER;
    customer_draft(d, f, f->last_contact, timer_local_days(f->last_contact, now, zone), limit);
    return TIMER_FIRE;
}

static timer_verdict_t check_followup(const timer_facts_t *f, const alert_settings_t *s,
                                      int64_t now, int64_t zone, int64_t *due, alert_draft_t *d)
{
    if (f->followup_due <= 0)
        return TIMER_DROP;
    *due = f->followup_due;
    if (now < *due)
        return TIMER_LATER;
    int days = f->last_contact > 0 ? timer_local_days(f->last_contact, now, zone) : 0;
    customer_draft(d, f, f->followup_due, days, f->cadence_days);
    return TIMER_FIRE;
}

static timer_verdict_t check_sla(const timer_facts_t *f, const alert_settings_t *s, int64_t now,
                                 int64_t zone, int64_t *due, alert_draft_t *d)
{
    const Nq__Activity *ev = f->opened;
    int k = ev ? sla_index(ev->priority) : -1;
    if (k < 0 || !ev->has_occurred_at || !ev->ticket_id)
        return TIMER_DROP;
    *due = ev->occurred_at + s->v[k] * TIMER_HOUR_MS;
    if (now < *due)
        return TIMER_LATER;
    COPY(d->subject, ev->ticket_id);
    d->window[0] = '\0';
    COPY(d->salesperson_id, f->owner && *f->owner ? f->owner : ev->salesperson_id);
    COPY(d->customer_id, ev->customer_id);
    COPY(d->ticket_id, ev->ticket_id);
    COPY(d->priority, ev->priority);
    COPY(d->event_id, ev->event_id);
    COPY(d->event_type, ev->type);
    d->occurred_at = ev->occurred_at;
    d->hours = (int32_t)((now - ev->occurred_at) / TIMER_HOUR_MS);
    d->max_hours = (int32_t)s->v[k];
    d->rating = d->nps = -1;
    if (strcmp(ev->priority, "urgent") == 0)
        d->severity = "critical";
    return TIMER_FIRE;
}

/* The invoice of f in its customer's receivables (applied at now), or NULL. */
static const nq_ar_invoice_t *invoice_of(const timer_facts_t *f)
{
    for (size_t i = 0; f->ar && f->invoice && i < f->ar->n_inv; i++) {
        if (strcmp(f->ar->inv[i].id, f->invoice) == 0)
            return &f->ar->inv[i];
    }
    return NULL;
}

static timer_verdict_t check_invoice(const timer_facts_t *f, const alert_settings_t *s, int64_t now,
                                     int64_t zone, int64_t *due, alert_draft_t *d)
{
    const nq_ar_invoice_t *inv = invoice_of(f);
    if (!inv) { /* not indexed yet by the customers service: look again soon */
        *due = now + TIMER_RETRY_MS;
        return TIMER_LATER;
    }
    if (inv->open_fen <= 0)
        return TIMER_DROP; /* paid */
    *due = followup_due(inv->due_at, (int)s->v[0], zone);
    if (now < *due)
        return TIMER_LATER;
    snprintf(d->subject, sizeof(d->subject), "%s/%s", f->customer, inv->id);
    d->window[0] = '\0';
    COPY(d->salesperson_id, f->owner && *f->owner ? f->owner : inv->salesperson);
    COPY(d->customer_id, f->customer);
    COPY(d->invoice_id, inv->id);
    COPY(d->order_id, inv->order_id);
    COPY(d->event_id, inv->id);
    COPY(d->event_type, "invoice");
    d->occurred_at = inv->at;
    d->due_at = inv->due_at;
    d->amount_fen = inv->open_fen;
    d->days = (int32_t)nq_ar_days_past_due(inv->due_at, now);
    d->max_days = (int32_t)s->v[0];
    d->rating = d->nps = -1;
    return TIMER_FIRE;
}

typedef struct check_row {
    const char *rule;
    timer_verdict_t (*check)(const timer_facts_t *f, const alert_settings_t *s, int64_t now,
                             int64_t zone, int64_t *due, alert_draft_t *d);
} check_row_t;

static const check_row_t check_rows[] = {
    {"customer_not_visited", check_not_visited},
    {"followup_due", check_followup},
    {"ticket_sla", check_sla},
    {"invoice_past_due", check_invoice},
};

timer_verdict_t timer_check(const alert_rule_t *r, const timer_facts_t *f,
                            const alert_settings_t *s, int64_t now, int64_t zone_offset,
                            int64_t *due, alert_draft_t *d)
{
    if (!f->found || !s->enabled)
        return TIMER_DROP;
    for (size_t i = 0; i < sizeof(check_rows) / sizeof(check_rows[0]); i++) {
        if (strcmp(check_rows[i].rule, r->key) != 0)
            continue;
        memset(d, 0, sizeof(*d));
        d->rule = r->key;
        d->severity = r->severity;
        return check_rows[i].check(f, s, now, zone_offset, due, d);
    }
    return TIMER_DROP;
}

/* A plan that clears (and resolves) "<rule>|<customer>/<what>" at now; 0 when it does not fit. */
static size_t settle(timer_plan_t *p, const char *rule, const char *customer, const char *what,
                     int64_t now)
{
    memset(p, 0, sizeof(*p));
    if (snprintf(p->subject, sizeof(p->subject), "%s/%s", customer, what) >=
        (int)sizeof(p->subject))
        return 0;
    p->rule = rule;
    p->op = TIMER_CLEAR;
    p->resolves = true;
    p->at = now;
    return 1;
}

int timer_invoice_subject(const char *subject, char *customer, size_t clen, char *invoice,
                          size_t ilen)
{
    const char *slash = strchr(subject, '/');
    size_t n = slash ? (size_t)(slash - subject) : strlen(subject);
    if (n == 0 || n >= clen || (slash && (!slash[1] || strlen(slash + 1) >= ilen)))
        return -1;
    memcpy(customer, subject, n);
    customer[n] = '\0';
    snprintf(invoice, ilen, "%s", slash ? slash + 1 : "");
    return 0;
}

size_t timer_settled(const nq_ar_t *ar, const char *customer, int64_t limit_fen,
                     const char *const *flagged, size_t n_flagged, const alert_settings_t *s,
                     int64_t now, int64_t zone_offset, timer_plan_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; ar && i < ar->n_inv && n < max; i++) {
        const nq_ar_invoice_t *inv = &ar->inv[i];
        if (inv->at > now || inv->open_fen > 0 ||
            followup_due(inv->due_at, (int)s->v[0], zone_offset) > now)
            continue; /* not yet billed, still open, or never past due */
        n += settle(&out[n], "invoice_past_due", customer, inv->id, now);
    }
    nq_ar_aging_t a = {0};
    if (ar)
        nq_ar_age(ar, now, NULL, &a);
    if (limit_fen < 0 || a.balance_fen >= limit_fen)
        return n;
    for (size_t i = 0; i < n_flagged && n < max; i++)
        n += settle(&out[n], "credit_limit", customer, flagged[i], now);
    return n;
}

int timer_member(char *buf, size_t len, const char *rule, const char *subject)
{
    int n = snprintf(buf, len, "%s|%s", rule, subject);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

const alert_rule_t *timer_member_parse(const char *member, const char **subject)
{
    const char *bar = member ? strchr(member, '|') : NULL;
    char key[64];
    if (!bar || bar == member || (size_t)(bar - member) >= sizeof(key) || !bar[1])
        return NULL;
    memcpy(key, member, (size_t)(bar - member));
    key[bar - member] = '\0';
    const alert_rule_t *r = alert_rule_find(key);
    if (!r || r->kind != ALERT_KIND_TIMER)
        return NULL;
    *subject = bar + 1;
    return r;
}

/* ---- the rows' evaluators and titles --------------------------------------- */

bool timer_on_event(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                    alert_draft_t *out)
{
    return false;
}

static const char *shown(const char *name, const char *id)
{
    return name && *name ? name : id;
}

static void date_of(int64_t ms, char *buf, size_t len)
{
    char full[48];
    if (nq_time_format(ms, full, sizeof(full)) <= 0)
        full[0] = '\0';
    snprintf(buf, len, "%.10s", full);
}

void timer_not_visited_describe(alert_draft_t *d, const alert_names_t *n)
{
    const char *cu = shown(n->customer, d->customer_id);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    char last[16];
    date_of(d->occurred_at, last, sizeof(last));
    switch (followup_class(d->customer_class)) {
    case 0:
        snprintf(d->title_en, sizeof(d->title_en),
                 NQ_REASON("Key customer %s not visited for %d days (limit %d days)"), cu, d->days,
                 d->max_days);
        break;
    case 2:
        snprintf(d->title_en, sizeof(d->title_en),
                 NQ_REASON("Potential customer %s not visited for %d days (limit %d days)"), cu,
                 d->days, d->max_days);
        break;
    default:
        snprintf(d->title_en, sizeof(d->title_en),
                 NQ_REASON("Customer %s not visited for %d days (limit %d days)"), cu, d->days,
                 d->max_days);
    }
    snprintf(
        d->explanation_en, sizeof(d->explanation_en),
        NQ_REASON("The last visit, call or meeting was on %s; %s is to follow up every %d days."),
        last, sp, d->max_days);
    alert_draft_zh(d);
    snprintf(d->link, sizeof(d->link), "/customers/%s", d->customer_id);
}

void timer_followup_describe(alert_draft_t *d, const alert_names_t *n)
{
    const char *cu = shown(n->customer, d->customer_id);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    char due[16];
    date_of(strtoll(d->window, NULL, 10) - 1, due, sizeof(due));
    snprintf(d->title_en, sizeof(d->title_en),
             NQ_REASON("Follow-up overdue: %s's customer %s, due by %s"), sp, cu, due);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             NQ_REASON("The follow-up cadence is %d days; the last visit, call or meeting was %d "
                       "days ago."),
             d->max_days, d->days);
    alert_draft_zh(d);
    snprintf(d->link, sizeof(d->link), "/customers/%s", d->customer_id);
}

void timer_invoice_describe(alert_draft_t *d, const alert_names_t *n)
{
    char open[NQ_MONEY_BUF], due[16];
    nq_money_format_grouped(d->amount_fen, open, sizeof(open));
    date_of(d->due_at, due, sizeof(due));
    const char *cu = shown(n->customer, d->customer_id);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    snprintf(d->title, sizeof(d->title), "%s 发票 %s 逾期 %d 天未付：未付 ¥%s", cu, d->invoice_id,
             d->days, open);
    snprintf(d->title_en, sizeof(d->title_en),
             "%s: invoice %s unpaid %d day%s past due: CNY %s open", cu, d->invoice_id, d->days,
             d->days == 1 ? "" : "s", open);
    snprintf(d->explanation, sizeof(d->explanation),
             "发票到期日 %s，宽限 %d 天；回款按最早的发票先冲抵后仍未付 ¥%s。请 %s 催收。", due,
             d->max_days, open, sp);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             "Due on %s with %d grace days; CNY %s is still open with payments applied to the "
             "oldest invoices first. %s to collect.",
             due, d->max_days, open, sp);
    snprintf(d->link, sizeof(d->link), "/customers/%s", d->customer_id);
}

void timer_sla_describe(alert_draft_t *d, const alert_names_t *n)
{
    const char *cu = shown(n->customer, d->customer_id);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    snprintf(d->title_en, sizeof(d->title_en),
             NQ_REASON("Ticket %s not closed within %d hours: %s's customer %s"), d->ticket_id,
             d->max_hours, sp, cu);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             NQ_REASON("The %s-priority ticket has been open %d hours; its SLA is %d hours."),
             d->priority, d->hours, d->max_hours);
    alert_draft_zh(d);
    if (*d->customer_id)
        snprintf(d->link, sizeof(d->link), "/customers/%s", d->customer_id);
    else
        snprintf(d->link, sizeof(d->link), "/salespeople/%s", d->salesperson_id);
}
