/* tests/integration/testkit.h — what the integration tests share on top of the
 * harness (harness.h): one suite per test program, HTTP calls that check
 * their status, JSON and Redis look-ups, the count of accepted events and the
 * wait for the scorers, event builders, and checks that say why they failed.
 *
 *   static int suite_init(void) { return tk_start(NULL); }
 *   static int suite_cleanup(void) { tk_stop(); return 0; }
 *   ...
 *   tk_post_counts(json_pack("[o]", tk_event("e-1", "visit", "sp-1", "c-1", now, NULL)), 1, 0);
 *   CU_ASSERT_FATAL(tk_wait_scored(15000));
 *   json_t *k = tk_get_ok("/api/v1/salespeople/sp-1/kpis?period=day");
 *   tk_check_like(json_object_get(json_object_get(k, "kpis"), "visits"), "1", "visits");
 *
 * Not thread-safe; the helpers use the one suite tk_start started.
 */
#ifndef NQ_TEST_TESTKIT_H
#define NQ_TEST_TESTKIT_H

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "harness.h"
#include "nq/httpc.h"

#define TK_TOL 1e-6 /* numbers in answers carry 10 significant digits */

extern nq_harness_t *tk_h;     /* the test program's suite, NULL when none */
extern nq_httpc_t *tk_http;    /* a client of its gateway */
extern redisContext *tk_redis; /* a connection to its Redis */
extern long long tk_accepted;  /* `accepted` summed over the answers of tk_post* */

/* Periods in Asia/Shanghai, then the suite (env as nq_harness_start takes it),
 * a client and a Redis connection; tk_accepted back to 0. Returns 0 or -1 (a
 * CUnit suite init's result). */
int tk_start(const char *const *env);

/* Close the client and the connection and stop the suite. Returns
 * nq_harness_stop's count of processes that did not exit 0; safe when
 * nothing runs (0). */
int tk_stop(void);

/* ---- checks ------------------------------------------------------------------ */

int64_t tk_mono_ms(void);

/* Assert `ok`; when it fails, say why (printf-style) on stderr. Returns ok. */
bool tk_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Compact JSON text of j for messages, "(none)" for NULL (a static buffer,
 * truncated: one at a time). */
const char *tk_text(const json_t *j);

/* Member `key` of o as a string ("" when absent or not a string), as an integer. */
const char *tk_str(const json_t *o, const char *key);
json_int_t tk_num(const json_t *o, const char *key);

/* Whether v is a number within TK_TOL of want. */
bool tk_near(const json_t *v, double want);
void tk_check_num(const json_t *v, double want, const char *ctx);
void tk_check_str(const json_t *v, const char *want, const char *ctx);

/* A value against its expectation written as JSON text: "\"47000.00\"", "3",
 * "0.6667", "null". Numbers compare to TK_TOL; integers must be integers. */
void tk_check_like(const json_t *got, const char *want_text, const char *ctx);

/* Does the error list `errors` name `field`? */
bool tk_names_field(const json_t *errors, const char *field);

/* ---- HTTP --------------------------------------------------------------------- */

/* One request with a raw JSON body (NULL: none) or a JSON value (stolen):
 * the parsed answer (caller decrefs), its status in *status. */
json_t *tk_api_raw(const char *method, const char *path, const char *body, int *status);
json_t *tk_api(const char *method, const char *path, json_t *body, int *status);

/* The same, checking that the status is `want`. */
json_t *tk_call(const char *method, const char *path, const char *body, int want);
json_t *tk_put(const char *path, json_t *body, int want);
json_t *tk_get_ok(const char *path); /* GET, want 200 */
/* PUT a raw JSON body, want 200; the answer is dropped. */
void tk_put_ok(const char *path, const char *body);
/* The alerts of `rule`, newest first, up to 100 (a new reference). */
json_t *tk_alerts_of(const char *rule);

/* One request written as given: `head` is the header lines after the request
 * line (each ending in "\r\n"; Host, Connection: close and, with a body,
 * Content-Length are added), body NULL for none; on a new connection to the
 * gateway. The answer's status (0 when none came), its head (status line
 * and headers) into head[0..len), and its body parsed as JSON (NULL when it
 * is not; caller decrefs). */
json_t *tk_raw(const char *method, const char *path, const char *headers, const char *body,
               int *status, char *head, size_t len);

/* The value of header `name` in a head of tk_raw ("" when absent), into buf. */
const char *tk_header(const char *head, const char *name, char *buf, size_t len);

/* method path body: want a 400 with error "invalid" whose errors name
 * `field` (NULL: not checked). */
void tk_expect_400(const char *method, const char *path, const char *body, const char *field);

/* ---- activities ---------------------------------------------------------------- */

/* An event: customer and amount NULL for none; `at` as text or Unix ms. */
json_t *tk_event_at(const char *id, const char *type, const char *sp, const char *customer,
                    const char *at, const char *amount);
json_t *tk_event(const char *id, const char *type, const char *sp, const char *customer,
                 int64_t at_ms, const char *amount);

/* POST events (a JSON array, stolen): want 202 with these counts. */
void tk_post_counts(json_t *events, int accepted, int duplicate);

/* POST events (stolen): want `status`; returns the answer. */
json_t *tk_post(json_t *events, int want);

/* Wait until the scorers applied tk_accepted events and no rebuild pauses
 * them (false after saying how far they got). */
bool tk_wait_scored(int timeout_ms);

/* Whether nq-customers' activity index group has read the whole log and
 * holds nothing pending, and no follow-up moved by a contact is left to
 * refresh (services/customers/ctrefresh.h); tk_wait_indexed waits for it
 * (false after saying so). */
bool tk_indexed(void);
bool tk_wait_indexed(int timeout_ms);

/* Wait until the last rebuild job ended, done or failed (false after saying
 * it did not). */
bool tk_wait_rebuild_ended(int timeout_ms);

/* The value of gauge or counter `name` in GET /metrics, or -1 when it is not
 * there (or the gateway does not answer). */
long long tk_metric(const char *name);

/* ---- Redis ---------------------------------------------------------------------- */

/* A reply as an integer: integer, decimal string, 0 for nil, -1 otherwise. */
long long tk_reply_int(const redisReply *r);

/* An integer answer of the suite's Redis (GET, XLEN, EXISTS ...). */
long long tk_redis_int(const char *fmt, const char *arg);

/* A command that must not fail. */
void tk_redis_do(const char *fmt, ...);

/* A command's reply (the caller frees it; NULL when Redis did not answer). */
redisReply *tk_cmd(const char *fmt, ...);

/* The value of field `name` in a flat field/value array reply (XINFO), or NULL. */
const redisReply *tk_field_of(const redisReply *flat, const char *name);

/* The date of instant ms in the zone, "2026-11-25". */
void tk_date_of(int64_t ms, char *buf, size_t len);

/* ---- nqctl ---------------------------------------------------------------------- */

/* Run this build's nqctl against the suite (--url, then `words`, NULL-ended)
 * with NQ_LANG=lang (NULL: as inherited); its stdout and stderr into the file
 * `out`, or with out NULL its stdout to /dev/null. Waits up to timeout_ms,
 * then kills it. Returns its exit status, 128 + signal when one ended it, or
 * -1 when it did not end in time or could not start. */
int tk_nqctl(const char *lang, const char *out, int timeout_ms, const char *const *words);

/* ---- signed-in users ------------------------------------------------------------ */

/* Make user `id` (role, comma-separated teams, salesperson; password
 * `password`) and sign them in: their cookie and CSRF header lines into out
 * ("Cookie: ...\r\nX-CSRF-Token: ...\r\n"), for tk_as. Checks each step. */
void tk_sign_in(const char *id, const char *role, const char *teams, const char *sp,
                const char *password, char *out, size_t len);

/* A request as a signed-in user (`session`: tk_sign_in's lines), a JSON
 * body or NULL. The status; the answer into *out (caller decrefs) when out. */
int tk_as(const char *session, const char *method, const char *path, const char *body,
          json_t **out);

#endif
