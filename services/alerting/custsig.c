/* custsig.c — the customer signals' rules. See custsig.h. */
#include "custsig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"
#include "nq/money.h"
#include "timerules.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

/* ---- parsing: one row per field ------------------------------------------ */

typedef enum { F_ID, F_OPT_ID, F_TEXT, F_INT } ftype_t;

typedef struct field {
    const char *name; /* the entry's field */
    ftype_t type;     /* how it reads */
    size_t off;       /* where it goes in custsig_t */
    size_t len;       /* its buffer (strings) */
} field_t;

#define STR(n, t, m)                                                                               \
    {                                                                                              \
        n, t, offsetof(custsig_t, m), sizeof(((custsig_t *)0)->m)                                  \
    }
#define NUM(n, m)                                                                                  \
    {                                                                                              \
        n, F_INT, offsetof(custsig_t, m), 0                                                        \
    }

static const field_t credit_fields[] = {
    STR("customer_id", F_ID, customer_id),
    STR("salesperson_id", F_ID, salesperson_id),
    STR("ref", F_TEXT, ref),
    STR("order_id", F_OPT_ID, order_id),
    NUM("at", at),
    NUM("amount_fen", amount_fen),
    NUM("balance_fen", balance_fen),
    NUM("limit_fen", limit_fen),
};
static const field_t pool_fields[] = {
    STR("customer_id", F_ID, customer_id),
    STR("salesperson_id", F_ID, salesperson_id),
    STR("team_id", F_OPT_ID, team_id),
    NUM("due", due),
    NUM("days", days),
};

typedef struct kind {
    const char *name;      /* the entry's kind */
    const field_t *fields; /* what it carries, all required */
    size_t n;
} kind_t;

#define FIELDS(a) a, sizeof(a) / sizeof(a[0])
static const kind_t kinds[] = {
    {"credit_limit", FIELDS(credit_fields)},
    {"pool_warning", FIELDS(pool_fields)},
};

static const char *value_of(const char *const *fv, size_t n, const char *name)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (fv[i] && fv[i + 1] && strcmp(fv[i], name) == 0)
            return fv[i + 1];
    }
    return NULL;
}

static int take(custsig_t *s, const field_t *f, const char *v)
{
    char *dst = (char *)s + f->off;
    switch (f->type) {
    case F_ID:
        if (!nq_valid_id(v))
            return -1;
        break;
    case F_OPT_ID:
        if (*v && !nq_valid_id(v))
            return -1;
        break;
    case F_TEXT:
        if (strlen(v) >= f->len)
            return -1;
        break;
    case F_INT: {
        char *end;
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (!*v || *end || errno)
            return -1;
        if (f->off == offsetof(custsig_t, days)) {
            if (x < 0 || x > INT32_MAX)
                return -1;
            s->days = (int32_t)x;
        } else {
            memcpy(dst, &(int64_t){x}, sizeof(int64_t));
        }
        return 0;
    }
    }
    snprintf(dst, f->len, "%s", v);
    return 0;
}

int custsig_parse(custsig_t *s, const char *const *fv, size_t n, const char **why)
{
    memset(s, 0, sizeof(*s));
    *why = "kind: not a known signal";
    const char *kind = value_of(fv, n, "kind");
    for (size_t k = 0; kind && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        if (strcmp(kinds[k].name, kind) != 0)
            continue;
        s->rule = alert_rule_find(kind);
        if (!s->rule)
            return -1;
        for (size_t i = 0; i < kinds[k].n; i++) {
            const char *v = value_of(fv, n, kinds[k].fields[i].name);
            if (!v || take(s, &kinds[k].fields[i], v) != 0) {
                *why = kinds[k].fields[i].name;
                return -1;
            }
        }
        *why = NULL;
        return 0;
    }
    return -1;
}

/* ---- drafts ---------------------------------------------------------------- */

static void draft_start(alert_draft_t *d, const custsig_t *s)
{
    memset(d, 0, sizeof(*d));
    d->rule = s->rule->key;
    d->severity = s->rule->severity;
    d->rating = d->nps = -1;
    COPY(d->subject, s->customer_id);
    COPY(d->customer_id, s->customer_id);
    COPY(d->salesperson_id, s->salesperson_id);
}

static bool credit_draft(const custsig_t *s, int64_t recency_ms, int64_t now, int64_t zone,
                         alert_draft_t *d)
{
    if (recency_ms > 0 && s->at < now - recency_ms)
        return false; /* an old order's flag (a replay): nothing "now" */
    draft_start(d, s);
    COPY(d->window, s->ref);
    COPY(d->order_id, s->order_id);
    COPY(d->event_type, "order");
    d->occurred_at = s->at;
    d->amount_fen = s->amount_fen;
    d->balance_fen = s->balance_fen;
    d->threshold_fen = s->limit_fen;
    d->headroom_fen = s->limit_fen - s->balance_fen;
    d->has_headroom = true;
    return true;
}

static bool pool_draft(const custsig_t *s, int64_t recency_ms, int64_t now, int64_t zone,
                       alert_draft_t *d)
{
    if (now >= s->due)
        return false; /* gone to the pool already: nothing to warn of */
    draft_start(d, s);
    snprintf(d->window, sizeof(d->window), "%" PRId64, s->due);
    d->due_at = s->due;
    d->max_days = s->days;
    /* due is the local midnight after the pool period's last day (followup_due):
     * days not contacted now = period + 1 - whole local days still to go */
    int left = timer_local_days(now, s->due, zone);
    d->days = s->days + 1 - left > 0 ? s->days + 1 - left : 0;
    return true;
}

typedef struct draft_row {
    const char *rule; /* the rule's key */
    bool (*draft)(const custsig_t *s, int64_t recency_ms, int64_t now, int64_t zone,
                  alert_draft_t *d); /* its alert, when it raises one */
    bool resolves;                   /* its alerts resolve by themselves (timers.h) */
} draft_row_t;

static const draft_row_t draft_rows[] = {
    {"credit_limit", credit_draft, true}, /* a payment under the limit */
    {"pool_warning", pool_draft, false},
};

static const draft_row_t *draft_row(const char *rule)
{
    for (size_t i = 0; rule && i < sizeof(draft_rows) / sizeof(draft_rows[0]); i++)
        if (strcmp(draft_rows[i].rule, rule) == 0)
            return &draft_rows[i];
    return NULL;
}

int custsig_open_member(const alert_draft_t *d, char *buf, size_t len)
{
    const draft_row_t *row = draft_row(d->rule);
    char subject[300];
    if (len == 0)
        return -1;
    *buf = '\0';
    if (!row || !row->resolves)
        return 0;
    int n = snprintf(subject, sizeof(subject), "%s/%s", d->customer_id, d->window);
    if (n < 0 || (size_t)n >= sizeof(subject))
        return -1;
    return timer_member(buf, len, d->rule, subject);
}

bool custsig_draft(const custsig_t *s, const alert_settings_t *set, int64_t recency_ms, int64_t now,
                   int64_t zone_offset, alert_draft_t *d)
{
    if (!s->rule || !set->enabled)
        return false;
    const draft_row_t *row = draft_row(s->rule->key);
    return row && row->draft(s, recency_ms, now, zone_offset, d);
}

/* ---- titles ------------------------------------------------------------------ */

static const char *shown(const char *name, const char *id)
{
    return name && *name ? name : id;
}

void custsig_credit_describe(alert_draft_t *d, const alert_names_t *n)
{
    char amount[NQ_MONEY_BUF], balance[NQ_MONEY_BUF], limit[NQ_MONEY_BUF], room[NQ_MONEY_BUF];
    nq_money_format_grouped(d->amount_fen, amount, sizeof(amount));
    nq_money_format_grouped(d->balance_fen, balance, sizeof(balance));
    nq_money_format_grouped(d->threshold_fen, limit, sizeof(limit));
    nq_money_format_grouped(d->headroom_fen, room, sizeof(room));
    const char *cu = shown(n->customer, d->customer_id);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    snprintf(d->title, sizeof(d->title), "%s 订单 ¥%s 超出信用额度：应收 ¥%s + 订单 > 额度 ¥%s", cu,
             amount, balance, limit);
    snprintf(d->title_en, sizeof(d->title_en),
             "%s: order of CNY %s exceeds the credit limit: receivables CNY %s + order > limit "
             "CNY %s",
             cu, amount, balance, limit);
    snprintf(
        d->explanation, sizeof(d->explanation),
        "%s 录入的订单%s%s 使客户应收余额超过信用额度；下单前可用额度 ¥%s。请确认回款或调整额度。",
        sp, *d->order_id ? " " : "", d->order_id, room);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             "The order%s%s recorded by %s takes the customer's open receivables above its credit "
             "limit; the headroom before it was CNY %s. Confirm payment or review the limit.",
             *d->order_id ? " " : "", d->order_id, sp, room);
    snprintf(d->link, sizeof(d->link), "/customers/%s", d->customer_id);
}

void custsig_pool_describe(alert_draft_t *d, const alert_names_t *n)
{
    const char *cu = shown(n->customer, d->customer_id);
    const char *sp = shown(n->salesperson, d->salesperson_id);
    int left = d->max_days + 1 - d->days; /* as custsig_draft counted */
    snprintf(d->title, sizeof(d->title), "%s 将于 %d 天后退回公海（已 %d 天未跟进）", cu, left,
             d->days);
    snprintf(d->title_en, sizeof(d->title_en),
             "%s goes back to the public pool in %d day%s (not followed up for %d days)", cu, left,
             left == 1 ? "" : "s", d->days);
    snprintf(d->explanation, sizeof(d->explanation),
             "%s 负责的客户 %s 超过 %d 天未拜访、通话或会面即退回公海；请在此之前跟进。", sp, cu,
             d->max_days);
    snprintf(d->explanation_en, sizeof(d->explanation_en),
             "%s's customer %s goes back to the pool after %d days without a visit, call or "
             "meeting; follow up before then.",
             sp, cu, d->max_days);
    snprintf(d->link, sizeof(d->link), "/customers/%s", d->customer_id);
}
