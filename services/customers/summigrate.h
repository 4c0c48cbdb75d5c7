/* services/customers/summigrate.h — customers' feedback figures by month,
 * for customers indexed before the indexer kept them, once.
 *
 * The activity indexer keeps a customer's feedback figures (rating_sum,
 * rating_count, nps_count, promoters, detractors) all-time and per month
 * ("2026-11|rating_sum", common/lua/customer_events.lua). Feedback indexed
 * before the month fields existed moved only the all-time ones, so its months
 * read empty. On every connect (migrate.c) nq-customers looks at nq:custsums:layout;
 * until it says NQ_CUSTSUMS_LAYOUT it goes through the customer directory,
 * one customer at a time: a customer whose month fields do not add up to its
 * all-time figures gets them recounted from its indexed feedback events (its
 * timeline and its salespeople's event hashes) and written by
 * common/lua/custsums_months.lua, which replaces the month fields only while
 * the all-time figures are still those read (a live event in between: the
 * customer is read again, up to SUMMIGRATE_TRIES times). Customers whose
 * figures already agree are left alone, so it is idempotent and safe beside
 * the live indexer. Progress is logged every SUMMIGRATE_LOG_EVERY customers;
 * the mark is set when every customer agrees, otherwise the next connect
 * tries again.
 *
 *   summigrate_start(redis);   // migrate.c, on every connect
 */
#ifndef NQ_CUSTOMERS_SUMMIGRATE_H
#define NQ_CUSTOMERS_SUMMIGRATE_H

#include "nq/redis.h"

#define SUMMIGRATE_TRIES     3    /* reads of one customer whose figures keep moving */
#define SUMMIGRATE_LOG_EVERY 1000 /* customers between progress lines */

void summigrate_start(nq_redis_t *r);

#endif
