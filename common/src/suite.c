/* suite.c — a whole neiqin suite on this machine. See nq/suite.h.
 *
 * Layout: environment, ports, processes (spawn, reap, stop), Redis, logs,
 * then the suite's lifecycle. One file over 600 lines on purpose: every part
 * works on the one process table and environment of `struct nq_suite`, which
 * a second file would have to share through a private header. */
#include "nq/suite.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <hiredis/hiredis.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
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

#include "nq/buf.h"
#include "nq/config.h"
#include "nq/curve.h"
#include "nq/httpc.h"
#include "nq/redis_acl.h"

#define REDIS_MS    10000 /* how long redis-server has to answer PING */
#define FAILED_TAIL 200   /* lines of a failed process's log: a sanitizer's report is long */
#define MAX_WRAP    32    /* words of the wrapper command */
#define STILL_UP    (-2)  /* reap(): the process has not exited yet */

extern char **environ;

/* One process of the suite. */
typedef struct proc {
    char name[32];   /* log and pid file name; NQ_INSTANCE of a neiqin process */
    char binary[32]; /* executable in bin_dir; Redis: found on PATH */
    char **argv;     /* Redis: its arguments (owned); NULL for a neiqin process */
    pid_t pid;       /* running child, 0 when none */
    bool started;    /* started at least once (its log is appended to since) */
    bool stopping;   /* the suite asked it to exit */
    bool unexpected; /* it exited without being asked */
    bool told;       /* its unexpected exit was reported */
    int status;      /* last exit: 0..255, or 128 + signal */
} proc_t;

struct nq_suite {
    nq_suite_opts_t o;      /* the options, strings copied below */
    char dir[256];          /* the suite's directory */
    char bin_dir[512];      /* the executables */
    char who[32];           /* message prefix */
    char url[300];          /* the gateway's base URL, once configured */
    nq_config_t cfg;        /* the configuration read from env */
    char redis_socket[280]; /* <dir>/redis/redis.sock, "" when it does not fit */
    char **env;             /* "NAME=value" (owned), then 2 free slots (NQ_INSTANCE, NULL) */
    size_t n_env, cap_env;  /* entries in env, slots allocated */
    char *wrap_text;        /* the wrapper command, split in place; NULL when none */
    char *wrap[MAX_WRAP];   /* its words, NULL-terminated */
    proc_t *procs;          /* in start order, Redis first */
    size_t n_procs, cap;    /* entries, slots */
    bool logs_printed;      /* the log tails were shown already */
    bool acl;               /* Redis runs with the ACL users (NQ_REDIS_ACL=on) */
    char acl_dir[300];      /* <dir>/redis-acl: passwords and users.acl */
    char admin_pw[NQ_REDIS_PASSWORD_LEN + 1]; /* the default user's, "" without ACL */
};

/* The endpoint variables and their fields in nq_config_t. */
static const struct {
    const char *var;
    size_t field;
} endpoints[] = {
    {"NQ_INGEST_ENDPOINT", offsetof(nq_config_t, ingest_endpoint)},
    {"NQ_CUSTOMERS_ENDPOINT", offsetof(nq_config_t, customers_endpoint)},
    {"NQ_REPORTING_ENDPOINT", offsetof(nq_config_t, reporting_endpoint)},
    {"NQ_STORED_ENDPOINT", offsetof(nq_config_t, stored_endpoint)},
    {"NQ_CHANGES_ENDPOINT", offsetof(nq_config_t, changes_endpoint)},
    {"NQ_ALERTS_ENDPOINT", offsetof(nq_config_t, alerts_endpoint)},
};
#define N_ENDPOINTS (sizeof(endpoints) / sizeof(endpoints[0]))

/* The services after Redis and the scorers, in start order. */
static const char *const services_before[] = {"nq-ingest"};
static const char *const services_after[] = {"nq-customers", "nq-alerting", "nq-reporting",
                                             "nq-gateway"};

/* Redis's persistence: AOF fsynced every second, rewritten from 256 MB on and
 * without LZF compression of its snapshot part (a rewrite costs a third of
 * the CPU, for larger files); expired keys freed in the background (a dedupe
 * bucket holds a quarter window of event ids: freeing millions at once would
 * stall every client). deploy/redis.conf says the same for docker-compose. */
static const char *const redis_aof[] = {
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--auto-aof-rewrite-min-size",
    "256mb",
    "--rdbcompression",
    "no",
    "--lazyfree-lazy-expire",
    "yes",
};
static const char *const redis_volatile[] = {"--save", "", "--appendonly", "no"};
/* Hashes keep the compact listpack encoding with values up to 128 bytes (the
 * default is 64): a customer's Chinese name and its sort keys are longer, and one
 * longer value turns the whole hash into a hashtable about three times the size
 * (bench/README.md, Customers at scale). deploy/redis.conf says the same. */
static const char *const redis_memory[] = {"--hash-max-listpack-value", "128"};

static void say(const nq_suite_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const nq_suite_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", s->who);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool cancelled(const nq_suite_t *s)
{
    return s->o.cancel && *s->o.cancel;
}

/* ------------------------------------------------------------ environment */

int nq_suite_setenv(nq_suite_t *s, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return -1;
    size_t n = (size_t)(eq - assignment) + 1, i = 0;
    while (i < s->n_env && strncmp(s->env[i], assignment, n) != 0)
        i++;
    /* Two slots beyond the last entry stay free: NQ_INSTANCE and the NULL (spawn). */
    char **env = nq_array_grow(s->env, &s->cap_env, s->n_env + 3, 64, sizeof(*env));
    if (env)
        s->env = env;
    char *copy = env ? strdup(assignment) : NULL;
    if (!copy)
        return -1;
    /* A replacement leaves the slot past the last entry alone: in a child of
     * spawn, own_credentials replaces NQ_REDIS_USER/PASSWORD while that slot
     * holds NQ_INSTANCE. */
    if (i == s->n_env)
        s->env[++s->n_env] = NULL;
    else
        free(s->env[i]);
    s->env[i] = copy;
    return 0;
}

static int setenvf(nq_suite_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int setenvf(nq_suite_t *s, const char *fmt, ...)
{
    nq_buf_t b = NQ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = nq_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    rc = rc == 0 ? nq_suite_setenv(s, b.buf) : -1;
    nq_buf_release(&b);
    return rc;
}

char *const *nq_suite_env(const nq_suite_t *s)
{
    return s->env;
}

/* getenv over the suite's environment, for nq_config_load. */
static const nq_suite_t *s_env_of;

static char *suite_getenv(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < s_env_of->n_env; i++)
        if (strncmp(s_env_of->env[i], name, n) == 0 && s_env_of->env[i][n] == '=')
            return s_env_of->env[i] + n + 1;
    return NULL;
}

/* The value of `name` in the suite's environment, NULL when unset. */
static const char *env_get(const nq_suite_t *s, const char *name)
{
    s_env_of = s;
    const char *v = suite_getenv(name);
    s_env_of = NULL;
    return v;
}

/* Read the configuration from the suite's environment: the ports to check,
 * Redis's port, the gateway's URL. Returns 0 or -1 (why on stderr). */
static int configure(nq_suite_t *s)
{
    char err[300], *argv[] = {"nq-suite", NULL};
    s_env_of = s;
    int rc = nq_config_load(&s->cfg, "nq-suite", 1, argv, suite_getenv, err, sizeof(err));
    s_env_of = NULL;
    if (rc != 0) {
        say(s, "%s", err);
        return -1;
    }
    const char *host = s->cfg.http_host;
    if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0)
        host = "127.0.0.1";
    snprintf(s->url, sizeof(s->url), "http://%s:%d", host, s->cfg.http_port);
    return 0;
}

/* ------------------------------------------------------------------ ports */

/* The first port the kernel gives to outgoing connections: a port chosen below it
 * cannot be taken as a client's local port between choosing it and binding it. */
static int ephemeral_low(void)
{
    int lo = 0, hi = 0;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        if (fscanf(f, "%d %d", &lo, &hi) != 2)
            lo = 0;
        fclose(f);
    }
    return lo;
}

/* A socket bound to 127.0.0.1:port (0: any free port), its port in *got; -1 when taken. */
static int bind_loopback(int port, int *got)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        *got = ntohs(a.sin_port);
        return fd;
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

int nq_suite_use_free_ports(nq_suite_t *s)
{
    enum { N = N_ENDPOINTS + 2, LOWEST = 10000, TRIES = 64 };
    int fds[N], ports[N], rc = 0;
    size_t i;
    /* random free ports between 10000 and the ephemeral range, else any free port */
    int below = ephemeral_low() - LOWEST;
    unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
    for (i = 0; i < N && rc == 0; i++) {
        fds[i] = -1;
        for (int t = 0; below > 1000 && t < TRIES && fds[i] < 0; t++)
            fds[i] = bind_loopback(LOWEST + (int)(rand_r(&seed) % (unsigned)below), &ports[i]);
        if (fds[i] < 0)
            fds[i] = bind_loopback(0, &ports[i]);
        rc = fds[i] < 0 ? -1 : 0;
    }
    while (i-- > 0)
        if (fds[i] >= 0)
            close(fds[i]);
    if (rc == 0)
        rc = setenvf(s, "NQ_REDIS_PORT=%d", ports[0]);
    if (rc == 0)
        rc = setenvf(s, "NQ_HTTP_HOST=127.0.0.1");
    if (rc == 0)
        rc = setenvf(s, "NQ_HTTP_PORT=%d", ports[1]);
    for (i = 0; rc == 0 && i < N_ENDPOINTS; i++)
        rc = setenvf(s, "%s=tcp://127.0.0.1:%d", endpoints[i].var, ports[2 + i]);
    if (rc != 0)
        say(s, "cannot pick free ports");
    return rc;
}

/* Whether something listens on host:port: binding there (as the services
 * will, with SO_REUSEADDR) fails. */
static bool port_taken(const char *host, int port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    char service[16];
    snprintf(service, sizeof(service), "%d", port);
    if (strcmp(host, "*") == 0)
        host = "0.0.0.0";
    if (getaddrinfo(host, service, &hints, &ai) != 0)
        return false; /* the service reports a host it cannot use itself */
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    bool taken = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
                 bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno == EADDRINUSE;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return taken;
}

bool nq_suite_port_free(const char *host, int port)
{
    return !port_taken(host, port);
}

int nq_suite_check_ports(nq_suite_t *s)
{
    if (configure(s) != 0)
        return -1;
    if (port_taken("127.0.0.1", s->cfg.redis_port)) {
        say(s,
            "port %d for Redis (NQ_REDIS_PORT) is already taken on 127.0.0.1; stop what uses "
            "it, or choose another port",
            s->cfg.redis_port);
        return -1;
    }
    if (port_taken(s->cfg.http_host, s->cfg.http_port)) {
        say(s,
            "port %d for HTTP (NQ_HTTP_HOST/NQ_HTTP_PORT) is already taken on %s; stop what "
            "uses it, or choose another port",
            s->cfg.http_port, s->cfg.http_host);
        return -1;
    }
    for (size_t i = 0; i < N_ENDPOINTS; i++) {
        const char *ep = (const char *)&s->cfg + endpoints[i].field, *colon;
        char host[NQ_CONFIG_STR];
        if (strncmp(ep, "tcp://", 6) != 0 || !(colon = strrchr(ep + 6, ':')))
            continue;
        snprintf(host, sizeof(host), "%.*s", (int)(colon - ep - 6), ep + 6);
        if (port_taken(host, atoi(colon + 1))) {
            say(s,
                "port %s for %s is already taken on %s; stop what uses it, or choose another "
                "port",
                colon + 1, endpoints[i].var, host);
            return -1;
        }
    }
    return 0;
}

/* -------------------------------------------------------------- processes */

static proc_t *find(nq_suite_t *s, const char *name)
{
    for (size_t i = 0; i < s->n_procs; i++)
        if (strcmp(s->procs[i].name, name) == 0)
            return &s->procs[i];
    return NULL;
}

static void path_in(const nq_suite_t *s, const char *sub, const char *name, const char *ext,
                    char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s/%s%s", s->dir, sub, name, ext);
}

void nq_suite_log_path(const nq_suite_t *s, const char *name, char *buf, size_t len)
{
    path_in(s, "log", name, ".log", buf, len);
}

/* In the child: exec p, under the wrapper for a neiqin process. Returns only
 * on failure. */
static void exec_proc(nq_suite_t *s, const proc_t *p)
{
    if (p->argv) {
        execvp(p->argv[0], p->argv);
        return;
    }
    char path[600], *argv[MAX_WRAP];
    size_t n = 0;
    snprintf(path, sizeof(path), "%s/%s", s->bin_dir, p->binary);
    if (!s->wrap[0]) {
        execve(path, (char *[]){(char *)p->binary, NULL}, s->env);
        return;
    }
    for (; s->wrap[n]; n++)
        argv[n] = s->wrap[n];
    argv[n++] = path;
    argv[n] = NULL;
    environ = s->env; /* the wrapper is found on PATH and runs with the suite's environment */
    execvp(argv[0], argv);
}

/* In the child, with the ACL: a service's own Redis user and password
 * instead of the operator's (set in the environment already, so replaced in
 * place). */
static void own_credentials(nq_suite_t *s, const proc_t *p)
{
    const char *user = nq_redis_acl_user_of(p->binary);
    char pw[NQ_REDIS_PASSWORD_LEN + 1], err[300];
    if (!s->acl || p->argv || !user)
        return;
    if (nq_redis_acl_password(s->acl_dir, user, pw, sizeof(pw), err, sizeof(err)) != 0 ||
        setenvf(s, "NQ_REDIS_USER=%s", user) != 0 || setenvf(s, "NQ_REDIS_PASSWORD=%s", pw) != 0) {
        dprintf(2, "%s: %s\n", s->who, err);
        _exit(127);
    }
}

/* The child's side of spawn: its session, its output, then exec. */
static void child(nq_suite_t *s, const proc_t *p, pid_t parent, const char *log)
{
    if (s->o.die_with_parent)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (s->o.own_sessions)
        setsid();
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int in = open("/dev/null", O_RDONLY);
    if ((s->o.die_with_parent && getppid() != parent) || out < 0 || in < 0 || dup2(in, 0) < 0 ||
        dup2(out, 1) < 0 || dup2(out, 2) < 0 || chdir(s->dir) != 0)
        _exit(127);
    own_credentials(s, p);
    exec_proc(s, p);
    dprintf(2, "%s: cannot run %s: %s\n", s->who,
            p->argv      ? p->argv[0]
            : s->wrap[0] ? s->wrap[0]
                         : p->binary,
            strerror(errno));
    _exit(127);
}

/* Fork and exec p, its output to its log (the previous suite's kept as
 * .log.1 on its first start), its pid in its pid file. */
static int spawn(nq_suite_t *s, proc_t *p)
{
    char log[600], pidfile[600], instance[64];
    nq_suite_log_path(s, p->name, log, sizeof(log));
    if (!p->started) {
        char old[610];
        snprintf(old, sizeof(old), "%s.1", log);
        rename(log, old);
    }
    snprintf(instance, sizeof(instance), "NQ_INSTANCE=%s", p->name);
    s->env[s->n_env] = instance; /* setenv keeps two slots free */
    s->env[s->n_env + 1] = NULL;
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        child(s, p, parent, log);
    s->env[s->n_env] = NULL;
    if (pid < 0) {
        say(s, "fork for %s: %s", p->name, strerror(errno));
        return -1;
    }
    p->pid = pid;
    p->started = true;
    p->stopping = p->unexpected = p->told = false;
    path_in(s, "run", p->name, ".pid", pidfile, sizeof(pidfile));
    FILE *f = fopen(pidfile, "w");
    if (f) {
        fprintf(f, "%d\n", (int)pid);
        fclose(f);
    }
    return 0;
}

static void forget_pid(nq_suite_t *s, const proc_t *p)
{
    char pidfile[600];
    path_in(s, "run", p->name, ".pid", pidfile, sizeof(pidfile));
    unlink(pidfile);
}

/* Wait up to timeout_ms for p to exit. Returns its status (0..255, or 128 +
 * signal), STILL_UP, or -1 when it is not running. */
static int reap(nq_suite_t *s, proc_t *p, int timeout_ms)
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
            forget_pid(s, p);
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

/* Signal p and wait up to timeout_ms for it; SIGKILL when it does not end. */
static int stop_proc(nq_suite_t *s, proc_t *p, int sig, int timeout_ms)
{
    if (reap(s, p, 0) != STILL_UP)
        return -1;
    p->stopping = true;
    kill(p->pid, sig);
    int rc = reap(s, p, timeout_ms);
    if (rc == STILL_UP) {
        say(s, "%s still running %d ms after signal %d; killing it", p->name, timeout_ms, sig);
        kill(p->pid, SIGKILL);
        rc = reap(s, p, timeout_ms);
    }
    return rc;
}

/* A new entry named `name` running `binary` (argv for Redis, stolen). */
static proc_t *add_proc(nq_suite_t *s, const char *binary, const char *name, char **argv)
{
    proc_t *procs = NULL;
    if (!find(s, name) && strlen(name) < sizeof(procs->name) &&
        strlen(binary) < sizeof(procs->binary))
        procs = nq_array_grow(s->procs, &s->cap, s->n_procs + 1, 16, sizeof(*procs));
    if (!procs)
        return NULL;
    s->procs = procs;
    proc_t *p = &s->procs[s->n_procs++];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    snprintf(p->binary, sizeof(p->binary), "%s", binary);
    p->argv = argv;
    return p;
}

int nq_suite_add(nq_suite_t *s, const char *binary, const char *name)
{
    proc_t *p = add_proc(s, binary, name, NULL);
    return p ? spawn(s, p) : -1;
}

int nq_suite_proc_start(nq_suite_t *s, const char *name)
{
    proc_t *p = find(s, name);
    if (!p || reap(s, p, 0) == STILL_UP)
        return -1;
    return spawn(s, p);
}

int nq_suite_proc_stop(nq_suite_t *s, const char *name, int sig)
{
    proc_t *p = find(s, name);
    return p ? stop_proc(s, p, sig, s->o.stop_ms) : -1;
}

int nq_suite_proc_signal(nq_suite_t *s, const char *name, int sig)
{
    proc_t *p = find(s, name);
    return p && p->pid > 0 ? kill(p->pid, sig) : -1;
}

bool nq_suite_proc_running(nq_suite_t *s, const char *name)
{
    proc_t *p = find(s, name);
    return p && reap(s, p, 0) == STILL_UP;
}

/* ------------------------------------------------------------------- logs */

static void print_tail(const nq_suite_t *s, const char *name, int lines)
{
    char path[600];
    nq_suite_log_path(s, name, path, sizeof(path));
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

static bool failed(const proc_t *p)
{
    return p->status != 0 || p->unexpected;
}

void nq_suite_print_logs(nq_suite_t *s, int lines)
{
    s->logs_printed = true;
    for (size_t i = 0; i < s->n_procs; i++)
        print_tail(s, s->procs[i].name,
                   failed(&s->procs[i]) && lines < FAILED_TAIL ? FAILED_TAIL : lines);
}

int nq_suite_reap(nq_suite_t *s)
{
    int n = 0;
    for (size_t i = 0; i < s->n_procs; i++) {
        proc_t *p = &s->procs[i];
        if (p->pid > 0)
            reap(s, p, 0);
        if (p->pid == 0 && p->unexpected && !p->told) {
            p->told = true;
            say(s, "%s exited on its own with status %d", p->name, p->status);
            print_tail(s, p->name, p->status ? FAILED_TAIL : NQ_SUITE_LOG_TAIL);
            n++;
        }
    }
    return n;
}

/* ------------------------------------------------------------------ Redis */

/* Redis's arguments: port and socket, its directory, the memory settings, the
 * persistence, the caller's. */
static char **redis_argv(const nq_suite_t *s)
{
    char port[16], dir[300];
    snprintf(port, sizeof(port), "%d", s->cfg.redis_port);
    snprintf(dir, sizeof(dir), "%s/redis", s->dir);
    const char *head[] = {
        "redis-server", "--port",      port, "--bind", "127.0.0.1", "--protected-mode",
        "yes",          "--daemonize", "no", "--dir",  dir};
    const char *const *keep = s->o.redis_aof ? redis_aof : redis_volatile;
    size_t n_head = sizeof(head) / sizeof(head[0]), n_sock = s->redis_socket[0] ? 4 : 0;
    size_t n_keep = s->o.redis_aof ? sizeof(redis_aof) / sizeof(redis_aof[0])
                                   : sizeof(redis_volatile) / sizeof(redis_volatile[0]);
    size_t n_mem = sizeof(redis_memory) / sizeof(redis_memory[0]), n_more = 0;
    while (s->o.redis_args && s->o.redis_args[n_more])
        n_more++;
    char aclfile[340];
    snprintf(aclfile, sizeof(aclfile), "%s/users.acl", s->acl_dir);
    const char *acl[] = {"--aclfile", aclfile};
    size_t n_acl = s->acl ? 2 : 0;
    char **argv = calloc(n_head + n_sock + n_mem + n_keep + n_more + n_acl + 1, sizeof(*argv));
    const char *sock[] = {"--unixsocket", s->redis_socket, "--unixsocketperm", "700"};
    size_t k = 0;
    bool ok = argv != NULL;
    for (size_t i = 0; ok && i < n_head; i++)
        ok = (argv[k++] = strdup(head[i])) != NULL;
    for (size_t i = 0; ok && i < n_sock; i++)
        ok = (argv[k++] = strdup(sock[i])) != NULL;
    for (size_t i = 0; ok && i < n_mem; i++)
        ok = (argv[k++] = strdup(redis_memory[i])) != NULL;
    for (size_t i = 0; ok && i < n_keep; i++)
        ok = (argv[k++] = strdup(keep[i])) != NULL;
    for (size_t i = 0; ok && i < n_more; i++)
        ok = (argv[k++] = strdup(s->o.redis_args[i])) != NULL;
    for (size_t i = 0; ok && i < n_acl; i++)
        ok = (argv[k++] = strdup(acl[i])) != NULL;
    if (!ok && argv) {
        for (size_t i = 0; i < k; i++)
            free(argv[i]);
        free(argv);
        argv = NULL;
    }
    return argv;
}

redisContext *nq_suite_redis_connect(const nq_suite_t *s, int timeout_ms)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", s->cfg.redis_port, tv);
    if (c && !c->err && s->admin_pw[0]) {
        redisReply *r = redisCommand(c, "AUTH %s %s", NQ_REDIS_ACL_ADMIN, s->admin_pw);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            c->err = REDIS_ERR_OTHER;
            snprintf(c->errstr, sizeof(c->errstr), "AUTH as the operator refused");
        }
        freeReplyObject(r);
    }
    return c;
}

/* With NQ_REDIS_ACL=on: the passwords (made once in <dir>/redis-acl), the
 * ACL file Redis loads, and the operator's credentials in the environment
 * (nqctl run from the suite uses them; each service gets its own, see
 * own_credentials). Returns 0 or -1 (why on stderr). */
static int use_acl(nq_suite_t *s)
{
    char err[600], path[340];
    const char *on = env_get(s, "NQ_REDIS_ACL");
    s->acl = on && strcmp(on, "on") == 0;
    if (!s->acl)
        return 0;
    snprintf(s->acl_dir, sizeof(s->acl_dir), "%s/redis-acl", s->dir);
    snprintf(path, sizeof(path), "%s/users.acl", s->acl_dir);
    FILE *f = NULL;
    int rc = nq_redis_acl_passwords(s->acl_dir, err, sizeof(err)) < 0 ? -1 : 0;
    if (rc == 0 && (!(f = fopen(path, "w")) || fchmod(fileno(f), 0600) != 0)) {
        snprintf(err, sizeof(err), "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        rc = nq_redis_acl_write(f, s->acl_dir, err, sizeof(err));
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc == 0)
        rc = nq_redis_acl_password(s->acl_dir, NQ_REDIS_ACL_ADMIN, s->admin_pw, sizeof(s->admin_pw),
                                   err, sizeof(err));
    if (rc == 0)
        rc = setenvf(s, "NQ_REDIS_USER=%s", NQ_REDIS_ACL_ADMIN) |
             setenvf(s, "NQ_REDIS_PASSWORD=%s", s->admin_pw);
    if (rc != 0)
        say(s, "Redis ACL: %s", err);
    return rc;
}

static bool redis_pong(const nq_suite_t *s)
{
    redisContext *c = nq_suite_redis_connect(s, 200);
    redisReply *r = c && !c->err ? redisCommand(c, "PING") : NULL;
    bool pong = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
    freeReplyObject(r);
    redisFree(c);
    return pong;
}

int nq_suite_start_redis(nq_suite_t *s, int timeout_ms)
{
    if (configure(s) != 0 || use_acl(s) != 0)
        return -1;
    char **argv = redis_argv(s);
    proc_t *p = argv ? add_proc(s, "redis-server", "redis", argv) : NULL;
    if (!p) {
        for (size_t i = 0; argv && argv[i]; i++)
            free(argv[i]);
        free(argv);
        say(s, "out of memory");
        return -1;
    }
    if (spawn(s, p) != 0)
        return -1;
    int64_t deadline = now_ms() + timeout_ms;
    while (now_ms() < deadline && !cancelled(s) && reap(s, p, 0) == STILL_UP) {
        if (redis_pong(s))
            return 0;
        usleep(50000);
    }
    say(s, "redis-server did not answer PING on 127.0.0.1:%d", s->cfg.redis_port);
    print_tail(s, "redis", NQ_SUITE_LOG_TAIL);
    return -1;
}

/* --------------------------------------------------------------- lifecycle */

/* The wrapper command, split on blanks into s->wrap. */
static int wrap_parse(nq_suite_t *s, const char *text)
{
    if (!text || !*text)
        return 0;
    if (!(s->wrap_text = strdup(text)))
        return -1;
    size_t n = 0;
    for (char *save, *w = strtok_r(s->wrap_text, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (n == MAX_WRAP - 2) { /* room for the binary and the NULL */
            say(s, "the wrapper command has more than %d words", MAX_WRAP - 2);
            return -1;
        }
        s->wrap[n++] = w;
    }
    return 0;
}

static int make_dirs(nq_suite_t *s)
{
    static const char *const subs[] = {"", "/log", "/run", "/redis"};
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        char path[300];
        snprintf(path, sizeof(path), "%s%s", s->dir, subs[i]);
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            say(s, "cannot make %s: %s", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

nq_suite_t *nq_suite_new(const nq_suite_opts_t *opts)
{
    nq_suite_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->o = *opts;
    snprintf(s->who, sizeof(s->who), "%s", opts->who ? opts->who : "nq-suite");
    if (!opts->dir || !opts->bin_dir || strlen(opts->dir) >= 200 ||
        strlen(opts->bin_dir) >= sizeof(s->bin_dir)) {
        say(s, "the suite's directory or the binaries' path is missing or too long");
        free(s);
        return NULL;
    }
    snprintf(s->dir, sizeof(s->dir), "%s", opts->dir);
    snprintf(s->bin_dir, sizeof(s->bin_dir), "%s", opts->bin_dir);
    char abs[PATH_MAX];
    if (mkdir(s->dir, 0755) == 0 || errno == EEXIST) { /* absolute: children run in it */
        if (realpath(opts->dir, abs) && strlen(abs) < 200)
            snprintf(s->dir, sizeof(s->dir), "%s", abs);
    }
    s->o.dir = s->dir;
    s->o.bin_dir = s->bin_dir;
    s->o.who = s->who;
    s->o.wrap = NULL;
    snprintf(s->redis_socket, sizeof(s->redis_socket), "%s/redis/redis.sock", s->dir);
    if (strlen(s->redis_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        s->redis_socket[0] = '\0'; /* no room: TCP only */
    s->env = nq_array_grow(NULL, &s->cap_env, 3, 64, sizeof(*s->env));
    int rc = s->env && make_dirs(s) == 0 && wrap_parse(s, opts->wrap) == 0 ? 0 : -1;
    if (rc == 0)
        s->env[0] = NULL;
    for (char **e = environ; rc == 0 && *e; e++)
        if (!opts->clean_env || strncmp(*e, "NQ_", 3) != 0)
            rc = nq_suite_setenv(s, *e);
    if (rc != 0) {
        nq_suite_stop(&s);
        return NULL;
    }
    return s;
}

/* CURVE keys for the suite's processes, unless NQ_CURVE=off: those of
 * NQ_CURVE_DIR, or <dir>/curve; pairs that are missing are made, those
 * there are kept. Returns 0 or -1 (why on stderr). */
static int use_curve(nq_suite_t *s)
{
    char dir[300], err[600];
    if (strcmp(s->cfg.curve, "off") == 0)
        return 0;
    if (s->cfg.curve_dir[0])
        snprintf(dir, sizeof(dir), "%s", s->cfg.curve_dir);
    else
        snprintf(dir, sizeof(dir), "%s/curve", s->dir);
    int made = nq_curve_keygen(dir, err, sizeof(err));
    if (made < 0) {
        say(s, "CURVE keys: %s", err);
        return -1;
    }
    if (made > 0)
        say(s, "made %d CURVE key pair%s in %s", made, made == 1 ? "" : "s", dir);
    return setenvf(s, "NQ_CURVE_DIR=%s", dir);
}

int nq_suite_start(nq_suite_t *s, int scorers)
{
    if (nq_suite_start_redis(s, s->o.redis_ms > 0 ? s->o.redis_ms : REDIS_MS) != 0 ||
        use_curve(s) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(services_before) / sizeof(services_before[0]); i++)
        if (nq_suite_add(s, services_before[i], services_before[i]) != 0)
            return -1;
    for (int i = 1; i <= scorers; i++) {
        char name[32];
        snprintf(name, sizeof(name), "nq-scoring-%d", i);
        if (nq_suite_add(s, "nq-scoring", name) != 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof(services_after) / sizeof(services_after[0]); i++)
        if (nq_suite_add(s, services_after[i], services_after[i]) != 0)
            return -1;
    return 0;
}

bool nq_suite_wait_ready(nq_suite_t *s, int timeout_ms)
{
    nq_httpc_t *c = nq_httpc_new(s->url);
    nq_httpc_response_t r = {0};
    int64_t deadline = now_ms() + timeout_ms;
    bool ready = false, died = false;
    char last[512] = "no answer";
    if (c)
        nq_httpc_set_timeout(c, 1000);
    while (c && !ready && !died && !cancelled(s) && now_ms() < deadline) {
        for (size_t i = 0; i < s->n_procs && !died; i++) {
            proc_t *p = &s->procs[i];
            if (p->pid && reap(s, p, 0) != STILL_UP) {
                say(s, "%s exited with status %d while starting", p->name, p->status);
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
    if (!ready && !cancelled(s)) {
        say(s, "%s/readyz not 200 after %d ms; last answer: %s", s->url, timeout_ms, last);
        nq_suite_print_logs(s, NQ_SUITE_LOG_TAIL);
    }
    return ready;
}

int nq_suite_stop(nq_suite_t **sp)
{
    nq_suite_t *s = sp ? *sp : NULL;
    int failures = 0;
    if (!s)
        return 0;
    for (size_t i = s->n_procs; i-- > 0;) {
        proc_t *p = &s->procs[i];
        int rc = reap(s, p, 0) == STILL_UP ? stop_proc(s, p, SIGTERM, s->o.stop_ms) : -1;
        if (rc > 0 || (rc == -1 && p->unexpected)) {
            say(s, "%s %s with status %d (graceful shutdown exits 0%s)", p->name,
                rc > 0 ? "stopped" : "had exited by itself", p->status,
                s->wrap[0] ? "; the wrapper's own errors change it" : "");
            failures++;
        }
    }
    if (failures > 0 && !s->logs_printed)
        nq_suite_print_logs(s, NQ_SUITE_LOG_TAIL);
    for (size_t i = 0; i < s->n_procs; i++) {
        for (size_t k = 0; s->procs[i].argv && s->procs[i].argv[k]; k++)
            free(s->procs[i].argv[k]);
        free(s->procs[i].argv);
    }
    free(s->procs);
    for (size_t i = 0; i < s->n_env; i++)
        free(s->env[i]);
    free(s->env);
    free(s->wrap_text);
    free(s);
    *sp = NULL;
    return failures;
}

const char *nq_suite_url(const nq_suite_t *s)
{
    return s->url;
}

int nq_suite_redis_port(const nq_suite_t *s)
{
    return s->cfg.redis_port;
}

const char *nq_suite_redis_socket(const nq_suite_t *s)
{
    return s->redis_socket;
}

const char *nq_suite_dir(const nq_suite_t *s)
{
    return s->dir;
}
