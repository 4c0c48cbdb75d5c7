/* harness.c — a private neiqin suite: Redis + every process (see harness.h). */
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/actlog.h"
#include "nq/httpc.h"
#include "nq/keys.h"

#ifndef NQ_BIN_DIR
#error "NQ_BIN_DIR must name the build's bin directory (target_compile_definitions)"
#endif

#define MAX_PROCS   16
#define MAX_ENV     512
#define MAX_WRAP    32 /* words of NQ_HARNESS_WRAP */
#define LOG_TAIL    30
#define FAILED_TAIL 200 /* of a process that failed: a sanitizer's or valgrind's report is long */
#define REDIS_MS    10000
#define STILL_UP    (-2) /* reap(): the process has not exited yet */

extern char **environ;

typedef struct proc {
    char name[32];   /* instance name: log file name and NQ_INSTANCE */
    char binary[32]; /* executable under NQ_BIN_DIR ("redis-server": found on PATH) */
    pid_t pid;       /* running child, 0 when none */
    bool stopping;   /* the harness asked it to exit */
    bool unexpected; /* it exited without being asked (counted by nq_harness_stop) */
    int status;      /* last exit: 0..255, or 128 + signal */
} proc_t;

struct nq_harness {
    char dir[256];           /* temporary directory: logs, Redis dir */
    char url[64];            /* gateway base URL */
    int redis_port;          /* private Redis on 127.0.0.1 */
    char redis_socket[280];  /* and on this Unix socket: <dir>/redis.sock */
    char *env[MAX_ENV];      /* "NAME=value" for the suite, NULL-terminated, strings owned */
    size_t n_env;            /* entries in env */
    proc_t redis;            /* the private Redis */
    proc_t procs[MAX_PROCS]; /* the suite, in start order */
    size_t n_procs;          /* entries in procs */
    bool logs_printed;       /* the log tails were shown already */
    char *wrap_text;         /* NQ_HARNESS_WRAP, split in place; NULL when unset */
    char *wrap[MAX_WRAP];    /* its words, NULL-terminated; wrap[0] NULL: not wrapped */
    int slow;                /* factor on start-up and shutdown waits (1, or WRAP_SLOW) */
    char api_key[NQ_APIKEY_LEN + 1]; /* admin key of the tests (NQ_API_KEY) */
};

/* The suite, in start order: {binary, instance name}. Stopped in reverse. */
static const char *const suite[][2] = {
    {"nq-ingest", "nq-ingest"},       {"nq-customers", "nq-customers"},
    {"nq-reporting", "nq-reporting"}, {"nq-alerting", "nq-alerting"},
    {"nq-scoring", "nq-scoring-1"},   {"nq-gateway", "nq-gateway"},
};

/* ZeroMQ endpoint variables; each gets tcp://127.0.0.1:<free port>. */
static const char *const endpoint_vars[] = {
    "NQ_INGEST_ENDPOINT", "NQ_CUSTOMERS_ENDPOINT", "NQ_REPORTING_ENDPOINT",
    "NQ_STORED_ENDPOINT", "NQ_CHANGES_ENDPOINT",   "NQ_ALERTS_ENDPOINT",
};
#define N_ENDPOINTS (sizeof(endpoint_vars) / sizeof(endpoint_vars[0]))
#define N_PORTS     (N_ENDPOINTS + 2) /* + Redis + HTTP */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ ports */

/* Distinct free TCP ports on 127.0.0.1: all are held open until every one
 * is chosen, then released for the processes to bind. */
static int free_ports(int *ports, size_t n)
{
    int fds[N_PORTS], rc = 0;
    size_t i;
    for (i = 0; i < n && rc == 0; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof(a);
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof(a)) != 0 ||
            getsockname(fds[i], (struct sockaddr *)&a, &len) != 0)
            rc = -1;
        ports[i] = ntohs(a.sin_port);
    }
    while (i-- > 0)
        if (fds[i] >= 0)
            close(fds[i]);
    return rc;
}

/* ------------------------------------------------------------ environment */

/* Set "NAME=value" in the suite's environment, replacing an earlier NAME. */
static int env_put(nq_harness_t *h, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    size_t n = eq ? (size_t)(eq - assignment) + 1 : 0, i;
    if (n == 0)
        return -1;
    for (i = 0; i < h->n_env && strncmp(h->env[i], assignment, n) != 0; i++)
        ;
    if (i >= MAX_ENV - 2) /* spawn needs two slots: NQ_INSTANCE and the NULL */
        return -1;
    char *copy = strdup(assignment);
    if (!copy)
        return -1;
    if (i == h->n_env)
        h->n_env++;
    else
        free(h->env[i]);
    h->env[i] = copy;
    return 0;
}

static int env_putf(nq_harness_t *h, const char *name, const char *fmt, int value)
{
    char buf[320], v[64];
    snprintf(v, sizeof(v), fmt, value);
    snprintf(buf, sizeof(buf), "%s=%s", name, v);
    return env_put(h, buf);
}

/* The caller's environment without NQ_*, then the suite's settings, then the
 * caller's overrides. */
static int build_env(nq_harness_t *h, const int *ports, const char *const *extra)
{
    int rc = 0;
    for (char **e = environ; *e && rc == 0; e++)
        if (strncmp(*e, "NQ_", 3) != 0)
            rc = env_put(h, *e);
    static const char *const fixed[] = {
        "NQ_REDIS_HOST=127.0.0.1", "NQ_HTTP_HOST=127.0.0.1", "NQ_BIG_ORDER_YUAN=50000",
        "NQ_LOG_LEVEL=info",       "NQ_ZONE=Asia/Shanghai",
    };
    for (size_t i = 0; rc == 0 && i < sizeof(fixed) / sizeof(fixed[0]); i++)
        rc = env_put(h, fixed[i]);
    if (rc == 0)
        rc = env_putf(h, "NQ_REDIS_PORT", "%d", ports[0]);
    if (rc == 0)
        rc = env_putf(h, "NQ_HTTP_PORT", "%d", ports[1]);
    for (size_t i = 0; rc == 0 && i < N_ENDPOINTS; i++)
        rc = env_putf(h, endpoint_vars[i], "tcp://127.0.0.1:%d", ports[2 + i]);
    for (; rc == 0 && extra && *extra; extra++) {
        if (strcmp(*extra, NQ_HARNESS_REDIS_SOCKET) != 0) {
            rc = env_put(h, *extra);
            continue;
        }
        char host[320];
        snprintf(host, sizeof(host), "NQ_REDIS_HOST=%s", h->redis_socket);
        rc = h->redis_socket[0] ? env_put(h, host) : -1;
        if (rc != 0)
            fprintf(stderr, "harness: %s/redis.sock is too long for a Unix socket\n", h->dir);
    }
    return rc;
}

/* -------------------------------------------------------------- processes */

/* NQ_HARNESS_WRAP ("valgrind --error-exitcode=99 ..."): split on blanks into
 * h->wrap. Returns 0, or -1 when it has too many words. */
static int wrap_parse(nq_harness_t *h)
{
    const char *text = getenv("NQ_HARNESS_WRAP");
    h->slow = 1;
    if (!text || !*text)
        return 0;
    if (!(h->wrap_text = strdup(text)))
        return -1;
    size_t n = 0;
    for (char *save, *w = strtok_r(h->wrap_text, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (n == MAX_WRAP - 2) /* room for the binary and the NULL */
            return -1;
        h->wrap[n++] = w;
    }
    h->slow = n ? NQ_HARNESS_WRAP_SLOW : 1;
    return 0;
}

/* Exec a suite binary, under the wrapper when there is one. Returns only on
 * failure. */
static void exec_suite(nq_harness_t *h, const char *path, const char *binary)
{
    if (!h->wrap[0]) {
        execve(path, (char *[]){(char *)binary, NULL}, h->env);
        return;
    }
    char *argv[MAX_WRAP];
    size_t n = 0;
    for (; h->wrap[n]; n++)
        argv[n] = h->wrap[n];
    argv[n++] = (char *)path;
    argv[n] = NULL;
    environ = h->env; /* the wrapper is found on PATH and runs with the suite's environment */
    execvp(argv[0], argv);
}

/* Fork and exec p with output to <dir>/<name>.log. A suite binary runs from
 * NQ_BIN_DIR with the suite's environment plus NQ_INSTANCE (under the
 * wrapper, if any); argv (Redis) runs from PATH with the caller's
 * environment. */
static int spawn(nq_harness_t *h, proc_t *p, char *const *argv)
{
    char log[512], path[512], instance[64];
    snprintf(log, sizeof(log), "%s/%s.log", h->dir, p->name);
    snprintf(path, sizeof(path), "%s/%s", NQ_BIN_DIR, p->binary);
    snprintf(instance, sizeof(instance), "NQ_INSTANCE=%s", p->name);
    h->env[h->n_env] = instance; /* the last slot is free: env_put keeps one */
    h->env[h->n_env + 1] = NULL;
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        fprintf(stderr, "harness: fork for %s: %s\n", p->name, strerror(errno));
        h->env[h->n_env] = NULL;
        return -1;
    }
    if (pid == 0) {
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int in = open("/dev/null", O_RDONLY);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* die with the test */
        if (getppid() != parent || out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(out, 2) < 0 || chdir(h->dir) != 0)
            _exit(127);
        if (argv)
            execvp(argv[0], argv);
        else
            exec_suite(h, path, p->binary);
        dprintf(2, "harness: cannot run %s: %s\n",
                argv         ? argv[0]
                : h->wrap[0] ? h->wrap[0]
                             : path,
                strerror(errno));
        _exit(127);
    }
    h->env[h->n_env] = NULL;
    p->pid = pid;
    p->stopping = false;
    p->unexpected = false;
    return 0;
}

/* Wait up to timeout_ms for p to exit. Returns its status (0..255, or 128 +
 * signal), STILL_UP, or -1 if it is not running. */
static int reap(proc_t *p, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    if (p->pid <= 0)
        return -1;
    for (;;) {
        int st;
        pid_t r = waitpid(p->pid, &st, WNOHANG);
        if (r == p->pid) {
            p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            p->unexpected = !p->stopping;
            p->pid = 0;
            return p->status;
        }
        if (r < 0 && errno != EINTR) {
            p->pid = 0;
            return -1;
        }
        if (now_ms() >= deadline)
            return STILL_UP;
        usleep(10000);
    }
}

/* Signal p and wait up to timeout_ms for it; SIGKILL when it does not end in time. */
static int stop_proc(proc_t *p, int sig, int timeout_ms)
{
    if (reap(p, 0) != STILL_UP)
        return -1;
    p->stopping = true;
    kill(p->pid, sig);
    int rc = reap(p, timeout_ms);
    if (rc == STILL_UP) {
        fprintf(stderr, "harness: %s still running %d ms after signal %d; killing it\n", p->name,
                timeout_ms, sig);
        kill(p->pid, SIGKILL);
        rc = reap(p, timeout_ms);
    }
    return rc;
}

static proc_t *find_proc(nq_harness_t *h, const char *name)
{
    for (size_t i = 0; i < h->n_procs; i++)
        if (strcmp(h->procs[i].name, name) == 0)
            return &h->procs[i];
    return NULL;
}

int nq_harness_proc_stop(nq_harness_t *h, const char *name, int sig)
{
    proc_t *p = find_proc(h, name);
    return p ? stop_proc(p, sig, NQ_HARNESS_STOP_MS * h->slow) : -1;
}

int nq_harness_proc_signal(nq_harness_t *h, const char *name, int sig)
{
    proc_t *p = find_proc(h, name);
    return p && p->pid > 0 ? kill(p->pid, sig) : -1;
}

int nq_harness_proc_start(nq_harness_t *h, const char *name)
{
    proc_t *p = find_proc(h, name);
    if (!p || reap(p, 0) == STILL_UP)
        return -1;
    return spawn(h, p, NULL);
}

int nq_harness_proc_add(nq_harness_t *h, const char *binary, const char *name)
{
    if (find_proc(h, name) || h->n_procs == MAX_PROCS || strlen(name) >= sizeof(h->procs[0].name) ||
        strlen(binary) >= sizeof(h->procs[0].binary))
        return -1;
    proc_t *p = &h->procs[h->n_procs++];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    snprintf(p->binary, sizeof(p->binary), "%s", binary);
    return spawn(h, p, NULL);
}

bool nq_harness_proc_running(nq_harness_t *h, const char *name)
{
    proc_t *p = find_proc(h, name);
    return p && reap(p, 0) == STILL_UP;
}

/* ------------------------------------------------------------------- logs */

static void print_tail(const char *dir, const char *name, int lines)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.log", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "---- %s: no log (%s)\n", name, strerror(errno));
        return;
    }
    static char buf[1 << 16];
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = buf + n;
    if (p > buf && p[-1] == '\n')
        p--; /* the last line's end */
    for (int seen = 0; p > buf; p--)
        if (p[-1] == '\n' && ++seen == lines)
            break;
    fprintf(stderr, "---- %s (last %d lines of %s)\n%s%s", name, lines, path, p,
            n && buf[n - 1] != '\n' ? "\n" : "");
}

void nq_harness_print_logs(nq_harness_t *h, int lines)
{
    h->logs_printed = true;
    print_tail(h->dir, h->redis.name, lines);
    for (size_t i = 0; i < h->n_procs; i++) {
        bool failed = h->procs[i].status != 0 || h->procs[i].unexpected;
        print_tail(h->dir, h->procs[i].name, failed && lines < FAILED_TAIL ? FAILED_TAIL : lines);
    }
}

/* ------------------------------------------------------------------ Redis */

static int start_redis(nq_harness_t *h)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", h->redis_port);
    char *argv[16] = {"redis-server", "--port", port,    "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no",     "--dir", h->dir};
    if (h->redis_socket[0]) { /* else no room for one: TCP only */
        char *socket_args[] = {"--unixsocket", h->redis_socket, "--unixsocketperm", "700"};
        size_t argc = 0;
        while (argv[argc])
            argc++;
        memcpy(argv + argc, socket_args, sizeof(socket_args));
    }
    snprintf(h->redis.name, sizeof(h->redis.name), "redis");
    snprintf(h->redis.binary, sizeof(h->redis.binary), "redis-server");
    if (spawn(h, &h->redis, argv) != 0)
        return -1;
    int64_t deadline = now_ms() + REDIS_MS;
    while (now_ms() < deadline && reap(&h->redis, 0) == STILL_UP) {
        redisContext *c =
            redisConnectWithTimeout("127.0.0.1", h->redis_port, (struct timeval){0, 200000});
        redisReply *r = c && !c->err ? redisCommand(c, "PING") : NULL;
        bool pong = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
        freeReplyObject(r);
        redisFree(c);
        if (pong)
            return 0;
        usleep(50000);
    }
    fprintf(stderr, "harness: redis-server did not answer PING on port %d\n", h->redis_port);
    print_tail(h->dir, "redis", LOG_TAIL);
    return -1;
}

/* --------------------------------------------------------------- lifecycle */

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

bool nq_harness_wait_ready(nq_harness_t *h, int timeout_ms)
{
    nq_httpc_t *c = nq_httpc_new(h->url);
    nq_httpc_response_t r = {0};
    int64_t deadline = now_ms() + timeout_ms;
    bool ready = false, died = false;
    char last[512] = "no answer";
    nq_httpc_set_timeout(c, 1000);
    while (c && !ready && !died && now_ms() < deadline) {
        for (size_t i = 0; i < h->n_procs && !died; i++) {
            proc_t *p = &h->procs[i];
            if (p->pid && reap(p, 0) != STILL_UP) {
                fprintf(stderr, "harness: %s exited with status %d while starting\n", p->name,
                        p->status);
                died = true;
            }
        }
        int rc = nq_httpc_request(c, "GET", "/readyz", NULL, NULL, 0, NULL, &r);
        ready = rc == 0 && r.status == 200;
        if (rc == 0)
            snprintf(last, sizeof(last), "HTTP %d %s", r.status, r.body);
        else
            snprintf(last, sizeof(last), "%s", nq_httpc_strerror(rc));
        nq_httpc_response_free(&r);
        if (!ready && !died)
            usleep(100000);
    }
    nq_httpc_destroy(&c);
    if (!ready) {
        fprintf(stderr, "harness: %s/readyz not 200 after %d ms; last answer: %s\n", h->url,
                timeout_ms, last);
        nq_harness_print_logs(h, LOG_TAIL);
    }
    return ready;
}

nq_harness_t *nq_harness_start(const char *const *extra_env)
{
    int ports[N_PORTS];
    const char *tmp = getenv("TMPDIR");
    nq_harness_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    snprintf(h->dir, sizeof(h->dir), "%s/nq-it-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(h->dir)) {
        fprintf(stderr, "harness: mkdtemp %s: %s\n", h->dir, strerror(errno));
        free(h);
        return NULL;
    }
    if (wrap_parse(h) != 0) {
        fprintf(stderr, "harness: NQ_HARNESS_WRAP has more than %d words\n", MAX_WRAP - 2);
        goto fail;
    }
    snprintf(h->redis_socket, sizeof(h->redis_socket), "%s/redis.sock", h->dir);
    if (strlen(h->redis_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        h->redis_socket[0] = '\0';
    if (free_ports(ports, N_PORTS) != 0 || build_env(h, ports, extra_env) != 0) {
        fprintf(stderr, "harness: cannot pick ports or build the environment\n");
        goto fail;
    }
    h->redis_port = ports[0];
    snprintf(h->url, sizeof(h->url), "http://127.0.0.1:%d", ports[1]);
    if (start_redis(h) != 0)
        goto fail;
    nq_apikey_new(h->api_key);
    if (nq_harness_grant(h) != 0 || setenv("NQ_API_KEY", h->api_key, 1) != 0)
        goto fail;
    for (size_t i = 0; i < sizeof(suite) / sizeof(suite[0]); i++)
        if (nq_harness_proc_add(h, suite[i][0], suite[i][1]) != 0)
            goto fail;
    if (!nq_harness_wait_ready(h, NQ_HARNESS_READY_MS * h->slow))
        goto fail;
    return h;
fail:
    nq_harness_stop(&h);
    return NULL;
}

int nq_harness_stop(nq_harness_t **hp)
{
    nq_harness_t *h = hp ? *hp : NULL;
    int failures = 0;
    if (!h)
        return 0;
    for (size_t i = h->n_procs; i-- > 0;) {
        proc_t *p = &h->procs[i];
        int rc = reap(p, 0) == STILL_UP ? stop_proc(p, SIGTERM, NQ_HARNESS_STOP_MS * h->slow) : -1;
        if (rc > 0 || (rc == -1 && p->unexpected)) {
            fprintf(stderr, "harness: %s %s with status %d (graceful shutdown exits 0%s)\n",
                    p->name, rc > 0 ? "stopped" : "had exited by itself", p->status,
                    h->wrap[0] ? "; the wrapper's own errors change it" : "");
            failures++;
        }
    }
    if (failures > 0 && !h->logs_printed)
        nq_harness_print_logs(h, LOG_TAIL);
    stop_proc(&h->redis, SIGTERM, NQ_HARNESS_STOP_MS);
    const char *keep = getenv("NQ_TEST_KEEP");
    if (keep && strcmp(keep, "1") == 0)
        fprintf(stderr, "harness: kept %s\n", h->dir);
    else
        remove_tree(h->dir);
    for (size_t i = 0; i < h->n_env; i++)
        free(h->env[i]);
    free(h->wrap_text);
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
    redisContext *c = redisConnectWithTimeout("127.0.0.1", h->redis_port, (struct timeval){2, 0});
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

const char *nq_harness_url(const nq_harness_t *h)
{
    return h->url;
}

int nq_harness_redis_port(const nq_harness_t *h)
{
    return h->redis_port;
}

const char *nq_harness_redis_socket(const nq_harness_t *h)
{
    return h->redis_socket;
}

const char *nq_harness_dir(const nq_harness_t *h)
{
    return h->dir;
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
