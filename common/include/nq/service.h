/* nq/service.h — what every neiqin process does around its own logic.
 *
 * Loads the configuration (environment, then flags), starts JSON logging,
 * sets the period zone, creates the libuv loop, the ZeroMQ context and the
 * Redis client, writes a heartbeat to Redis every second, and turns SIGTERM
 * and SIGINT into a clean stop: the app's stop hook closes its handles, the
 * service closes its own, the loop runs dry, and uv_loop_close() must succeed.
 *
 *   int main(int argc, char **argv) {
 *       nq_service_t svc;
 *       int rc = nq_service_init(&svc, "nq-ingest", argc, argv);
 *       if (rc != 0)
 *           return rc > 0 ? 0 : 2;          // --help, or a bad setting
 *       ingest_t *app = ingest_new(&svc);   // may be NULL: run() then returns 1
 *       nq_service_on_stop(&svc, ingest_stop, app);
 *       rc = app ? nq_service_run(&svc) : nq_service_abort(&svc);
 *       ingest_destroy(&app);
 *       return rc;
 *   }
 */
#ifndef NQ_SERVICE_H
#define NQ_SERVICE_H

#include <stdbool.h>
#include <uv.h>

#include "nq/config.h"
#include "nq/redis.h"

#define NQ_HEARTBEAT_MS 1000
#define NQ_HEARTBEAT_STALE_MS 5000

typedef void (*nq_service_stop_fn)(void *app);

typedef struct nq_service {
    nq_config_t cfg;            /* loaded configuration */
    uv_loop_t loop;             /* the one loop of this process */
    void *zctx;                 /* ZeroMQ context */
    nq_redis_t *redis;          /* shared Redis client */
    uv_signal_t sigterm;        /* SIGTERM -> stop */
    uv_signal_t sigint;         /* SIGINT -> stop */
    uv_timer_t heartbeat;       /* writes the heartbeat */
    nq_service_stop_fn on_stop; /* app hook: close the app's handles */
    void *app;                  /* its argument */
    bool stopping;              /* stop has begun */
} nq_service_t;

/* Load config and start everything shared. Returns 0, 1 when --help was
 * printed, or -1 after printing the reason to stderr (nothing left open). */
int nq_service_init(nq_service_t *s, const char *name, int argc, char **argv);

/* Register the app's stop hook (closes its sockets, servers, timers). */
void nq_service_on_stop(nq_service_t *s, nq_service_stop_fn fn, void *app);

/* Begin a clean stop, as a signal would. Safe to call twice. */
void nq_service_stop(nq_service_t *s);

/* Run the loop until stopped, then tear down. Returns the exit code: 0 when
 * everything closed cleanly, 1 otherwise. */
int nq_service_run(nq_service_t *s);

/* Tear down without running (the app failed to start). Returns 1. */
int nq_service_abort(nq_service_t *s);

/* "service/instance" member name of this process in nq:heartbeats. */
const char *nq_service_member(const nq_service_t *s);

#endif
