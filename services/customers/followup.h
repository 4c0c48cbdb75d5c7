/* services/customers/followup.h — follow-up cadence and due dates (pure).
 *
 * Each customer with an owner is due a follow-up (a visit, a call or a
 * meeting) every `cadence` days, by its class: company defaults
 * (FOLLOWUP_DEFAULT_*), which a team may override per class for the
 * customers its members own. The base is the customer's last contact, or
 * when it was never contacted its `since` (when its owner and class took
 * effect). Days are local days (nq/period.h, Asia/Shanghai): contacted on
 * day D with cadence c, the customer is due by the end of day D + c and
 * overdue from the local midnight that starts day D + c + 1, which is what
 * followup_due answers and what the scripts store (common/lua/lib/
 * followup.lua computes the same from the offset followup_zone_offset
 * gives them).
 *
 * Keys (nq/keys.h): nq:followup:last (HASH customer -> last contact, kept by
 * the activity indexer whether or not the customer is in the directory yet),
 * nq:followup:due (ZSET customer -> overdue-from), nq:cadence (HASH
 * "<team>:<class>" -> days) and the list index nq:ix:customers:overdue=followup.
 *
 *   int days[FOLLOWUP_CLASSES];
 *   followup_defaults(days);                              // 7, 30, 14
 *   int64_t due = followup_due(last_contact, days[followup_class("key")],
 *                              followup_zone_offset());
 */
#ifndef NQ_CUSTOMERS_FOLLOWUP_H
#define NQ_CUSTOMERS_FOLLOWUP_H

#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"

#define FOLLOWUP_DEFAULT_KEY       7
#define FOLLOWUP_DEFAULT_NORMAL    30
#define FOLLOWUP_DEFAULT_POTENTIAL 14
#define FOLLOWUP_DAYS_MAX          365
#define FOLLOWUP_DAY_MS            86400000LL

/* The classes in org_customer_classes' order: key, normal, potential. */
#define FOLLOWUP_CLASSES 3

/* The event types that count as a contact, NULL-terminated. */
extern const char *const followup_contact_types[];

/* Whether an event of `type` is a contact. */
int followup_is_contact(const char *type);

/* The company defaults, in class order. */
void followup_defaults(int days[FOLLOWUP_CLASSES]);

/* Where `cls` is in class order, or -1. */
int followup_class(const char *cls);

/* Check a team's cadence: each of key_days, normal_days, potential_days
 * absent (the company default) or 1 .. FOLLOWUP_DAYS_MAX. Errors name the
 * field. Returns 0 or -1. */
int followup_check(const Nq__TeamCadence *c, nq_field_errors_t *errs);

/* What local midnights are away from UTC midnights, ms (28800000 in
 * Asia/Shanghai): local day of t = floor((t + offset) / day). */
int64_t followup_zone_offset(void);

/* The instant a customer contacted (or assigned) at `base` with a cadence
 * of `days` becomes overdue: the local midnight that starts day
 * day(base) + days + 1. */
int64_t followup_due(int64_t base, int days, int64_t zone_offset);

#endif
