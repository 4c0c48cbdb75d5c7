/* call.c — counting the steps of one request. See nq/call.h. */
#include "nq/call.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nq_call_init(nq_call_t *c, const nq_bus_envelope_t *env, const char *correlation_id,
                 nq_call_answer_fn answer)
{
    c->env = *env;
    c->env.payload = NULL;
    c->env.payload_len = 0;
    c->correlation_id = correlation_id ? strdup(correlation_id) : NULL;
    c->pending = 1;
    c->status = NQ__STATUS__STATUS_OK;
    c->detail[0] = '\0';
    memset(&c->errs, 0, sizeof(c->errs));
    c->answer = answer;
    return correlation_id && !c->correlation_id ? -1 : 0;
}

void nq_call_cleanup(nq_call_t *c)
{
    free(c->correlation_id);
    c->correlation_id = NULL;
}

void nq_call_fail(nq_call_t *c, Nq__Status status, const char *fmt, ...)
{
    if (c->status != NQ__STATUS__STATUS_OK)
        return;
    c->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
    va_end(ap);
}

void nq_call_issued(nq_call_t *c, int rc)
{
    if (rc == 0)
        c->pending++;
    else
        nq_call_fail(c, NQ__STATUS__STATUS_UNAVAILABLE, "redis is not connected");
}

void nq_call_release(nq_call_t *c)
{
    if (--c->pending == 0)
        c->answer(c);
}

bool nq_call_reply_ok(nq_call_t *c, const redisReply *reply, int type)
{
    if (!reply)
        nq_call_fail(c, NQ__STATUS__STATUS_UNAVAILABLE, "redis connection lost");
    else if (reply->type == REDIS_REPLY_ERROR)
        nq_call_fail(c, NQ__STATUS__STATUS_UNAVAILABLE, "redis error: %s", reply->str);
    else if (reply->type != type)
        nq_call_fail(c, NQ__STATUS__STATUS_UNAVAILABLE, "redis gave an unexpected reply (type %d)",
                     reply->type);
    return reply && reply->type == type;
}
