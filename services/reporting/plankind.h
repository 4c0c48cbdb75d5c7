/* services/reporting/plankind.h — the two kinds of plan a team keeps
 * (scorecard, commission plan; rules in plans.h) as stored versions: a kind
 * by name, a version parsed from its JSON text, the version in force among
 * those read (pure).
 *
 * A team's versions of one kind are a sorted set (nq_key_plans) of JSON
 * documents scored by effective_from; the one in force at t is the highest
 * version among those of the latest effective_from not after t:
 *   ZREVRANGEBYSCORE <key> <t> -inf WITHSCORES LIMIT 0 PLAN_VERSIONS_SCAN
 *   plan_t p;
 *   plan_in_force(reply, PLAN_SCORECARD, &p);   // p.present when one applies
 */
#ifndef NQ_REPORTING_PLANKIND_H
#define NQ_REPORTING_PLANKIND_H

#include <hiredis/hiredis.h>
#include <stdbool.h>

#include "nq/fielderr.h"
#include "plans.h"

/* Largest plan document accepted, bytes. */
#define PLAN_DOC_MAX 65536
/* Versions read, latest date first, to find the one in force. */
#define PLAN_VERSIONS_SCAN 16

typedef enum { PLAN_SCORECARD, PLAN_COMMISSION, PLAN_KINDS } plan_kind_t;

/* A parsed plan of either kind. */
typedef struct plan {
    bool present;                 /* a version applies */
    int version;                  /* its number, 0 for a draft */
    scorecard_t scorecard;        /* PLAN_SCORECARD */
    commission_plan_t commission; /* PLAN_COMMISSION */
} plan_t;

/* "scorecard" or "commission": the API's and the key's name of kind k. */
const char *plan_kind_name(plan_kind_t k);

/* The kind of a name, or -1. */
int plan_kind_find(const char *name);

/* Parse JSON text as plan `k`. Returns 0, or -1 with errs filled. */
int plan_from_text(plan_kind_t k, const char *text, plan_t *p, nq_field_errors_t *errs);

/* The version in force from ZREVRANGEBYSCORE ... WITHSCORES (latest date
 * first): the highest version among those of the latest date. */
void plan_in_force(const redisReply *reply, plan_kind_t k, plan_t *out);

#endif
