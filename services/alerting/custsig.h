/* services/alerting/custsig.h — the customer signals' rules (pure).
 *
 * The customers service appends signals to nq:customer:signals (nq/keys.h)
 * that only it can tell: an order its activity indexer flagged for taking
 * the customer's open balance above its credit limit (kind credit_limit,
 * appended in the script that sets the flag), and the pool sweep's warning
 * that a customer goes back to the public pool soon (kind pool_warning).
 * sigread.h reads them; this module turns one entry into an alert draft:
 *   credit_limit  one alert per flagged order: subject the customer, window
 *                 the order's timeline ref; about the event as it happened
 *                 (a replayed flag of an old order raises nothing now);
 *   pool_warning  one alert per (customer, pool time) to the owner; nothing
 *                 once the pool time has passed (the customer moved).
 *
 *   custsig_t s;
 *   if (custsig_parse(&s, fields, n) == 0 &&
 *       custsig_draft(&s, &settings[rule], recency_ms, now, zone, &d)) ... raise d ...
 */
#ifndef NQ_ALERTING_CUSTSIG_H
#define NQ_ALERTING_CUSTSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/* One signal entry, as read. */
typedef struct custsig {
    const alert_rule_t *rule; /* the rule of its kind */
    char customer_id[72];
    char salesperson_id[72]; /* the order's salesperson; the owner to warn */
    char team_id[72];        /* pool_warning: the owner's team ("" none) */
    char ref[72];            /* credit_limit: the order's timeline ref */
    char order_id[72];       /* credit_limit: its order id ("" none) */
    int64_t at;              /* credit_limit: when the order happened; pool: last contact (0) */
    int64_t due;             /* pool_warning: when it goes to the pool */
    int64_t amount_fen;      /* credit_limit: the order */
    int64_t balance_fen;     /* credit_limit: open balance before it */
    int64_t limit_fen;       /* credit_limit: the customer's limit */
    int32_t days;            /* pool_warning: the pool period, days */
} custsig_t;

/* Parse n alternating field/value strings of an entry. 0, or -1 when it is
 * not a signal of a known kind with its fields (such an entry raises nothing);
 * *why then names the field and why. */
int custsig_parse(custsig_t *s, const char *const *fv, size_t n, const char **why);

/* Does signal s raise its rule's alert with settings set at now? Fills *d
 * (rule, severity, subject, window, who, numbers). zone_offset: local time's
 * offset from UTC, ms (days are local days). */
bool custsig_draft(const custsig_t *s, const alert_settings_t *set, int64_t recency_ms, int64_t now,
                   int64_t zone_offset, alert_draft_t *d);

/* The field of d's auto-resolve record (nq:alert:timer:open, timers.h) written
 * with the alert: "credit_limit|<customer>/<order ref>"; "" for a rule whose
 * alerts do not resolve by themselves. 0, or -1 when it does not fit in len. */
int custsig_open_member(const alert_draft_t *d, char *buf, size_t len);

/* The signal rows' titles and explanations, for the rule table. */
void custsig_credit_describe(alert_draft_t *d, const alert_names_t *names);
void custsig_pool_describe(alert_draft_t *d, const alert_names_t *names);

#endif
