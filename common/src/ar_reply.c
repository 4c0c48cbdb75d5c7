/* ar_reply.c — receivables facts and ticket times from Redis replies. See nq/ar_reply.h. */
#include "nq/ar_reply.h"

#include <stdlib.h>

#include "nq/custsum.h"

const char **nq_reply_strings(const redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return NULL;
    const char **f = calloc(r->elements + 1, sizeof(*f));
    for (size_t i = 0; f && i < r->elements; i++)
        f[i] = r->element[i]->type == REDIS_REPLY_STRING ? r->element[i]->str : "";
    return f;
}

int nq_ar_from_reply(const redisReply *facts, int64_t at, nq_ar_t *ar)
{
    const char **f = nq_reply_strings(facts);
    int rc = f ? nq_ar_parse(ar, f, facts->elements) : -1;
    free(f);
    if (rc == 0)
        nq_ar_apply(ar, at);
    return rc;
}

int64_t nq_tickets_overdue_reply(const redisReply *tickets, int64_t at)
{
    const char **f = nq_reply_strings(tickets);
    int64_t n = f ? nq_custsum_tickets_overdue_at(f, tickets->elements, at) : -1;
    free(f);
    return n;
}
