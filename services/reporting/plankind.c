/* plankind.c — plan kinds and stored versions (pure). See plankind.h. */
#include "plankind.h"

#include <jansson.h>
#include <string.h>

static int parse_scorecard(const json_t *doc, plan_t *p, nq_field_errors_t *errs, int64_t *from)
{
    int rc = scorecard_parse(doc, &p->scorecard, errs);
    *from = p->scorecard.effective_from;
    return rc;
}

static int parse_commission(const json_t *doc, plan_t *p, nq_field_errors_t *errs, int64_t *from)
{
    int rc = commission_parse(doc, &p->commission, errs);
    *from = p->commission.effective_from;
    return rc;
}

static const struct {
    const char *name; /* "scorecard" */
    int (*parse)(const json_t *doc, plan_t *p, nq_field_errors_t *errs, int64_t *from);
} kinds[PLAN_KINDS] = {
    [PLAN_SCORECARD] = {"scorecard", parse_scorecard},
    [PLAN_COMMISSION] = {"commission", parse_commission},
};

const char *plan_kind_name(plan_kind_t k)
{
    return kinds[k].name;
}

int plan_kind_find(const char *name)
{
    for (int k = 0; name && k < PLAN_KINDS; k++) {
        if (strcmp(kinds[k].name, name) == 0)
            return k;
    }
    return -1;
}

/* Parse JSON text as plan `k`. Returns 0, or -1 with errs filled. */
int plan_from_text(plan_kind_t k, const char *text, plan_t *p, nq_field_errors_t *errs)
{
    memset(p, 0, sizeof(*p));
    json_error_t jerr;
    json_t *doc = text ? json_loads(text, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    int64_t from;
    int rc = -1;
    if (!doc)
        nq_field_errors_add(errs, kinds[k].name, "is not valid JSON");
    else if ((rc = kinds[k].parse(doc, p, errs, &from)) == 0) {
        p->present = true;
        p->version = (int)json_integer_value(json_object_get(doc, "version"));
    }
    json_decref(doc);
    return rc;
}

/* The version in force from ZREVRANGEBYSCORE ... WITHSCORES (latest date
 * first): the highest version among those of the latest date. */
void plan_in_force(const redisReply *reply, plan_kind_t k, plan_t *out)
{
    plan_t best = {0};
    const char *top = NULL;
    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
        const char *score = reply->element[i + 1]->str;
        if (top && strcmp(score, top) != 0)
            break;
        top = score;
        plan_t p;
        nq_field_errors_t ignore = {0};
        if (plan_from_text(k, reply->element[i]->str, &p, &ignore) == 0 && p.version > best.version)
            best = p;
    }
    *out = best;
}
