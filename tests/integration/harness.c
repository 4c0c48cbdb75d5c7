/* harness.c — a private neiqin suite for one test (see harness.h), run by
 * the suite module every supervisor shares (nq/suite.h). */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/actlog.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/suite.h"

#ifndef NQ_BIN_DIR
#error "NQ_BIN_DIR must name the build's bin directory (target_compile_definitions)"
#endif

struct nq_harness {
    nq_suite_t *suite;               /* Redis and the processes */
    char dir[256];                   /* temporary directory: logs, pid files, Redis's */
    int slow;                        /* factor on start-up and shutdown waits (1, or WRAP_SLOW) */
    char api_key[NQ_APIKEY_LEN + 1]; /* the tests' admin key (NQ_API_KEY) */
};

/* What every test's suite runs with, whatever the developer's NQ_* say. The
 * schedule rules fire by the hour of the day, so they are off unless a test
 * (test_schedule) turns them on: counts of alerts hold at any hour. */
static const char *const fixed_env[] = {
    "NQ_REDIS_HOST=127.0.0.1",
    "NQ_HTTP_HOST=127.0.0.1",
    "NQ_BIG_ORDER_YUAN=50000",
    "NQ_LOG_LEVEL=info",
    "NQ_ZONE=Asia/Shanghai",
    "NQ_REDIS_ACL=on",
    "NQ_ALERT_RULES_OFF=behind_pace,no_activity,targets_missed",
};

/* Remove a directory tree (no symlinks followed). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char child[1024];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        if (e->d_type == DT_DIR)
            remove_tree(child);
        else
            unlink(child);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

/* The fixed settings and the free ports, then the caller's overrides. */
static int set_env(nq_harness_t *h, const char *const *extra)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(fixed_env) / sizeof(fixed_env[0]); i++)
        rc = nq_suite_setenv(h->suite, fixed_env[i]);
    if (rc == 0)
        rc = nq_suite_use_free_ports(h->suite);
    for (; rc == 0 && extra && *extra; extra++) {
        if (strcmp(*extra, NQ_HARNESS_REDIS_SOCKET) != 0) {
            rc = nq_suite_setenv(h->suite, *extra);
            continue;
        }
        char host[320];
        snprintf(host, sizeof(host), "NQ_REDIS_HOST=%s", nq_suite_redis_socket(h->suite));
        rc = nq_suite_redis_socket(h->suite)[0] ? nq_suite_setenv(h->suite, host) : -1;
        if (rc != 0)
            fprintf(stderr, "harness: %s/redis/redis.sock is too long for a Unix socket\n", h->dir);
    }
    return rc;
}

nq_harness_t *nq_harness_start(const char *const *extra_env)
{
    const char *tmp = getenv("TMPDIR"), *wrap = getenv("NQ_HARNESS_WRAP");
    nq_harness_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    snprintf(h->dir, sizeof(h->dir), "%s/nq-it-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(h->dir)) {
        fprintf(stderr, "harness: mkdtemp %s: %s\n", h->dir, strerror(errno));
        free(h);
        return NULL;
    }
    h->slow = wrap && strspn(wrap, " \t") < strlen(wrap) ? NQ_HARNESS_WRAP_SLOW : 1;
    nq_suite_opts_t o = {
        .dir = h->dir,
        .bin_dir = NQ_BIN_DIR,
        .who = "harness",
        .wrap = wrap,
        .clean_env = true,
        .die_with_parent = true,
        .stop_ms = NQ_HARNESS_STOP_MS * h->slow,
    };
    h->suite = nq_suite_new(&o);
    nq_apikey_new(h->api_key);
    if (!h->suite || set_env(h, extra_env) != 0 || nq_suite_start(h->suite, 1) != 0 ||
        nq_harness_grant(h) != 0 || setenv("NQ_API_KEY", h->api_key, 1) != 0 ||
        !nq_suite_wait_ready(h->suite, NQ_HARNESS_READY_MS * h->slow)) {
        nq_harness_stop(&h);
        return NULL;
    }
    return h;
}

/* How many commands Redis refused a user since the last ACL LOG RESET
 * (each printed on stderr): a refusal is a request that failed. 0 when Redis
 * is down or runs without users. */
static int acl_refusals(nq_harness_t *h)
{
    redisContext *c = nq_suite_redis_connect(h->suite, 1000);
    redisReply *r = c && !c->err ? redisCommand(c, "ACL LOG") : NULL;
    int n = r && r->type == REDIS_REPLY_ARRAY ? (int)r->elements : 0;
    for (int i = 0; i < n; i++) {
        fprintf(stderr, "harness: Redis refused:");
        for (size_t k = 0; r->element[i]->type == REDIS_REPLY_ARRAY && k < r->element[i]->elements;
             k++)
            if (r->element[i]->element[k]->str)
                fprintf(stderr, " %s", r->element[i]->element[k]->str);
        fprintf(stderr, "\n");
    }
    freeReplyObject(r);
    if (c)
        redisFree(c);
    return n;
}

int nq_harness_stop(nq_harness_t **hp)
{
    nq_harness_t *h = hp ? *hp : NULL;
    if (!h)
        return 0;
    int refused = h->suite ? acl_refusals(h) : 0;
    int failures = nq_suite_stop(&h->suite) + refused;
    const char *keep = getenv("NQ_TEST_KEEP");
    if (keep && strcmp(keep, "1") == 0)
        fprintf(stderr, "harness: kept %s\n", h->dir);
    else
        remove_tree(h->dir);
    free(h);
    *hp = NULL;
    return failures;
}

const char *nq_harness_api_key(const nq_harness_t *h)
{
    return h->api_key;
}

int nq_harness_grant(nq_harness_t *h)
{
    char err[256] = "";
    redisContext *c = nq_harness_redis_connect(h);
    int rc = c && !c->err
                 ? nq_access_key_put(c, h->api_key, "admin", "", "harness", NULL, err, sizeof(err))
                 : -1;
    if (rc != 0)
        fprintf(stderr, "harness: cannot store the API key: %s\n",
                err[0] ? err
                : c    ? c->errstr
                       : "out of memory");
    if (c)
        redisFree(c);
    return rc == 0 ? 0 : -1;
}

redisContext *nq_harness_redis_connect(const nq_harness_t *h)
{
    return nq_suite_redis_connect(h->suite, 5000);
}

int nq_harness_setenv(nq_harness_t *h, const char *assignment)
{
    return nq_suite_setenv(h->suite, assignment);
}

const char *nq_harness_getenv(const nq_harness_t *h, const char *name)
{
    size_t n = strlen(name);
    for (char *const *e = nq_suite_env(h->suite); *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

const char *nq_harness_url(const nq_harness_t *h)
{
    return nq_suite_url(h->suite);
}

int nq_harness_redis_port(const nq_harness_t *h)
{
    return nq_suite_redis_port(h->suite);
}

const char *nq_harness_redis_socket(const nq_harness_t *h)
{
    return nq_suite_redis_socket(h->suite);
}

const char *nq_harness_dir(const nq_harness_t *h)
{
    return h->dir;
}

void nq_harness_log_path(const nq_harness_t *h, const char *name, char *buf, size_t len)
{
    nq_suite_log_path(h->suite, name, buf, len);
}

int nq_harness_proc_stop(nq_harness_t *h, const char *name, int sig)
{
    return nq_suite_proc_stop(h->suite, name, sig);
}

int nq_harness_proc_signal(nq_harness_t *h, const char *name, int sig)
{
    return nq_suite_proc_signal(h->suite, name, sig);
}

int nq_harness_proc_start(nq_harness_t *h, const char *name)
{
    return nq_suite_proc_start(h->suite, name);
}

int nq_harness_proc_add(nq_harness_t *h, const char *binary, const char *name)
{
    return nq_suite_add(h->suite, binary, name);
}

bool nq_harness_proc_running(nq_harness_t *h, const char *name)
{
    return nq_suite_proc_running(h->suite, name);
}

bool nq_harness_wait_ready(nq_harness_t *h, int timeout_ms)
{
    return nq_suite_wait_ready(h->suite, timeout_ms);
}

void nq_harness_print_logs(nq_harness_t *h, int lines)
{
    nq_suite_print_logs(h->suite, lines);
}

json_t *nq_harness_api_raw(nq_httpc_t *http, const char *method, const char *path, const char *body,
                           int *status)
{
    nq_httpc_response_t r;
    int rc = nq_httpc_request(http, method, path, body ? "application/json" : NULL, body,
                              body ? strlen(body) : 0, NULL, &r);
    if (rc != 0)
        fprintf(stderr, "\n%s %s: %s\n", method, path, nq_httpc_strerror(rc));
    *status = rc == 0 ? r.status : 0;
    json_t *j = rc == 0 ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    nq_httpc_response_free(&r);
    return j;
}

json_t *nq_harness_api(nq_httpc_t *http, const char *method, const char *path, json_t *body,
                       int *status)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    json_t *j = nq_harness_api_raw(http, method, path, text, status);
    free(text);
    return j;
}

/* ---- the activity log ---------------------------------------------------- */

long long nq_harness_log_events(redisContext *c)
{
    char after[64] = "-";
    long long events = 0;
    for (;;) {
        redisReply *r = redisCommand(c, "XRANGE %s %s + COUNT 500", NQ_KEY_ACTIVITIES, after);
        if (!r || r->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(r);
            return -1;
        }
        size_t n = r->elements;
        for (size_t i = 0; i < n && events >= 0; i++) {
            nq_actlog_entry_t e;
            if (nq_actlog_from_entry(r->element[i], &e) != 0) {
                fprintf(stderr, "\nlog entry %s does not decode\n", r->element[i]->element[0]->str);
                events = -1;
                break;
            }
            events += (long long)e.n;
            nq_actlog_free(&e);
            snprintf(after, sizeof(after), "(%s", r->element[i]->element[0]->str);
        }
        freeReplyObject(r);
        if (n == 0 || events < 0)
            return events;
    }
}

/* An independent copy of `ev`. */
static Nq__Activity *activity_copy(const Nq__Activity *ev)
{
    size_t len = nq__activity__get_packed_size(ev);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return NULL;
    nq__activity__pack(ev, buf);
    Nq__Activity *copy = nq__activity__unpack(NULL, len, buf);
    free(buf);
    return copy;
}

Nq__Activity *nq_harness_log_find(redisContext *c, const char *event_id, int entries)
{
    redisReply *r = redisCommand(c, "XREVRANGE %s + - COUNT %d", NQ_KEY_ACTIVITIES, entries);
    Nq__Activity *found = NULL;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements && !found; i++) {
        nq_actlog_entry_t e;
        if (nq_actlog_from_entry(r->element[i], &e) != 0)
            continue;
        for (size_t k = 0; k < e.n && !found; k++) {
            if (e.events[k]->event_id && strcmp(e.events[k]->event_id, event_id) == 0)
                found = activity_copy(e.events[k]);
        }
        nq_actlog_free(&e);
    }
    freeReplyObject(r);
    return found;
}
