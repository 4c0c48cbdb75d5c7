/* gateway/arjson.h — receivables figures (nq/receivable.h) as JSON: the
 * summary's and GET /api/v1/receivables' shape. */
#ifndef NQ_GATEWAY_ARJSON_H
#define NQ_GATEWAY_ARJSON_H

#include <jansson.h>

#include "nq/receivable.h"

/* {"balance","open","credit","overdue" (yuan strings), "open_invoices",
 *  "aging":{"not_due",...,"over_90"}, "dso_days" (one decimal or null)}.
 * A new reference; NULL out of memory. */
json_t *gw_ar_json(const nq_ar_aging_t *a);

/* Add the facts of one HGETALL reply of a customer's receivables (a
 * redisReply array) at `at`: with sps, to sums[i] what salesperson sps[i]
 * counts (facts parsed and applied once for all n); without, all to *sums. */
struct redisReply;
int gw_ar_add(const struct redisReply *facts, int64_t at, const char *const *sps, size_t n,
              nq_ar_aging_t *sums);

#endif
