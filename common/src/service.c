/* service.c — process lifecycle shared by every service. See nq/service.h. */
#include "nq/service.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"

const char *nq_service_member(const nq_service_t *s)
{
    static char member[sizeof(s->cfg.service) + sizeof(s->cfg.instance) + 2];
    snprintf(member, sizeof(member), "%s/%s", s->cfg.service, s->cfg.instance);
    return member;
}

nq_redis_t *nq_service_redis_new(nq_service_t *s, const char *name)
{
    nq_redis_t *r = nq_redis_new(&s->loop, s->cfg.redis_host, s->cfg.redis_port, name);
    if (r && nq_redis_set_auth(r, s->cfg.redis_user, s->cfg.redis_password) != 0)
        nq_redis_destroy(&r);
    return r;
}

static void on_heartbeat(uv_timer_t *t)
{
    nq_service_t *s = t->data;
    int64_t now = nq_now_ms();
    nq_redis_command(s->redis, NULL, NULL, "ZADD %s %lld %s", NQ_KEY_HEARTBEATS, (long long)now,
                     nq_service_member(s));
    nq_redis_command(s->redis, NULL, NULL, "ZREMRANGEBYSCORE %s -inf %lld", NQ_KEY_HEARTBEATS,
                     (long long)(now - 60000));
}

/* The CURVE keys of this service: required unless NQ_CURVE=off. Returns 0
 * or -1 after printing why (a path, never a key). */
static int load_curve(nq_service_t *s, const char *name)
{
    char err[700];
    if (strcmp(s->cfg.curve, "off") == 0)
        return 0;
    if (!s->cfg.curve_dir[0]) {
        fprintf(stderr,
                "%s: NQ_CURVE_DIR: required, the directory of the suite's CURVE keys (`nqctl "
                "curve-keygen DIR` makes them); NQ_CURVE=off runs without (development only)\n",
                name);
        return -1;
    }
    s->curve = nq_curve_new(nq_curve_service_of(name), s->cfg.curve_dir, err, sizeof(err));
    if (!s->curve) {
        fprintf(stderr, "%s: %s\n", name, err);
        return -1;
    }
    return 0;
}

static void on_signal(uv_signal_t *h, int signum)
{
    nq_service_t *s = h->data;
    nq_log_info("signal", "received signal %d, stopping", signum);
    nq_service_stop(s);
}

int nq_service_init(nq_service_t *s, const char *name, int argc, char **argv)
{
    memset(s, 0, sizeof(*s));
    char err[512];
    int rc = nq_config_load(&s->cfg, name, argc, argv, getenv, err, sizeof(err));
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "%s: %s\n", name, err);
        return rc;
    }
    nq_log_level_t level = NQ_LOG_INFO;
    nq_log_level_parse(s->cfg.log_level, &level);
    nq_log_init(name, level);
    if (nq_zone_set(s->cfg.zone) != 0) {
        fprintf(stderr, "%s: NQ_ZONE: unknown time zone '%s'\n", name, s->cfg.zone);
        return -1;
    }
    nq_clock_set_offset_ms(s->cfg.clock_offset_ms);
    if (s->cfg.clock_offset_ms)
        nq_log_warn("clock_offset",
                    "NQ_CLOCK_OFFSET_MS=%lld: this process's clock runs ahead "
                    "of the host's (tests only)",
                    (long long)s->cfg.clock_offset_ms);
    if (load_curve(s, name) != 0)
        return -1;
    /* A peer that hangs up must not kill the process: writes report EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (uv_loop_init(&s->loop) != 0)
        return -1;
    s->zctx = zmq_ctx_new();
    s->redis = nq_service_redis_new(s, nq_service_member(s));
    if (!s->zctx || !s->redis) {
        fprintf(stderr, "%s: out of memory\n", name);
        return -1;
    }
    if (s->curve && nq_curve_start(s->curve, &s->loop, s->zctx) != 0)
        return -1;
    if (!s->curve)
        nq_log_warn("curve_off", "NQ_CURVE=off: the services' ZeroMQ links are neither "
                                 "authenticated nor encrypted");
    nq_scripts_attach(s->redis);
    uv_signal_init(&s->loop, &s->sigterm);
    uv_signal_init(&s->loop, &s->sigint);
    uv_timer_init(&s->loop, &s->heartbeat);
    s->sigterm.data = s->sigint.data = s->heartbeat.data = s;
    uv_signal_start(&s->sigterm, on_signal, SIGTERM);
    uv_signal_start(&s->sigint, on_signal, SIGINT);
    uv_timer_start(&s->heartbeat, on_heartbeat, 0, NQ_HEARTBEAT_MS);
    nq_log_info("starting", "%s instance %s, zone %s, redis %s", name, s->cfg.instance, s->cfg.zone,
                nq_redis_where(s->redis));
    return 0;
}

void nq_service_on_stop(nq_service_t *s, nq_service_stop_fn fn, void *app)
{
    s->on_stop = fn;
    s->app = app;
}

void nq_service_stop(nq_service_t *s)
{
    if (s->stopping)
        return;
    s->stopping = true;
    if (s->on_stop)
        s->on_stop(s->app);
    nq_curve_stop(s->curve);
    /* Leave the heartbeat set: the last word before the client closes. */
    nq_redis_command(s->redis, NULL, NULL, "ZREM %s %s", NQ_KEY_HEARTBEATS, nq_service_member(s));
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->heartbeat, NULL);
    nq_redis_destroy(&s->redis);
}

static int finish(nq_service_t *s)
{
    uv_run(&s->loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&s->loop);
    if (rc != 0)
        nq_log_error("shutdown", "loop did not close cleanly: %s", uv_strerror(rc));
    nq_curve_destroy(&s->curve);
    zmq_ctx_term(s->zctx);
    nq_log_info("stopped", "%s", rc == 0 ? "clean" : "with open handles");
    return rc == 0 ? 0 : 1;
}

int nq_service_run(nq_service_t *s)
{
    nq_log_info("running", "%s ready", s->cfg.service);
    uv_run(&s->loop, UV_RUN_DEFAULT);
    nq_service_stop(s);
    return finish(s);
}

int nq_service_abort(nq_service_t *s)
{
    nq_service_stop(s);
    finish(s);
    return 1;
}

int nq_service_main(const char *name, int argc, char **argv, const nq_service_app_t *ops)
{
    nq_service_t svc;
    int rc = nq_service_init(&svc, name, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    void *app = ops->create(&svc);
    nq_service_on_stop(&svc, ops->stop, app);
    rc = app ? nq_service_run(&svc) : nq_service_abort(&svc);
    ops->free(app);
    return rc;
}
