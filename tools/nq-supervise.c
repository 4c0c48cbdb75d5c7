/* nq-supervise — run a whole neiqin suite on this machine (nq/suite.h): the
 * run command (scripts/run.sh) and the benchmark (bench/run.sh) start, watch
 * and stop their suites with it; the tests' harness uses the same module.
 *
 *   nq-supervise --dir var --redis-aof --on-ready 'nqctl seed-demo'   # until Ctrl-C
 *   nq-supervise --dir /tmp/s --free-ports --scorers 1 -- nq-bench ...  # for one command
 *   nq-supervise stop --dir var                                         # from elsewhere
 *
 * This file reads the command line, writes DIR/nq-supervise.pid, and runs
 * the loop: start, wait for readiness, then the command or the signals, then
 * stop in order. `stop` signals a running supervisor (or, when it is gone,
 * stops what its pid files name).
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/suite.h"

#define WHO      "nq-supervise"
#define PID_FILE "nq-supervise.pid" /* in DIR: the running supervisor */

/* Exit codes, shown by --help. */
enum {
    EXIT_OK = 0,     /* stopped as asked, everything exited 0 */
    EXIT_FAILED = 1, /* the suite did not start, or a process failed */
    EXIT_USAGE = 2,  /* bad command line */
};

/* The command line. */
typedef struct opts {
    const char *dir;      /* the suite's directory */
    char bin[PATH_MAX];   /* the executables */
    int scorers;          /* scorer replicas */
    bool free_ports;      /* pick free ports instead of the configured ones */
    bool redis_aof;       /* the run command's persistence */
    bool redis_only;      /* no neiqin process */
    int ready_s, stop_s;  /* waits for readiness, for each process's exit */
    const char *on_ready; /* shell command once ready, or NULL */
    const char *wrap;     /* wrapper of every neiqin process, or NULL */
    char **command;       /* the command to run once ready, or NULL */
} opts_t;

static volatile sig_atomic_t s_signal; /* the signal that asks to stop, 0 while none */

static void on_signal(int sig)
{
    s_signal = sig;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, WHO ": ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " WHO " [OPTION]... [-- COMMAND [ARG]...]\n"
            "       " WHO " stop [--dir DIR]\n\n"
            "Start a neiqin suite on this machine: a private redis-server (on 127.0.0.1 and a\n"
            "Unix socket in DIR/redis/, which the processes use) and every neiqin process, each\n"
            "logging to DIR/log/NAME.log with its pid in DIR/run/NAME.pid; wait until the\n"
            "gateway's /readyz answers 200; then run COMMAND and stop the suite when it ends,\n"
            "or, without COMMAND, keep it running until SIGINT, SIGTERM or SIGHUP (or `" WHO
            " stop`),\n"
            "saying when a process exits on its own. The suite stops in reverse start order\n"
            "(Redis last): SIGTERM, then SIGKILL after the stop timeout. Ports and every other\n"
            "setting come from the NQ_* variables and their defaults (nq-gateway --help).\n\n"
            "  --dir DIR          the suite's directory (default var)\n"
            "  --bin DIR          the neiqin executables (default: this program's directory)\n"
            "  --scorers N        scorer replicas (default 2)\n"
            "  --free-ports       free ports on 127.0.0.1 for Redis, HTTP and the ZeroMQ\n"
            "                     endpoints (default: the configured ones, which must be free)\n"
            "  --redis-aof        Redis keeps an append-only file fsynced every second\n"
            "                     (default: no persistence)\n"
            "  --redis-only       Redis alone, ready once it answers PING\n"
            "  --ready-timeout S  seconds the suite has to be ready, Redis loading its data\n"
            "                     among them (default 30)\n"
            "  --stop-timeout S   seconds each process has to exit after SIGTERM (default 10)\n"
            "  --on-ready CMD     run `sh -c CMD` once ready; the suite keeps running\n"
            "  --wrap CMD         run every neiqin process under CMD (words split on blanks)\n"
            "  --help             this text\n\n"
            "COMMAND and CMD get the suite's environment, NQ_URL (the gateway's base URL),\n"
            "NQ_SUITE_DIR (DIR) and NQ_API_KEY, an admin API key kept in DIR/api-key (mode\n"
            "0600; made when missing or revoked, stored again in a fresh Redis). `stop` asks\n"
            "the supervisor running in DIR to stop its suite and waits for it; when none runs,\n"
            "it stops the processes DIR/run/ names.\n\n"
            "Secrets: the services' CURVE keys in DIR/curve (or NQ_CURVE_DIR), made when\n"
            "missing, unless NQ_CURVE=off; with NQ_REDIS_ACL=on, a Redis user per service,\n"
            "passwords and ACL file in DIR/redis-acl (COMMAND and CMD get the operator's).\n\n"
            "Exit: 0 stopped as asked (with COMMAND: COMMAND's status), 1 the suite did not\n"
            "start or a process failed, 2 a bad command line.\n");
}

/* A whole number in lo..hi, or -1. */
static int number(const char *s, int lo, int hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno == 0 && end != s && *end == '\0' && v >= lo && v <= hi ? (int)v : -1;
}

/* The directory of this executable. */
static void own_dir(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    buf[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(buf, len, ".");
}

/* Parse argv into o. Returns 0, 1 (--help printed) or -1 (why said). */
static int parse(int argc, char **argv, opts_t *o)
{
    enum { O_DIR = 256, O_BIN, O_SCORERS, O_FREE, O_AOF, O_ONLY, O_READY, O_STOP, O_ON, O_WRAP };
    static const struct option table[] = {
        {"dir", required_argument, NULL, O_DIR},
        {"bin", required_argument, NULL, O_BIN},
        {"scorers", required_argument, NULL, O_SCORERS},
        {"free-ports", no_argument, NULL, O_FREE},
        {"redis-aof", no_argument, NULL, O_AOF},
        {"redis-only", no_argument, NULL, O_ONLY},
        {"ready-timeout", required_argument, NULL, O_READY},
        {"stop-timeout", required_argument, NULL, O_STOP},
        {"on-ready", required_argument, NULL, O_ON},
        {"wrap", required_argument, NULL, O_WRAP},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (opts_t){.dir = "var", .scorers = 2, .ready_s = 30, .stop_s = 10};
    own_dir(o->bin, sizeof(o->bin));
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "+h", table, NULL)) != -1;) {
        switch (c) {
        case O_DIR:
            o->dir = optarg;
            break;
        case O_BIN:
            snprintf(o->bin, sizeof(o->bin), "%s", optarg);
            break;
        case O_SCORERS:
            o->scorers = number(optarg, 1, 64);
            break;
        case O_FREE:
            o->free_ports = true;
            break;
        case O_AOF:
            o->redis_aof = true;
            break;
        case O_ONLY:
            o->redis_only = true;
            break;
        case O_READY:
            o->ready_s = number(optarg, 1, 3600);
            break;
        case O_STOP:
            o->stop_s = number(optarg, 1, 3600);
            break;
        case O_ON:
            o->on_ready = optarg;
            break;
        case O_WRAP:
            o->wrap = optarg;
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            say("unknown option or missing value: %s (see --help)", argv[optind - 1]);
            return -1;
        }
    }
    if (o->scorers < 0 || o->ready_s < 0 || o->stop_s < 0) {
        say("--scorers takes 1..64, --ready-timeout and --stop-timeout 1..3600 (seconds)");
        return -1;
    }
    o->command = optind < argc ? argv + optind : NULL;
    return 0;
}

/* ---- pid files ---------------------------------------------------------------- */

/* The pid in `path`, or 0. */
static pid_t read_pid(const char *path)
{
    FILE *f = fopen(path, "r");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return pid > 0 ? pid : 0;
}

/* Whether pid runs (not a zombie) an executable whose name starts with `comm`
 * (the kernel keeps 15 bytes of it): a pid file may outlive its process. */
static bool runs_as(pid_t pid, const char *comm)
{
    char path[64], stat[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;
    if (f)
        fclose(f);
    stat[n] = '\0';
    char *open = strchr(stat, '('), *close = strrchr(stat, ')');
    if (!open || !close || close[1] != ' ' || close[2] == 'Z')
        return false;
    size_t len = (size_t)(close - open - 1), want = strlen(comm);
    return len == (want < 15 ? want : 15) && strncmp(open + 1, comm, len) == 0;
}

/* The executable of a process name ("redis", "nq-scoring-2" ...). */
static const char *binary_of(const char *name)
{
    if (strcmp(name, "redis") == 0)
        return "redis-server";
    return strncmp(name, "nq-scoring-", 11) == 0 ? "nq-scoring" : name;
}

/* ---- stop: from another terminal ---------------------------------------------- */

/* Wait up to ms for pid to stop running as comm. */
static bool gone_within(pid_t pid, const char *comm, int ms)
{
    for (int waited = 0; runs_as(pid, comm); waited += 100) {
        if (waited >= ms)
            return false;
        usleep(100000);
    }
    return true;
}

/* The pid files in DIR/run/ matching `pattern` into g (globfree it); false
 * when none. */
static bool pid_files(const char *dir, const char *pattern, glob_t *g)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/run/%s.pid", dir, pattern);
    return glob(path, 0, NULL, g) == 0;
}

/* The process name of a pid file's path (".../run/nq-ingest.pid" -> "nq-ingest"). */
static void name_of(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(name, len, "%.*s", (int)(strlen(base) - 4), base);
}

/* Stop one process a pid file names (not our child: watched through /proc). */
static int stop_named(const char *path, int stop_s)
{
    char name[64];
    name_of(path, name, sizeof(name));
    pid_t pid = read_pid(path);
    const char *comm = binary_of(name);
    int stopped = 0;
    if (pid && runs_as(pid, comm)) {
        kill(pid, SIGTERM);
        if (!gone_within(pid, comm, stop_s * 1000)) {
            say("%s (pid %d) ignored SIGTERM for %d s: SIGKILL", name, (int)pid, stop_s);
            kill(pid, SIGKILL);
        }
        say("stopped %s (pid %d)", name, (int)pid);
        stopped = 1;
    }
    unlink(path);
    return stopped;
}

/* Stop what DIR/run/ names, the services before Redis: the supervisor is gone. */
static int stop_orphans(const char *dir, int stop_s)
{
    glob_t g = {0};
    bool any = pid_files(dir, "*", &g);
    int stopped = 0;
    for (int redis = 0; redis < 2; redis++) {
        for (size_t k = 0; any && k < g.gl_pathc; k++) {
            bool is_redis = strcmp(strrchr(g.gl_pathv[k], '/'), "/redis.pid") == 0;
            if (is_redis == (redis == 1))
                stopped += stop_named(g.gl_pathv[k], stop_s);
        }
    }
    globfree(&g);
    if (stopped == 0)
        say("nothing to stop (no running suite in %s)", dir);
    return EXIT_OK;
}

static int cmd_stop(const opts_t *o)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/" PID_FILE, o->dir);
    pid_t pid = read_pid(path);
    if (!pid || !runs_as(pid, WHO))
        return stop_orphans(o->dir, o->stop_s);
    kill(pid, SIGTERM);
    /* It stops every process in turn: allow each its stop timeout. */
    if (!gone_within(pid, WHO, (o->stop_s * 20 + 10) * 1000)) {
        say("the supervisor (pid %d) is still stopping its suite; see %s/log/", (int)pid, o->dir);
        return EXIT_FAILED;
    }
    say("stopped the suite in %s", o->dir);
    return EXIT_OK;
}

/* ---- run ------------------------------------------------------------------------ */

/* Refuse to start over a suite that runs in o->dir. */
static int check_not_running(const opts_t *o)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/" PID_FILE, o->dir);
    pid_t pid = read_pid(path);
    if (pid && runs_as(pid, WHO)) {
        say("a suite is already running in %s (pid %d): stop it first (" WHO " stop --dir %s)",
            o->dir, (int)pid, o->dir);
        return -1;
    }
    glob_t g = {0};
    int rc = 0;
    bool any = pid_files(o->dir, "*", &g);
    for (size_t k = 0; any && rc == 0 && k < g.gl_pathc; k++) {
        char name[64];
        name_of(g.gl_pathv[k], name, sizeof(name));
        pid = read_pid(g.gl_pathv[k]);
        if (pid && runs_as(pid, binary_of(name))) {
            say("%s of an earlier suite still runs (pid %d): stop it first (" WHO " stop --dir %s)",
                name, (int)pid, o->dir);
            rc = -1;
        }
    }
    globfree(&g);
    return rc;
}

/* Fork a child that runs argv (or `sh -c shell`) with the suite's
 * environment, in this process's group (a terminal's Ctrl-C reaches it). */
static pid_t run_child(nq_suite_t *s, char **argv, const char *shell)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    extern char **environ;
    environ = (char **)nq_suite_env(s);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if (shell)
        execl("/bin/sh", "sh", "-c", shell, (char *)NULL);
    else
        execvp(argv[0], argv);
    fprintf(stderr, WHO ": cannot run %s: %s\n", shell ? "/bin/sh" : argv[0], strerror(errno));
    _exit(127);
}

/* Status of a child that ended: 0..255, or 128 + signal; -1 while it runs. */
static int ended(pid_t pid)
{
    int st;
    if (pid <= 0 || waitpid(pid, &st, WNOHANG) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* End a child still running: `sig`, then SIGKILL after stop_s. */
static int end_child(pid_t pid, int sig, int stop_s)
{
    int rc = ended(pid);
    for (int waited = 0; rc < 0 && pid > 0; waited += 50) {
        if (waited == 0)
            kill(pid, sig);
        if (waited == stop_s * 1000)
            kill(pid, SIGKILL);
        usleep(50000);
        rc = ended(pid);
    }
    return rc;
}

/* Start the suite and wait until it is ready. Returns 0 or -1. */
static int start(nq_suite_t *s, const opts_t *o)
{
    if (o->free_ports ? nq_suite_use_free_ports(s) : nq_suite_check_ports(s))
        return -1;
    char host[320];
    snprintf(host, sizeof(host), "NQ_REDIS_HOST=%s",
             nq_suite_redis_socket(s)[0] ? nq_suite_redis_socket(s) : "127.0.0.1");
    if (nq_suite_setenv(s, host) != 0)
        return -1;
    if (o->redis_only)
        return nq_suite_start_redis(s, o->ready_s * 1000);
    if (nq_suite_start(s, o->scorers) != 0 || !nq_suite_wait_ready(s, o->ready_s * 1000))
        return -1;
    return 0;
}

/* The supervisor's admin API key, kept in DIR/api-key (nq_access_key_keep),
 * in NQ_API_KEY of the hook and the command: what the run command's demo and
 * the benchmark send. Returns 0 or -1. */
static int api_key(nq_suite_t *s)
{
    char path[PATH_MAX], key[NQ_APIKEY_LEN + 1], env[NQ_APIKEY_LEN + 16], err[256] = "";
    snprintf(path, sizeof(path), "%s/api-key", nq_suite_dir(s));
    redisContext *c = nq_suite_redis_connect(s, 5000);
    int rc = c && !c->err ? nq_access_key_keep(c, path, WHO, key, err, sizeof(err)) : -1;
    if (rc != 0)
        say("cannot make the API key in %s: %s", path, err[0] ? err : c ? c->errstr : "no memory");
    if (c)
        redisFree(c);
    snprintf(env, sizeof(env), "NQ_API_KEY=%s", key);
    return rc == 0 && nq_suite_setenv(s, env) == 0 ? 0 : -1;
}

/* Once ready: run the hook and the command with the suite's environment,
 * report processes that exit on their own, until the command ends or a
 * signal comes. Returns the command's status, or -1 without a command. */
static int watch(nq_suite_t *s, const opts_t *o)
{
    char url[400], dir[300];
    snprintf(url, sizeof(url), "NQ_URL=%s", nq_suite_url(s));
    snprintf(dir, sizeof(dir), "NQ_SUITE_DIR=%s", nq_suite_dir(s));
    if (nq_suite_setenv(s, url) != 0 || nq_suite_setenv(s, dir) != 0)
        return -1;
    if (!o->redis_only && api_key(s) != 0)
        return -1;
    say("ready: %s (logs in %s/log/)", o->redis_only ? "redis" : nq_suite_url(s), o->dir);
    pid_t hook = o->on_ready ? run_child(s, NULL, o->on_ready) : 0;
    pid_t cmd = o->command ? run_child(s, o->command, NULL) : 0;
    int rc = -1;
    while (!s_signal && rc < 0) {
        nq_suite_reap(s);
        int h = ended(hook);
        if (h > 0)
            say("warning: the --on-ready command exited with status %d; the suite runs on", h);
        if (h >= 0)
            hook = 0;
        rc = ended(cmd); /* -1 while it runs, and without a command */
        if (rc < 0)
            nanosleep(&(struct timespec){0, 200000000}, NULL);
    }
    end_child(hook, SIGTERM, o->stop_s);
    if (cmd && rc < 0)
        rc = end_child(cmd, s_signal, o->stop_s);
    return rc;
}

static int cmd_run(const opts_t *o)
{
    char path[600];
    if (check_not_running(o) != 0)
        return EXIT_FAILED;
    nq_suite_opts_t so = {
        .dir = o->dir,
        .bin_dir = o->bin,
        .who = WHO,
        .wrap = o->wrap,
        .redis_aof = o->redis_aof,
        .own_sessions = true,
        .stop_ms = o->stop_s * 1000,
        .cancel = &s_signal,
        .redis_ms = o->ready_s * 1000, /* a large AOF takes a while to load */
    };
    nq_suite_t *s = nq_suite_new(&so);
    if (!s)
        return EXIT_FAILED;
    snprintf(path, sizeof(path), "%s/" PID_FILE, o->dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }
    bool started = start(s, o) == 0;
    int rc = started ? watch(s, o) : -1;
    if (s_signal)
        say("signal %d: stopping the suite", (int)s_signal);
    else
        say("stopping the suite");
    int failed = nq_suite_stop(&s);
    unlink(path);
    if (failed)
        say("stopped; %d processes did not exit 0", failed);
    else
        say("stopped; every process exited 0");
    if (!started)
        return EXIT_FAILED;
    if (o->command)
        return rc;
    return failed ? EXIT_FAILED : EXIT_OK;
}

int main(int argc, char **argv)
{
    opts_t o;
    bool stop = argc > 1 && strcmp(argv[1], "stop") == 0;
    int rc = parse(argc - stop, argv + stop, &o);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (stop && (o.command || o.on_ready)) {
        say("stop takes --dir (and --stop-timeout) only");
        return EXIT_USAGE;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return stop ? cmd_stop(&o) : cmd_run(&o);
}
