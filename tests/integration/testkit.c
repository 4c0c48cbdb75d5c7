/* testkit.c — what the integration tests share. See testkit.h. */
#include "testkit.h"

#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/keys.h"
#include "nq/period.h"

nq_harness_t *tk_h;
nq_httpc_t *tk_http;
redisContext *tk_redis;
long long tk_accepted;

int tk_start(const char *const *env)
{
    if (nq_zone_set("Asia/Shanghai") != 0)
        return -1;
    tk_accepted = 0;
    tk_h = nq_harness_start(env);
    if (!tk_h)
        return -1;
    tk_http = nq_httpc_new(nq_harness_url(tk_h));
    tk_redis = nq_harness_redis_connect(tk_h);
    return tk_http && tk_redis && !tk_redis->err ? 0 : -1;
}

int tk_stop(void)
{
    nq_httpc_destroy(&tk_http);
    if (tk_redis)
        redisFree(tk_redis);
    tk_redis = NULL;
    return nq_harness_stop(&tk_h);
}

/* ---- checks ---------------------------------------------------------------------- */

int64_t tk_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool tk_check(bool ok, const char *fmt, ...)
{
    if (!ok) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "\n    FAILED: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
    }
    CU_ASSERT(ok);
    return ok;
}

const char *tk_text(const json_t *j)
{
    static char buf[4096];
    char *t = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    snprintf(buf, sizeof(buf), "%s", t ? t : "(none)");
    free(t);
    return buf;
}

const char *tk_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

json_int_t tk_num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

bool tk_near(const json_t *v, double want)
{
    return json_is_number(v) && fabs(json_number_value(v) - want) < TK_TOL;
}

void tk_check_num(const json_t *v, double want, const char *ctx)
{
    tk_check(tk_near(v, want), "%s: want %.10g, got %s", ctx, want, tk_text(v));
}

void tk_check_str(const json_t *v, const char *want, const char *ctx)
{
    const char *got = json_string_value(v);
    tk_check(got && strcmp(got, want) == 0, "%s: want \"%s\", got %s", ctx, want, tk_text(v));
}

void tk_check_like(const json_t *got, const char *want_text, const char *ctx)
{
    json_t *want = json_loads(want_text, JSON_DECODE_ANY, NULL);
    bool ok;
    if (json_is_integer(want))
        ok = json_is_integer(got) && json_integer_value(got) == json_integer_value(want);
    else if (json_is_real(want))
        ok = tk_near(got, json_real_value(want));
    else
        ok = json_equal(got, want);
    tk_check(ok, "%s: want %s, got %s", ctx, want_text, tk_text(got));
    json_decref(want);
}

bool tk_names_field(const json_t *errors, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach (errors, i, e) {
        if (strcmp(tk_str(e, "field"), field) == 0)
            return true;
    }
    return false;
}

/* ---- HTTP -------------------------------------------------------------------------- */

json_t *tk_api_raw(const char *method, const char *path, const char *body, int *status)
{
    return nq_harness_api_raw(tk_http, method, path, body, status);
}

json_t *tk_api(const char *method, const char *path, json_t *body, int *status)
{
    return nq_harness_api(tk_http, method, path, body, status);
}

json_t *tk_call(const char *method, const char *path, const char *body, int want)
{
    int status;
    json_t *j = tk_api_raw(method, path, body, &status);
    tk_check(status == want, "%s %s %s: want %d, got %d %s", method, path, body ? body : "", want,
             status, tk_text(j));
    return j;
}

json_t *tk_put(const char *path, json_t *body, int want)
{
    int status;
    json_t *j = tk_api("PUT", path, body, &status);
    tk_check(status == want, "PUT %s: want %d, got %d %s", path, want, status, tk_text(j));
    return j;
}

void tk_put_ok(const char *path, const char *body)
{
    json_decref(tk_call("PUT", path, body, 200));
}

json_t *tk_get_ok(const char *path)
{
    int status;
    json_t *j = tk_api("GET", path, NULL, &status);
    tk_check(status == 200, "GET %s: want 200, got %d %s", path, status, tk_text(j));
    return j;
}

json_t *tk_alerts_of(const char *rule)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/alerts?rule=%s&limit=100", rule);
    json_t *list = tk_get_ok(path);
    json_t *items = json_incref(json_object_get(list, "items"));
    json_decref(list);
    return items ? items : json_array();
}

void tk_expect_400(const char *method, const char *path, const char *body, const char *field)
{
    int status;
    json_t *j = tk_api_raw(method, path, body, &status);
    tk_check(status == 400, "%s %s %s: want 400, got %d %s", method, path, body ? body : "", status,
             tk_text(j));
    tk_check(strcmp(tk_str(j, "error"), "invalid") == 0, "%s %s: error should be invalid: %s",
             method, path, tk_text(j));
    if (field)
        tk_check(tk_names_field(json_object_get(j, "errors"), field),
                 "%s %s %s: errors should name \"%s\": %s", method, path, body ? body : "", field,
                 tk_text(j));
    json_decref(j);
}

/* ---- activities -------------------------------------------------------------------- */

json_t *tk_event_at(const char *id, const char *type, const char *sp, const char *customer,
                    const char *at, const char *amount)
{
    json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "event_id", id, "type", type, "salesperson_id",
                          sp, "occurred_at", at);
    if (customer)
        json_object_set_new(e, "customer_id", json_string(customer));
    if (amount)
        json_object_set_new(e, "amount", json_string(amount));
    return e;
}

json_t *tk_event(const char *id, const char *type, const char *sp, const char *customer,
                 int64_t at_ms, const char *amount)
{
    char when[48];
    nq_time_format(at_ms, when, sizeof(when));
    return tk_event_at(id, type, sp, customer, when, amount);
}

void tk_post_counts(json_t *events, int accepted, int duplicate)
{
    int status;
    size_t n = json_array_size(events);
    json_t *a = tk_api("POST", "/api/v1/activities", events, &status);
    tk_accepted += tk_num(a, "accepted");
    tk_check(status == 202 && tk_num(a, "accepted") == accepted &&
                 tk_num(a, "duplicate") == duplicate,
             "POST %zu events: want 202 with %d accepted, %d duplicate; got %d %s", n, accepted,
             duplicate, status, tk_text(a));
    json_decref(a);
}

json_t *tk_post(json_t *events, int want)
{
    char *text = json_dumps(events, JSON_COMPACT);
    json_decref(events);
    json_t *a = tk_call("POST", "/api/v1/activities", text, want);
    free(text);
    tk_accepted += tk_num(a, "accepted");
    return a;
}

bool tk_wait_scored(int timeout_ms)
{
    long long scored = -1;
    for (int64_t deadline = tk_mono_ms() + timeout_ms; tk_mono_ms() < deadline; usleep(50000)) {
        scored = tk_redis_int("GET %s", NQ_KEY_STATS_SCORED);
        if (scored == tk_accepted && tk_redis_int("EXISTS %s", NQ_KEY_SCORING_PAUSED) == 0)
            return true;
    }
    return tk_check(false, "scorers applied %lld of %lld accepted events within %d ms", scored,
                    tk_accepted, timeout_ms);
}

/* ---- Redis ---------------------------------------------------------------------------- */

long long tk_reply_int(const redisReply *r)
{
    if (r && r->type == REDIS_REPLY_INTEGER)
        return r->integer;
    if (r && r->type == REDIS_REPLY_STRING)
        return strtoll(r->str, NULL, 10);
    return r && r->type == REDIS_REPLY_NIL ? 0 : -1;
}

long long tk_redis_int(const char *fmt, const char *arg)
{
    redisReply *r = redisCommand(tk_redis, fmt, arg);
    long long v = tk_reply_int(r);
    freeReplyObject(r);
    return v;
}

void tk_redis_do(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(tk_redis, fmt, ap);
    va_end(ap);
    tk_check(r && r->type != REDIS_REPLY_ERROR, "redis %s: %s", fmt, r ? r->str : "no reply");
    freeReplyObject(r);
}

redisReply *tk_cmd(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(tk_redis, fmt, ap);
    va_end(ap);
    return r;
}

const redisReply *tk_field_of(const redisReply *flat, const char *name)
{
    for (size_t i = 0; flat && flat->type == REDIS_REPLY_ARRAY && i + 1 < flat->elements; i += 2) {
        if (flat->element[i]->type == REDIS_REPLY_STRING &&
            strcmp(flat->element[i]->str, name) == 0)
            return flat->element[i + 1];
    }
    return NULL;
}

bool tk_indexed(void)
{
    redisReply *s = tk_cmd("XINFO STREAM %s", NQ_KEY_ACTIVITIES);
    redisReply *g = tk_cmd("XINFO GROUPS %s", NQ_KEY_ACTIVITIES);
    const redisReply *last = tk_field_of(s, "last-generated-id");
    bool done = false;
    for (size_t i = 0; last && g && g->type == REDIS_REPLY_ARRAY && i < g->elements; i++) {
        const redisReply *name = tk_field_of(g->element[i], "name");
        if (!name || strcmp(name->str, NQ_GROUP_INDEX) != 0)
            continue;
        const redisReply *pending = tk_field_of(g->element[i], "pending");
        const redisReply *delivered = tk_field_of(g->element[i], "last-delivered-id");
        done =
            pending && pending->integer == 0 && delivered && strcmp(delivered->str, last->str) == 0;
    }
    freeReplyObject(s);
    freeReplyObject(g);
    return done && tk_redis_int("ZCARD %s", NQ_KEY_FOLLOWUP_DIRTY) == 0;
}

bool tk_wait_indexed(int timeout_ms)
{
    for (int64_t deadline = tk_mono_ms() + timeout_ms; tk_mono_ms() < deadline; usleep(20000)) {
        if (tk_indexed())
            return true;
    }
    return tk_check(false, "the indexer did not catch up with the log in %d ms", timeout_ms);
}

/* Whether the last rebuild job ended (done or failed). */
static bool rebuild_ended(void)
{
    int status;
    json_t *st = tk_api("GET", "/api/v1/admin/rebuild", NULL, &status);
    const char *state = json_string_value(json_object_get(st, "state"));
    bool ended = state && (strcmp(state, "done") == 0 || strcmp(state, "failed") == 0);
    json_decref(st);
    return ended;
}

bool tk_wait_rebuild_ended(int timeout_ms)
{
    for (int64_t deadline = tk_mono_ms() + timeout_ms; tk_mono_ms() < deadline; usleep(20000)) {
        if (rebuild_ended())
            return true;
    }
    return tk_check(false, "the rebuild did not end in %d ms", timeout_ms);
}

void tk_date_of(int64_t ms, char *buf, size_t len)
{
    char t[48];
    nq_time_format(ms, t, sizeof(t));
    snprintf(buf, len, "%.10s", t);
}

/* ---- nqctl ---------------------------------------------------------------------------- */

#ifndef NQ_BIN_DIR
#error "NQ_BIN_DIR must name the build's bin directory"
#endif

int tk_nqctl(const char *lang, const char *out, int timeout_ms, const char *const *words)
{
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[16] = {"nqctl", "--url", nq_harness_url(tk_h)};
        int n = 3;
        while (*words && n < 15)
            argv[n++] = *words++;
        argv[n] = NULL;
        int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open("/dev/null", O_WRONLY);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || (out && dup2(fd, STDERR_FILENO) < 0))
            _exit(127);
        close(fd);
        if (lang)
            setenv("NQ_LANG", lang, 1);
        /* Its user and apikey commands write Redis as the operator. */
        const char *names[] = {"NQ_REDIS_USER", "NQ_REDIS_PASSWORD"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            const char *v = nq_harness_getenv(tk_h, names[i]);
            if (v)
                setenv(names[i], v, 1);
        }
        execv(NQ_BIN_DIR "/nqctl", (char *const *)argv);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int st;
    for (int64_t deadline = tk_mono_ms() + timeout_ms; tk_mono_ms() < deadline; usleep(20000)) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

long long tk_metric(const char *name)
{
    nq_httpc_response_t m;
    long long v = -1;
    char line[96];
    snprintf(line, sizeof(line), "\n%s ", name);
    if (nq_httpc_request(tk_http, "GET", "/metrics", NULL, NULL, 0, NULL, &m) != 0)
        return -1;
    const char *at = m.status == 200 && m.body ? strstr(m.body, line) : NULL;
    if (at)
        v = strtoll(at + strlen(line), NULL, 10);
    nq_httpc_response_free(&m);
    return v;
}

json_t *tk_raw(const char *method, const char *path, const char *headers, const char *body,
               int *status, char *head, size_t len)
{
    static char buf[1 << 17];
    int port = atoi(strrchr(nq_harness_url(tk_h), ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    *status = 0;
    head[0] = '\0';
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    int n = snprintf(buf, sizeof(buf), "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s",
                     method, path, headers ? headers : "");
    if (body)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "Content-Length: %zu\r\n\r\n%s",
                      strlen(body), body);
    else
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\r\n");
    size_t got = 0;
    ssize_t r = n > 0 && (size_t)n < sizeof(buf) ? write(fd, buf, (size_t)n) : -1;
    while (r == n && got < sizeof(buf) - 1 && (r = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
        got += (size_t)r, r = n;
    close(fd);
    buf[got] = '\0';
    char *end = strstr(buf, "\r\n\r\n");
    if (!end || sscanf(buf, "HTTP/1.1 %d", status) != 1)
        return NULL;
    snprintf(head, len, "%.*s", (int)(end - buf + 2), buf);
    return json_loads(end + 4, 0, NULL);
}

const char *tk_header(const char *head, const char *name, char *buf, size_t len)
{
    size_t nlen = strlen(name);
    buf[0] = '\0';
    for (const char *p = strstr(head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, nlen) == 0 && p[2 + nlen] == ':') {
            const char *v = p + 3 + nlen + strspn(p + 3 + nlen, " ");
            snprintf(buf, len, "%.*s", (int)strcspn(v, "\r"), v);
            break;
        }
    }
    return buf;
}

/* ---- signed-in users ------------------------------------------------------------ */

void tk_sign_in(const char *id, const char *role, const char *teams, const char *sp,
                const char *password, char *out, size_t len)
{
    nq_user_t u = {0};
    char err[256] = "", head[4096], v[256], body[256];
    snprintf(u.id, sizeof(u.id), "%s", id);
    snprintf(u.role, sizeof(u.role), "%s", role);
    snprintf(u.teams, sizeof(u.teams), "%s", teams);
    snprintf(u.salesperson, sizeof(u.salesperson), "%s", sp);
    tk_check(nq_access_user_add(tk_redis, &u, password, err, sizeof(err)) == 0, "user add: %s",
             err);
    int status;
    snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", id, password);
    json_t *a = tk_raw("POST", "/api/v1/auth/login", "Content-Type: application/json\r\n", body,
                       &status, head, sizeof(head));
    tk_header(head, "Set-Cookie", v, sizeof(v));
    tk_check(status == 200, "sign-in %s: %d", id, status);
    snprintf(out, len, "Cookie: %.*s\r\nX-CSRF-Token: %s\r\n", (int)strcspn(v, ";"), v,
             tk_str(a, "csrf"));
    json_decref(a);
}

int tk_as(const char *session, const char *method, const char *path, const char *body, json_t **out)
{
    int status;
    char head[4096], headers[512];
    snprintf(headers, sizeof(headers), "%s%s", session,
             body ? "Content-Type: application/json\r\n" : "");
    json_t *j = tk_raw(method, path, headers, body, &status, head, sizeof(head));
    if (out)
        *out = j;
    else
        json_decref(j);
    return status;
}
