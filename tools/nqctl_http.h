/* tools/nqctl_http.h — nqctl's requests to the gateway (one keep-alive
 * connection, ctl->http) and what it says about their answers: a failure's
 * status, error, detail and field errors on stderr, a body on stdout, the
 * counters and refused events of an activities answer.
 *
 *   nq_httpc_response_t r;
 *   if (ctl_call(ctl, "GET", path, NULL, 0, &r) == CTL_OK && !ctl_is_2xx(r.status))
 *       ctl_explain_failure("GET", path, &r);
 *   nq_httpc_response_free(&r);
 */
#ifndef NQ_TOOLS_NQCTL_HTTP_H
#define NQ_TOOLS_NQCTL_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "nq/httpc.h"
#include "nqctl.h"

#define ACTIVITY_PATH "/api/v1/activities"

/* One request with a body of type ctype (or none). Returns 0 with r filled
 * (any status), or a negative NQ_HTTPC_E* code. Says nothing. */
int ctl_request(ctl_t *ctl, const char *method, const char *path, const char *ctype,
                const char *body, size_t len, nq_httpc_response_t *r);

/* One request with a JSON body (or none). Returns CTL_OK with r filled (any
 * status), or CTL_USAGE / CTL_UNREACHABLE after saying why on stderr. */
int ctl_call(ctl_t *ctl, const char *method, const char *path, const char *body, size_t len,
             nq_httpc_response_t *r);

/* Request, print the body, explain a failure; exit code by status. */
int ctl_call_and_print(ctl_t *ctl, const char *method, const char *path, const char *body,
                       size_t len);

/* String member `key` of object j, or "?" when absent. */
const char *ctl_str_of(const json_t *j, const char *key);

bool ctl_is_2xx(int status);

/* "unavailable: activity log saturated" from an error body's error and
 * detail, or "" when it has neither. */
void ctl_error_text(const nq_httpc_response_t *r, char *buf, size_t len);

/* Say on stderr why a request failed: status, the error body's error and
 * detail, each field error, and Retry-After. */
void ctl_explain_failure(const char *method, const char *path, const nq_httpc_response_t *r);

/* Counters of an activities answer. */
typedef struct outcome {
    json_int_t accepted, duplicate, conflict, rejected;
} outcome_t;

/* Called for each result of an activities answer that is not accepted or
 * duplicate (a borrowed {"index","event_id","status","errors"} object). */
typedef void (*result_fn)(const json_t *result, void *data);

/* Read the counters of an activities answer and pass each rejected or
 * conflicting result to `each`. Returns false when the body is not such an
 * answer. */
bool ctl_read_outcome(const nq_httpc_response_t *r, outcome_t *o, result_fn each, void *data);

/* POST events (a JSON text) and read the outcome, printing each refused
 * event (conflicts only when list_conflicts). Returns CTL_OK when the
 * gateway answered with per-event results, else explains and fails. */
int ctl_post_events(ctl_t *ctl, const char *body, size_t len, bool list_conflicts, outcome_t *o);

#endif
