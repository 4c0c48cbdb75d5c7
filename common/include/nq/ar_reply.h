/* nq/ar_reply.h — receivables facts and ticket times from Redis replies:
 * the thin step between an HGETALL reply and the pure arithmetic of
 * nq/receivable.h and nq/custsum.h, shared by every reader (the gateway's
 * receivables and summary, the KPI state counters of nq/kpi_fetch.h and
 * the customers' overdue-receivable index).
 *
 *   nq_ar_t ar;
 *   if (nq_ar_from_reply(reply, at, &ar) == 0) { nq_ar_age(&ar, at, sp, &sum); nq_ar_free(&ar); }
 */
#ifndef NQ_AR_REPLY_H
#define NQ_AR_REPLY_H

#include <hiredis/hiredis.h>
#include <stdint.h>

#include "nq/receivable.h"

/* Parse an HGETALL reply of a customer's receivables facts into *ar and
 * apply its payments as of `at` (nq_ar_parse, nq_ar_apply). 0 (ar owned by
 * the caller: nq_ar_free), or -1 when the reply is not an array or memory
 * ran out (ar empty). */
int nq_ar_from_reply(const redisReply *facts, int64_t at, nq_ar_t *ar);

/* Tickets overdue at `at` (nq_custsum_tickets_overdue_at) from an HGETALL
 * reply of a tickets hash; -1 when the reply is not an array or memory ran
 * out. */
int64_t nq_tickets_overdue_reply(const redisReply *tickets, int64_t at);

/* The strings of an array reply (non-strings read ""), malloc'd (free it;
 * the strings stay the reply's), or NULL when not an array or out of memory. */
const char **nq_reply_strings(const redisReply *r);

#endif
