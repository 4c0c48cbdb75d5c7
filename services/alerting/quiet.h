/* services/alerting/quiet.h — a team's quiet hours (pure).
 *
 * During a team's quiet hours (in the configured zone, e.g. 22:00-08:00, which
 * crosses midnight) its channels get no pushes: deliveries of alerts below
 * critical are held (state "held", visible on the alert) and go when the
 * window ends; critical alerts and test messages pass through. The alerts
 * themselves are raised and listed as always (the console and SSE are not
 * held). Stored per team as JSON in nq:alert:quiet, in the shape
 * PUT /api/v1/teams/{id}/quiet-hours takes:
 *
 *   {"start": "22:00", "end": "08:00"}          ({} clears them)
 *
 *   quiet_t q; nq_field_errors_t errs = {0};
 *   if (quiet_parse(body, &q, &errs) != 0) ... 400 ...
 *   int64_t until = quiet_until(&q, now, day.start_ms, day.end_ms);
 *   if (until && !critical) ... hold until `until` ...
 */
#ifndef NQ_ALERTING_QUIET_H
#define NQ_ALERTING_QUIET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "nq/fielderr.h"

typedef struct quiet {
    bool set;      /* false: no quiet hours */
    int start_min; /* minute of the day it starts, 0..1439 */
    int end_min;   /* minute of the day it ends (exclusive); before start: the next day */
} quiet_t;

/* "HH:MM" (00:00 .. 23:59) -> minute of the day, or -1 (NULL too). */
int quiet_hhmm(const char *s);

/* Check a body {"start": "HH:MM", "end": "HH:MM"} or {} (none). Returns 0,
 * or -1 with the reasons in errs (fields start, end, or an unknown one). */
int quiet_parse(const json_t *body, quiet_t *q, nq_field_errors_t *errs);

/* Read the stored JSON (NULL or "": none). Returns 0 or -1 (q unset then). */
int quiet_load(const char *text, quiet_t *q);

/* {"start": "HH:MM", "end": "HH:MM"}, or {} when unset. New reference. */
json_t *quiet_json(const quiet_t *q);

/* When the quiet window that `now` is in ends (Unix ms), or 0 when now is not
 * in quiet hours. day_start and day_end bound now's calendar day in the zone. */
int64_t quiet_until(const quiet_t *q, int64_t now, int64_t day_start, int64_t day_end);

/* Does a delivery of an alert of `severity` wait out the quiet hours? */
bool quiet_holds(const char *severity);

#endif
