/* subject.c — whose figures a request asks for. See subject.h. */
#include "subject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

void subject_check(bool has, Nq__Subject subject, const char *id, subject_ref_t *out,
                   nq_field_errors_t *errs)
{
    out->subject = has ? (nq_subject_t)subject : NQ_SUBJECT_SALESPERSON;
    if ((unsigned)out->subject > NQ_SUBJECT_COMPANY) {
        nq_field_errors_add(errs, "subject", "must be salesperson, team or company");
        return;
    }
    if (out->subject == NQ_SUBJECT_COMPANY) {
        out->id[0] = '\0';
        return;
    }
    if (!nq_valid_id(id))
        nq_field_errors_add(errs, "id", NQ_ID_RULE);
    else
        snprintf(out->id, sizeof(out->id), "%s", id);
}

void subject_check_period(const char *kind_name, bool has_at, int64_t at, nq_period_t *out,
                          nq_field_errors_t *errs)
{
    nq_period_kind_t kind;
    if (nq_period_kind_parse(kind_name, &kind) != 0)
        nq_field_errors_add(errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_of(kind, has_at ? at : nq_now_ms(), out) != 0)
        nq_field_errors_add(errs, "at", "is outside the calendar");
}

void *subject_call_new(size_t size, reporting_t *app, const nq_bus_envelope_t *env,
                       const char *correlation_id, nq_call_answer_fn answer, members_fn on_members)
{
    subject_call_t *c = calloc(1, size);
    if (!c || !(c->roster = roster_new()) ||
        nq_call_init(&c->base, env, correlation_id, answer) != 0) {
        if (c)
            free(c->roster);
        free(c);
        nq_log_error("kpiview_request", "cannot serve %s: out of memory", env->type);
        return NULL;
    }
    c->app = app;
    c->on_members = on_members;
    app->inflight++;
    return c;
}

void subject_cleanup(subject_call_t *c)
{
    c->app->inflight--;
    nq_call_cleanup(&c->base);
    free(c->name);
    roster_free(&c->roster);
}

static void on_roster(roster_t *ro, void *data)
{
    subject_call_t *c = data;
    if (ro->name && !c->name)
        c->name = strdup(ro->name);
    c->on_members(c, ro);
}

static void on_sp_name(nq_redis_t *r, redisReply *reply, void *data)
{
    subject_call_t *c = data;
    if (reply && reply->type == REDIS_REPLY_STRING && !c->name)
        c->name = strdup(reply->str);
    nq_call_release(&c->base);
}

void subject_resolve(subject_call_t *c)
{
    nq_redis_t *redis = c->app->svc->redis;
    char key[REPORTING_KEY_MAX];
    if (c->who.subject != NQ_SUBJECT_SALESPERSON) {
        roster_read(redis, &c->base, c->who.subject, c->who.id, c->with_unknown, c->roster,
                    on_roster, c);
        return;
    }
    if (roster_add(c->roster, c->who.id, true) != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    c->on_members(c, c->roster);
    nq_key_salesperson(key, sizeof(key), c->who.id);
    nq_call_issued(&c->base, nq_redis_command(redis, on_sp_name, c, "HGET %s name", key));
}

const char *subject_listed_team(const subject_call_t *c)
{
    return c->who.subject == NQ_SUBJECT_TEAM ? c->who.id : NULL;
}
