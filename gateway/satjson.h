/* gateway/satjson.h — satisfaction and training figures as JSON (pure):
 * one period's figures, a period with the one before and the change, a
 * feedback event as a comment, a training event as a course.
 *
 *   json_t *o = gw_satisf_compare_json(&nov, &cur, &oct, &prev);
 *   // {"period":"2026-11","avg_rating":4.5,"nps":33.3,"ratings":2,...,
 *   //  "previous":{"period":"2026-10",...},"change":{"avg_rating":0.5,"nps":-10.0}}
 */
#ifndef NQ_GATEWAY_SATJSON_H
#define NQ_GATEWAY_SATJSON_H

#include <jansson.h>

#include "neiqin.pb-c.h"
#include "nq/period.h"
#include "nq/satisf.h"

#define GW_COMMENTS_MAX 10 /* the last comments an answer lists */

/* {"period", "avg_rating" (2 decimals) | null, "ratings", "nps" (1 decimal) |
 * null, "nps_answers", "promoters", "detractors" (null unless split)}.
 * New reference, NULL when out of memory. */
json_t *gw_satisf_json(const nq_period_t *p, const nq_satisf_t *s);

/* gw_satisf_json of cur, with "previous" (gw_satisf_json of prev) and
 * "change" (avg_rating and nps: current minus previous, null unless both
 * are defined). New reference, NULL when out of memory. */
json_t *gw_satisf_compare_json(const nq_period_t *p, const nq_satisf_t *cur, const nq_period_t *pp,
                               const nq_satisf_t *prev);

/* A feedback event as a comment: {"at", "salesperson_id", "customer_id",
 * "rating" | null, "nps" | null, "channel" | null, "text" | null,
 * "event_id"}. New reference, NULL when out of memory. */
json_t *gw_comment_json(const Nq__Activity *ev);

/* A training event as a course: {"at", "course", "score" | null, "hours"
 * (2 decimals) | null, "event_id"}. New reference, NULL when out of memory. */
json_t *gw_course_json(const Nq__Activity *ev);

#endif
