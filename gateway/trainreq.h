/* gateway/trainreq.h — required training courses (pure, JSON in and out).
 *
 * A coordinator declares the courses every salesperson must take: the
 * company's list, and each team's on top of it. A document is
 * {"courses": ["安全生产", "产品知识"]}: at most GW_TRAINREQ_MAX names of
 * 1..GW_TRAINREQ_NAME_MAX bytes, none twice. A salesperson has done a
 * required course in a period when a `training` event of theirs in it names
 * it as its `course` (exactly); a team's required completion is the share of
 * its members who have done every required course (nq_training_completion).
 *
 *   nq_field_errors_t errs = {0};
 *   if (gw_trainreq_check(body, &errs) != 0) ... 400 naming errs
 *   json_t *req = gw_trainreq_union(company_doc, team_doc);   // ["安全生产", ...]
 *   bool all;
 *   json_t *st = gw_trainreq_status(req, courses, &all);      // {"done":[...],"missing":[...]}
 */
#ifndef NQ_GATEWAY_TRAINREQ_H
#define NQ_GATEWAY_TRAINREQ_H

#include <jansson.h>
#include <stdbool.h>

#include "nq/fielderr.h"

#define GW_TRAINREQ_MAX      50  /* courses a list may require */
#define GW_TRAINREQ_NAME_MAX 100 /* bytes of a course name */

/* 0 when doc is a valid document; -1 with every problem added to errs
 * (field "courses", "courses[<i>]", or the unknown member's name). */
int gw_trainreq_check(const json_t *doc, nq_field_errors_t *errs);

/* The courses of company_doc, then those of team_doc not already listed
 * (either may be NULL or not a valid document: no courses). New array,
 * NULL when out of memory. */
json_t *gw_trainreq_union(const json_t *company_doc, const json_t *team_doc);

/* Of the required names, those a course of `courses` (an array of
 * gw_course_json objects; NULL: none) names, and the others:
 * {"done": [...], "missing": [...]}, in the order required lists them.
 * *complete is true when none is missing. New object, NULL when out of
 * memory. */
json_t *gw_trainreq_status(const json_t *required, const json_t *courses, bool *complete);

#endif
