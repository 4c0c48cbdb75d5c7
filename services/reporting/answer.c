/* answer.c — the replies the reporting handlers share. See answer.h. */
#include "answer.h"

#include <stdlib.h>

#include "nq/kpi_pb.h"
#include "nq/log.h"
#include "nq/reply.h"

bool answer_busy(reporting_t *app, nq_call_t *c)
{
    if (app->inflight <= REPORTING_MAX_INFLIGHT)
        return false;
    nq_call_fail(c, NQ__STATUS__STATUS_UNAVAILABLE, "busy: %d requests waiting for redis",
                 REPORTING_MAX_INFLIGHT);
    return true;
}

void answer_fail_invalid(nq_call_t *c, const char *what)
{
    if (c->errs.n)
        nq_call_fail(c, NQ__STATUS__STATUS_INVALID, "invalid %s: %s %s", what,
                     c->errs.items[0].field, c->errs.items[0].reason);
}

void answer_board(reporting_t *app, nq_call_t *base, board_entry_t *entries, size_t n,
                  const nq_period_t *period, const char *metric, const board_basis_t *basis,
                  nq_direction_t dir)
{
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    Nq__LeaderboardEntry *pb = ok ? calloc(n + 1, sizeof(*pb)) : NULL;
    Nq__LeaderboardEntry **ptrs = ok ? calloc(n + 1, sizeof(*ptrs)) : NULL;
    if (ok && (!pb || !ptrs))
        nq_call_fail(base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    ok = base->status == NQ__STATUS__STATUS_OK;
    if (ok)
        board_rank(entries, n, dir);
    if (app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__Leaderboard reply = NQ__LEADERBOARD__INIT;
        Nq__PeriodRef pref = NQ__PERIOD_REF__INIT;
        reply.header = &h.pb;
        if (ok) {
            board_to_proto(entries, n, pb, ptrs);
            nq_period_to_proto(period, &pref);
            reply.period = &pref;
            reply.metric = (char *)metric;
            reply.entries = ptrs;
            reply.n_entries = n;
            if (basis) {
                reply.by = (char *)board_by_name(basis->by);
                reply.has_workdays_total = reply.has_workdays_elapsed = 1;
                reply.workdays_total = basis->workdays_total;
                reply.workdays_elapsed = basis->workdays_elapsed;
            }
        }
        nq_zsock_reply(app->sock, &base->env, base->env.type, &reply.base);
    }
    free(pb);
    free(ptrs);
}

void answer_document(reporting_t *app, nq_call_t *base, const json_t *doc)
{
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    char *text = ok && doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    if (ok && !text)
        nq_call_fail(base, NQ__STATUS__STATUS_UNAVAILABLE, "could not build the answer");
    if (app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status,
                             base->status == NQ__STATUS__STATUS_OK ? NULL : base->detail,
                             &base->errs);
        Nq__DocumentReply reply = NQ__DOCUMENT_REPLY__INIT;
        reply.header = &h.pb;
        reply.document = text;
        nq_zsock_reply(app->sock, &base->env, base->env.type, &reply.base);
    }
    free(text);
}

void doc_call_answer(nq_call_t *base)
{
    doc_call_t *c = (doc_call_t *)base;
    answer_document(c->app, base, c->doc);
    c->app->inflight--;
    nq_call_cleanup(base);
    json_decref(c->doc);
    free(c);
}

void *doc_call_new(size_t size, reporting_t *app, const nq_bus_envelope_t *env,
                   const char *correlation_id, nq_call_answer_fn answer)
{
    doc_call_t *c = calloc(1, size);
    if (!c || nq_call_init(&c->base, env, correlation_id, answer) != 0) {
        free(c);
        nq_log_error("plan_request", "cannot serve %s: out of memory", env->type);
        return NULL;
    }
    c->app = app;
    app->inflight++;
    if (app->inflight > REPORTING_MAX_INFLIGHT)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "busy: too many requests");
    return c;
}
