/* gateway/coalesce.h — one ingest batch for many HTTP requests.
 *
 * Feeds that post single events over many connections would otherwise cost
 * one ZeroMQ round trip and one Redis script per event. Every request that
 * arrives in the same turn of the loop is queued here and, once the turn's
 * I/O is handled (a uv_check), sent to ingest as one activity.batch.v1 (up
 * to the batch limit); the reply is split back per request. Each request's
 * callback runs exactly once: with its own slice of the results, or with a
 * NULL header when ingest did not answer or the gateway is stopping. A
 * signed feed delivery goes alone, as one batch with its delivery id, so
 * that ingest can refuse it whole when it was taken before (replayed).
 *
 *   coalescer_add(gw->coalescer, conn, events, n, NULL, on_results, data);  // events move in
 *   static void on_results(nq_http_conn_t *conn, const Nq__ReplyHeader *hdr,
 *                          Nq__EventResult *const *results, size_t n, bool replayed,
 *                          void *data);
 */
#ifndef NQ_GATEWAY_COALESCE_H
#define NQ_GATEWAY_COALESCE_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "neiqin.pb-c.h"
#include "upstream.h"

typedef struct coalescer coalescer_t;

/* results[k] answers events[k] of the request (their index fields are the
 * combined batch's: ignore them); an entry may be NULL when ingest left one
 * out. results is NULL when hdr is. `replayed`: the request's delivery was
 * taken before; nothing was stored and every entry is NULL. */
typedef void (*coalesce_done_fn)(nq_http_conn_t *conn, const Nq__ReplyHeader *hdr,
                                 Nq__EventResult *const *results, size_t n, bool replayed,
                                 void *data);

/* `max_events` and `max_bytes` (its packed size, kept below the frame limit
 * of ingest's socket) cap one combined batch; `timeout_ms` is the ingest
 * deadline. */
coalescer_t *coalescer_new(uv_loop_t *loop, upstream_t *ingest, size_t max_events, size_t max_bytes,
                           uint64_t timeout_ms);

/* Queue a request's events (the array's elements move into the coalescer;
 * the array stays the caller's). `delivery_id` (copied), when not NULL, is
 * the request's feed delivery ("<source>:<signature hex>"): it is sent at
 * once, alone. The connection is retained until `done` ran. Returns 0, or -1
 * (nothing queued, done not called) when out of memory. */
int coalescer_add(coalescer_t *c, nq_http_conn_t *conn, Nq__Activity **events, size_t n,
                  const char *delivery_id, coalesce_done_fn done, void *data);

/* Fail what is queued (done with NULL), close the check handle; memory is
 * freed in its close callback. Safe on NULL. */
void coalescer_destroy(coalescer_t **c);

#endif
