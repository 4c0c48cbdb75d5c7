/* nq/service.h — what every neiqin process does around its own logic.
 *
 * Loads the configuration (environment, then flags), starts JSON logging,
 * sets the period zone, loads the CURVE keys (nq/curve.h; a service does not
 * start without them unless NQ_CURVE=off), creates the libuv loop, the
 * ZeroMQ context with the ZAP handler and the Redis client, writes a heartbeat to Redis every second, and turns SIGTERM
 * and SIGINT into a clean stop: the app's stop hook closes its handles, the
 * service closes its own, the loop runs dry, and uv_loop_close() must succeed.
 *
 * A service's main.c is only its table of app hooks:
 *
 *   static const nq_service_app_t app = {ingest_new, ingest_stop, ingest_free};
 *   int main(int argc, char **argv) {
 *       return nq_service_main("nq-ingest", argc, argv, &app);
 *   }
 */
#ifndef NQ_SERVICE_H
#define NQ_SERVICE_H

#include <stdbool.h>
#include <uv.h>

#include "nq/config.h"
#include "nq/curve.h"
#include "nq/redis.h"

#define NQ_HEARTBEAT_MS       1000
#define NQ_HEARTBEAT_STALE_MS 5000

typedef void (*nq_service_stop_fn)(void *app);

typedef struct nq_service {
    nq_config_t cfg;            /* loaded configuration */
    uv_loop_t loop;             /* the one loop of this process */
    void *zctx;                 /* ZeroMQ context */
    nq_redis_t *redis;          /* shared Redis client */
    nq_curve_t *curve;          /* CURVE keys and ZAP handler; NULL when NQ_CURVE=off */
    uv_signal_t sigterm;        /* SIGTERM -> stop */
    uv_signal_t sigint;         /* SIGINT -> stop */
    uv_timer_t heartbeat;       /* writes the heartbeat */
    nq_service_stop_fn on_stop; /* app hook: close the app's handles */
    void *app;                  /* its argument */
    bool stopping;              /* stop has begun */
} nq_service_t;

/* The app a service runs: create it once shared state is up (NULL on
 * failure, logged), stop it (close its handles) on a signal, free it once the
 * loop has run dry. */
typedef struct nq_service_app {
    void *(*create)(nq_service_t *svc); /* build and start the app */
    void (*stop)(void *app);            /* close its handles; NULL-safe */
    void (*free)(void *app);            /* release memory; NULL-safe */
} nq_service_app_t;

/* The whole life of a service process. Returns the process exit code: 0
 * after a clean stop (or --help), 1 when the app failed or the loop did not
 * close cleanly, 2 for a bad setting. */
int nq_service_main(const char *name, int argc, char **argv, const nq_service_app_t *app);

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

/* A Redis client of this service (one more connection besides s->redis)
 * named `name`, authenticated as the service's user (NQ_REDIS_USER /
 * NQ_REDIS_PASSWORD). NULL when out of memory. */
nq_redis_t *nq_service_redis_new(nq_service_t *s, const char *name);

/* "service/instance" member name of this process in nq:heartbeats. */
const char *nq_service_member(const nq_service_t *s);

#endif
