/* nq/workdays.h — the working-day calendar, for pacing targets (pure).
 *
 * A day is a working day when it is Monday to Friday and not a holiday, or
 * when it is a make-up working day (调休上班), as Chinese companies have them.
 * Holidays and make-up days come from the configuration:
 *   NQ_HOLIDAYS="2026-10-01..2026-10-07,2026-12-25"
 *   NQ_MAKEUP_WORKDAYS="2026-09-27,2026-10-10"
 *
 *   nq_calendar_t cal;
 *   if (nq_calendar_parse(&cal, holidays, makeup, &why) != 0) ... why ...
 *   double total, elapsed;
 *   nq_workdays(&cal, &month, nq_now_ms(), &total, &elapsed);
 *   nq_calendar_free(&cal);
 */
#ifndef NQ_WORKDAYS_H
#define NQ_WORKDAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/period.h"

/* Most days the two lists may name together (ranges count day by day). */
#define NQ_CALENDAR_MAX_DAYS 2000

typedef struct nq_calendar {
    char (*holidays)[11]; /* "YYYY-MM-DD", sorted */
    size_t n_holidays;    /* entries */
    char (*makeup)[11];   /* make-up working days, sorted */
    size_t n_makeup;      /* entries */
} nq_calendar_t;

/* Parse the two lists (NULL or "" for none): dates "YYYY-MM-DD" and ranges
 * "a..b" (a <= b, at most 366 days), separated by commas.
 * Returns 0, or -1 with a static reason (cal is then empty). */
int nq_calendar_parse(nq_calendar_t *cal, const char *holidays, const char *makeup,
                      const char **why);

void nq_calendar_free(nq_calendar_t *cal);

/* Is the day containing `at_ms` (in the configured zone) a working day? */
bool nq_calendar_workday(const nq_calendar_t *cal, int64_t at_ms);

/* Working days in period `p` (total) and how many of them have passed at
 * `now_ms` (elapsed; the current working day counts by the fraction of it
 * gone). elapsed = total once the period is over, 0 before it starts. */
void nq_workdays(const nq_calendar_t *cal, const nq_period_t *p, int64_t now_ms, double *total,
                 double *elapsed);

#endif
