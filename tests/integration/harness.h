/* tests/integration/harness.h — a private, complete neiqin suite for one test.
 *
 * nq_harness_start() makes a temporary directory and starts the suite in it
 * the way the run command and the benchmark do (nq/suite.h: one
 * implementation): a redis-server of its own on a free port and a Unix
 * socket (no persistence), free ports for HTTP and for the six ZeroMQ
 * endpoints, every process of the suite from NQ_BIN_DIR (each one's stdout
 * and stderr in <dir>/log/<name>.log), then it waits until GET /readyz
 * answers 200. Children die with the test process if it crashes
 * (PR_SET_PDEATHSIG). The developer's NQ_* variables do not reach the suite.
 *
 * nq_harness_stop() sends SIGTERM to each process (gateway first, Redis
 * last), waits for it, then removes the directory (kept when NQ_TEST_KEEP=1).
 * It returns how many processes did not exit 0 plus how many commands Redis
 * refused (its ACL LOG, printed): graceful shutdown and every service
 * staying within its Redis user are part of what the tests check.
 *
 *   nq_harness_t *h = nq_harness_start(NULL);
 *   CU_ASSERT_PTR_NOT_NULL_FATAL(h);
 *   nq_httpc_t *c = nq_httpc_new(nq_harness_url(h));
 *   ...
 *   CU_ASSERT_EQUAL(nq_harness_stop(&h), 0);
 *
 * Redis users: the suite runs with a Redis ACL user per service
 * (NQ_REDIS_ACL=on, nq/redis_acl.h), as the run command does; the harness's
 * own connections are the operator's. NQ_REDIS_ACL=off in extra_env runs
 * it without.
 *
 * CURVE: the suite runs with CURVE between its processes, the keys made in
 * <dir>/curve (nq/suite.h, nq/curve.h); NQ_CURVE=off in extra_env runs it
 * without.
 *
 * Access: before the suite starts, the harness stores an API key of scope
 * admin in its Redis and puts it in this process's NQ_API_KEY, which every
 * nq_httpc client (and nqctl run from here) sends by default; a test that
 * wants no credentials calls nq_httpc_set_api_key(c, NULL). A test that
 * restarts Redis empty calls nq_harness_grant() to store the key again.
 *
 * Processes are named by instance: "redis", "nq-ingest", "nq-scoring-1",
 * "nq-customers", "nq-alerting", "nq-reporting", "nq-gateway"; more can be
 * added ("nq-scoring-2"). Each neiqin process gets NQ_INSTANCE=<name>. The
 * nq_harness_proc_* functions take any of them, Redis too.
 *
 * NQ_HARNESS_WRAP, when set in the test's environment, is a command (words
 * split on blanks, found on PATH) that every neiqin process runs under, e.g.
 *   NQ_HARNESS_WRAP="valgrind --error-exitcode=99 --track-origins=yes"
 * Its reports go to the process's log; the wrapper's error exit makes
 * nq_harness_stop count the process as failed, and so fails the test. The
 * harness then waits NQ_HARNESS_WRAP_SLOW times longer for start-up and for
 * each process to stop. The log of a process that failed is printed with a
 * longer tail (a sanitizer's or valgrind's report).
 *
 * Problems are reported on stderr with the tails of the logs. Not
 * thread-safe; one harness at a time per test process is the intended use.
 */
#ifndef NQ_TEST_HARNESS_H
#define NQ_TEST_HARNESS_H

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <stdbool.h>

#include "neiqin.pb-c.h"
#include "nq/httpc.h"

#define NQ_HARNESS_READY_MS  20000 /* how long start-up may take */
#define NQ_HARNESS_STOP_MS   10000 /* how long one process may take to exit */
#define NQ_HARNESS_WRAP_SLOW 10    /* both, times this, under NQ_HARNESS_WRAP */

typedef struct nq_harness nq_harness_t;

/* An extra_env entry: the processes reach Redis over its Unix socket
 * (nq_harness_redis_socket) instead of TCP. */
#define NQ_HARNESS_REDIS_SOCKET "NQ_REDIS_HOST=<the harness's socket>"

/* Start Redis and the suite and wait until it is ready. extra_env is NULL or
 * a NULL-terminated list of "NAME=value" (or NQ_HARNESS_REDIS_SOCKET) that is
 * added to (and overrides) the environment every process gets. Returns NULL
 * after explaining why on stderr; nothing is left running then. */
nq_harness_t *nq_harness_start(const char *const *extra_env);

/* Stop every process with SIGTERM (up to NQ_HARNESS_STOP_MS each, then
 * SIGKILL), stop Redis, remove the directory, free. Returns the number of
 * processes that were running and did not exit with status 0. Sets *h to
 * NULL; safe on NULL (returns 0). */
int nq_harness_stop(nq_harness_t **h);

/* The admin API key the harness made (also in NQ_API_KEY). Borrowed. */
const char *nq_harness_api_key(const nq_harness_t *h);

/* Store that key in Redis again (after a test restarted Redis empty).
 * Returns 0 or -1 (the reason on stderr). */
int nq_harness_grant(nq_harness_t *h);

/* A connection to the suite's Redis, as the operator (authenticated when the
 * suite runs with NQ_REDIS_ACL=on); check ->err; the caller frees it. */
redisContext *nq_harness_redis_connect(const nq_harness_t *h);

/* The value of `name` in the suite's environment ("NQ_INGEST_ENDPOINT",
 * "NQ_CURVE_DIR"), NULL when unset. Borrowed until the next change. */
const char *nq_harness_getenv(const nq_harness_t *h, const char *name);

/* "http://127.0.0.1:PORT" of the gateway. Borrowed. */
const char *nq_harness_url(const nq_harness_t *h);

/* Port of the private Redis (on 127.0.0.1). */
int nq_harness_redis_port(const nq_harness_t *h);

/* Path of the private Redis's Unix socket (it listens on both), or "" when
 * the directory's path leaves no room for one (107 bytes). Borrowed. */
const char *nq_harness_redis_socket(const nq_harness_t *h);

/* The temporary directory (log/, run/, redis/; a test may put files of its
 * own there). Borrowed. */
const char *nq_harness_dir(const nq_harness_t *h);

/* Path of process `name`'s log into buf. */
void nq_harness_log_path(const nq_harness_t *h, const char *name, char *buf, size_t len);

/* Send `sig` to process `name` and wait for it to end (SIGKILL after
 * NQ_HARNESS_STOP_MS). Returns its exit status (0..255), 128 + signal when a
 * signal ended it, or -1 when no such process is running. */
int nq_harness_proc_stop(nq_harness_t *h, const char *name, int sig);

/* Send `sig` to process `name` without waiting (SIGSTOP, SIGCONT). Returns 0,
 * or -1 when no such process is running. */
int nq_harness_proc_signal(nq_harness_t *h, const char *name, int sig);

/* Set "NAME=value" in the environment of every process started from now on
 * (NQ_CLOCK_OFFSET_MS before restarting one). Returns 0 or -1. */
int nq_harness_setenv(nq_harness_t *h, const char *assignment);

/* Start process `name` again (after nq_harness_proc_stop) with the same
 * environment; its log is appended to. Returns 0, or -1 if unknown, already
 * running, or the fork failed. Does not wait for readiness. */
int nq_harness_proc_start(nq_harness_t *h, const char *name);

/* Start one more instance of `binary` ("nq-scoring") named `name`
 * ("nq-scoring-2"). Returns 0, or -1 (name taken, table full, fork failed). */
int nq_harness_proc_add(nq_harness_t *h, const char *binary, const char *name);

/* Is process `name` running (started and not yet seen to exit)? */
bool nq_harness_proc_running(nq_harness_t *h, const char *name);

/* Poll GET /readyz until it answers 200 or timeout_ms pass. Returns true when
 * ready; on timeout, or when a process exited meanwhile, prints why and the
 * log tails and returns false. */
bool nq_harness_wait_ready(nq_harness_t *h, int timeout_ms);

/* Print the last `lines` lines of every log (Redis's included) to stderr. */
void nq_harness_print_logs(nq_harness_t *h, int lines);

/* One API request over `http` with a raw JSON body (NULL for none). Returns
 * the parsed answer (NULL when none or not JSON; caller decrefs) and its
 * status in *status (0: no answer, the reason printed). */
json_t *nq_harness_api_raw(nq_httpc_t *http, const char *method, const char *path, const char *body,
                           int *status);

/* The same with a JSON body, which is stolen. */
json_t *nq_harness_api(nq_httpc_t *http, const char *method, const char *path, json_t *body,
                       int *status);

/* The events that count in the activity log (nq/actlog.h), read through `c`
 * entry by entry and decoded: -1 when Redis fails or an entry does not
 * decode. */
long long nq_harness_log_events(redisContext *c);

/* The stored event with `event_id` among the counted events of the newest
 * `entries` log entries: a copy the caller frees with
 * nq__activity__free_unpacked, or NULL. */
Nq__Activity *nq_harness_log_find(redisContext *c, const char *event_id, int entries);

#endif
