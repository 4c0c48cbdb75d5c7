/* nq/actindex_fetch.h — reading a page of the activity index (nq/actindex.h)
 * from Redis (hiredis async), newest first.
 *
 * Two round trips: one read-only script per timeline (actindex_page.lua:
 * the members in range that pass the filters, bounded), all pipelined, whose
 * answers are merged (nq_actindex_merge); then one HMGET per salesperson of
 * the page for the events themselves.
 *
 *   static void on_page(int status, const nq_actindex_page_t *page, void *data) {
 *       for (size_t i = 0; status == 0 && i < page->n; i++) use(page->items[i].event);
 *   }
 *   const char *sps[] = {"sp-zhangwei"};
 *   nq_actindex_query_t q = {.salespeople = sps, .n_salespeople = 1, .types = "",
 *                            .limit = 50};
 *   nq_actindex_fetch(redis, &q, on_page, call);
 */
#ifndef NQ_ACTINDEX_FETCH_H
#define NQ_ACTINDEX_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/actindex.h"
#include "nq/redis.h"

/* What to read. Everything is copied by nq_actindex_fetch. */
typedef struct nq_actindex_query {
    const char *customer;           /* that customer's timeline, or NULL */
    const char *const *salespeople; /* without customer: whose timelines are merged (1 ..
                                       NQ_ACTINDEX_MERGE_MAX); with: none, or one whose
                                       events alone are kept */
    size_t n_salespeople;           /* how many */
    const char *types;              /* "" or ",visit,call," (nq_actindex_types_parse) */
    bool has_from, has_to;          /* which bounds of occurred_at apply */
    int64_t from, to;               /* occurred_at in [from, to), Unix ms */
    const char *cursor;             /* the member to go on after (a cursor decoded), or NULL */
    size_t limit;                   /* most events, 1 .. NQ_ACTINDEX_LIMIT_MAX */
} nq_actindex_query_t;

typedef struct nq_actindex_item {
    const char *salesperson;   /* whose event it is (its hash) */
    const Nq__Activity *event; /* as the log holds it, received_at included */
} nq_actindex_item_t;

/* A page, valid only inside the callback. */
typedef struct nq_actindex_page {
    const nq_actindex_item_t *items; /* newest first */
    size_t n;                        /* how many */
    const char *next;                /* the member to go on after, or NULL: nothing more */
} nq_actindex_page_t;

/* status 0 with the page, or -1 (page empty) when Redis failed. */
typedef void (*nq_actindex_fetch_cb)(int status, const nq_actindex_page_t *page, void *data);

/* Read one page. `cb` runs exactly once when this returns 0; -1 (cb never
 * runs) when Redis is not connected, the query is out of its bounds, or
 * memory ran out. */
int nq_actindex_fetch(nq_redis_t *r, const nq_actindex_query_t *q, nq_actindex_fetch_cb cb,
                      void *data);

#endif
