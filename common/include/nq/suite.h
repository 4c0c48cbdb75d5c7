/* nq/suite.h — start, watch and stop a whole neiqin suite on this machine: a
 * private redis-server and every neiqin process, each with its environment
 * and its log. The one implementation behind the run command and the
 * benchmark (tools/nq-supervise, called by scripts/run.sh and bench/run.sh)
 * and the integration tests' harness (tests/integration/harness.c).
 *
 * Files, under the suite's directory:
 *   log/<name>.log   each process's stdout and stderr (a name's log from an
 *                    earlier suite is kept as <name>.log.1; a restart appends)
 *   run/<name>.pid   each running process's pid (what nq-bench --pids-dir reads)
 *   redis/           Redis's data; redis.sock, its Unix socket, when the path
 *                    fits in 107 bytes
 *   redis-acl/       with NQ_REDIS_ACL=on: users.acl, the ACL file Redis loads
 *                    (nq/redis_acl.h), and each user's password (0600), made
 *                    once; each service reaches Redis as its own user, the
 *                    suite and what it runs (nqctl) as the operator (default)
 *   curve/           the services' CURVE keys (nq/curve.h), made once, kept,
 *                    unless NQ_CURVE_DIR names other keys or NQ_CURVE=off
 *
 * Settings come from the configuration table (nq/config.h), read from the
 * suite's environment: Redis listens on 127.0.0.1:NQ_REDIS_PORT (and on its
 * socket), the gateway's /readyz is polled on NQ_HTTP_HOST:NQ_HTTP_PORT. The
 * suite's environment starts as the caller's (without its NQ_* variables
 * when `clean_env`); nq_suite_setenv and nq_suite_use_free_ports change it.
 *
 * Processes are named: "redis", "nq-ingest", "nq-scoring-1".., "nq-customers",
 * "nq-alerting", "nq-reporting", "nq-gateway"; each neiqin process gets
 * NQ_INSTANCE=<name>. They start in that order (ingest makes the consumer
 * group the scorers join; the gateway last) and stop in reverse (Redis last,
 * so that every service can finish writing): SIGTERM, then SIGKILL after
 * `stop_ms`.
 *
 *   nq_suite_opts_t o = {.dir = dir, .bin_dir = bin, .who = "harness", .stop_ms = 10000};
 *   nq_suite_t *s = nq_suite_new(&o);
 *   if (!s || nq_suite_use_free_ports(s) != 0 || nq_suite_start(s, 1) != 0 ||
 *       !nq_suite_wait_ready(s, 20000))
 *       ...;                      // reasons and log tails are on stderr
 *   ... nq_suite_url(s) ...
 *   int failed = nq_suite_stop(&s); // processes that did not exit 0
 *
 * Not thread-safe; one suite per process at a time. Every problem is
 * explained on stderr, prefixed with `who`.
 */
#ifndef NQ_SUITE_H
#define NQ_SUITE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define NQ_SUITE_LOG_TAIL 30 /* lines of a log shown when something went wrong */

typedef struct nq_suite nq_suite_t;

typedef struct nq_suite_opts {
    const char *dir;               /* the suite's directory (made when missing) */
    const char *bin_dir;           /* where nq-ingest, nq-gateway ... are */
    const char *who;               /* prefix of messages ("harness", "nq-supervise") */
    const char *wrap;              /* NULL, or a command (words split on blanks, found on PATH)
                              every neiqin process runs under ("valgrind ...") */
    bool redis_aof;                /* Redis keeps an append-only file, fsynced every second (the
                              run command's persistence); false: no persistence */
    const char *const *redis_args; /* NULL, or more redis-server arguments, NULL-terminated
                                      ("--cluster-enabled", "yes", ...) */
    bool clean_env;                /* the caller's NQ_* variables do not reach the suite */
    bool die_with_parent;          /* children get SIGKILL when the caller dies (tests) */
    bool own_sessions;             /* each child in a session of its own: a terminal's Ctrl-C
                              reaches only the caller, which stops them in order */
    int stop_ms;                   /* how long one process has to exit after SIGTERM */
    const volatile sig_atomic_t *cancel; /* NULL, or a flag that, once set, ends the
                                            waits for readiness early (a signal) */
    int redis_ms; /* how long redis-server has to answer PING, its data loaded (0: 10 s) */
} nq_suite_opts_t;

/* A suite that runs nothing yet: the directory and its log/, run/, redis/
 * made, the environment copied. Returns NULL after saying why. */
nq_suite_t *nq_suite_new(const nq_suite_opts_t *opts);

/* Set "NAME=value" in the environment of every process started from now on
 * (replacing an earlier NAME). Returns 0, or -1 when out of memory or
 * `assignment` has no '='. */
int nq_suite_setenv(nq_suite_t *s, const char *assignment);

/* Point the suite at free ports on 127.0.0.1 (held until all are chosen):
 * NQ_REDIS_PORT, NQ_HTTP_HOST and NQ_HTTP_PORT, and tcp:// endpoints for the
 * six ZeroMQ endpoint variables. Returns 0 or -1. */
int nq_suite_use_free_ports(nq_suite_t *s);

/* Whether nothing listens on host:port (a bind there, as the services do it
 * with SO_REUSEADDR, would work). */
bool nq_suite_port_free(const char *host, int port);

/* Refuse ports that something already listens on: Redis's, the gateway's,
 * and every tcp:// endpoint's, as configured. Returns 0, or -1 after saying
 * which port and what it is for. */
int nq_suite_check_ports(nq_suite_t *s);

/* Start redis-server and wait up to timeout_ms for its PING; then the
 * neiqin processes with `scorers` scorers, without waiting for them. Returns
 * 0, or -1 after saying why (what was started keeps running: stop it). */
int nq_suite_start(nq_suite_t *s, int scorers);

/* Start redis-server only (the same way). Returns 0 or -1. */
int nq_suite_start_redis(nq_suite_t *s, int timeout_ms);

/* A connection to the suite's Redis on 127.0.0.1, authenticated as the
 * operator when it runs with the ACL (check c->err). The caller frees it. */
struct redisContext;
struct redisContext *nq_suite_redis_connect(const nq_suite_t *s, int timeout_ms);

/* Poll GET /readyz until it answers 200 (true) or timeout_ms pass, a
 * process exits, or the cancel flag is set (false: the last answer and the
 * log tails are printed, those of exited processes longer). */
bool nq_suite_wait_ready(nq_suite_t *s, int timeout_ms);

/* Stop every process in reverse start order (SIGTERM, SIGKILL after
 * stop_ms) and free the suite; the directory and its logs stay. Returns the
 * number of processes that did not exit 0 when stopped or had exited on
 * their own (each one named on stderr, with its log's tail). Sets *s to NULL;
 * safe on NULL (returns 0). */
int nq_suite_stop(nq_suite_t **s);

/* ---- one process ------------------------------------------------------------ */

/* Start one more instance of `binary` ("nq-scoring") named `name`
 * ("nq-scoring-2"). Returns 0, or -1 (name taken, fork failed). */
int nq_suite_add(nq_suite_t *s, const char *binary, const char *name);

/* Start process `name` again (after nq_suite_proc_stop), with the same
 * arguments and environment; its log is appended to. Returns 0, or -1 when
 * unknown, still running, or the fork failed. Does not wait for readiness. */
int nq_suite_proc_start(nq_suite_t *s, const char *name);

/* Send `sig` to `name` and wait up to stop_ms for it to end (SIGKILL then).
 * Returns its exit status (0..255), 128 + signal when a signal ended it, or
 * -1 when no such process is running. */
int nq_suite_proc_stop(nq_suite_t *s, const char *name, int sig);

/* Send `sig` to `name` without waiting. Returns 0, or -1 when not running. */
int nq_suite_proc_signal(nq_suite_t *s, const char *name, int sig);

/* Whether `name` runs (started and not yet seen to exit). */
bool nq_suite_proc_running(nq_suite_t *s, const char *name);

/* Collect the processes that exited on their own since the last call: each
 * is named on stderr with its status and its log's tail, once. Returns how
 * many there were. For a supervisor's loop. */
int nq_suite_reap(nq_suite_t *s);

/* ---- what it is ------------------------------------------------------------- */

/* Once Redis was started (the configuration read): */
const char *nq_suite_url(const nq_suite_t *s);          /* "http://127.0.0.1:8080" */
int nq_suite_redis_port(const nq_suite_t *s);           /* on 127.0.0.1 */
const char *nq_suite_redis_socket(const nq_suite_t *s); /* its socket, "" when none */
const char *nq_suite_dir(const nq_suite_t *s);          /* the directory */

/* The environment the suite's processes get (NULL-terminated "NAME=value",
 * without NQ_INSTANCE). Borrowed; valid until the next setenv. */
char *const *nq_suite_env(const nq_suite_t *s);

/* Print the last `lines` lines of every log to stderr (a process that
 * failed: at least 200, a sanitizer's or valgrind's report). */
void nq_suite_print_logs(nq_suite_t *s, int lines);

/* Path of `name`'s log into buf. */
void nq_suite_log_path(const nq_suite_t *s, const char *name, char *buf, size_t len);

#endif
