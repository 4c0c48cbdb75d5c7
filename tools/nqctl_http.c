/* nqctl_http.c — nqctl's requests to the gateway and what it says about
 * their answers. See nqctl_http.h. */
#include "nqctl_http.h"

#include <stdio.h>
#include <string.h>

#include "msg.h"

/* One request with a body of type ctype (or none). Returns 0 with r filled
 * (any status), or a negative NQ_HTTPC_E* code. Says nothing. */
int ctl_request(ctl_t *ctl, const char *method, const char *path, const char *ctype,
                const char *body, size_t len, nq_httpc_response_t *r)
{
    return nq_httpc_request(ctl->http, method, path, body ? ctype : NULL, body, len, ctl->headers,
                            r);
}

/* One request with a JSON body (or none). Returns CTL_OK with r filled (any
 * status), or CTL_USAGE / CTL_UNREACHABLE after saying why on stderr. */
int ctl_call(ctl_t *ctl, const char *method, const char *path, const char *body, size_t len,
             nq_httpc_response_t *r)
{
    int rc = ctl_request(ctl, method, path, "application/json", body, len, r);
    if (rc == NQ_HTTPC_EINVAL) {
        fprintf(stderr, msg_tr(M_BAD_PATH), method, path);
        return CTL_USAGE;
    }
    if (rc < 0) {
        fprintf(stderr, msg_tr(M_UNREACHABLE), method, ctl->url, path,
                msg_tr(nq_httpc_strerror(rc)));
        return CTL_UNREACHABLE;
    }
    return CTL_OK;
}

/* String member `key` of object j, or "?" when absent. */
const char *ctl_str_of(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "?";
}

bool ctl_is_2xx(int status)
{
    return status >= 200 && status < 300;
}

/* "unavailable: activity log saturated" from an error body's error and
 * detail, or "" when it has neither. */
void ctl_error_text(const nq_httpc_response_t *r, char *buf, size_t len)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    const char *error = json_string_value(json_object_get(j, "error"));
    const char *detail = json_string_value(json_object_get(j, "detail"));
    snprintf(buf, len, "%s%s%s", error ? error : "", error && detail ? ": " : "",
             detail ? detail : "");
    json_decref(j);
}

/* Say on stderr why a request failed: status, the error body's error and
 * detail, each field error, and Retry-After. */
void ctl_explain_failure(const char *method, const char *path, const nq_httpc_response_t *r)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    char text[512];
    ctl_error_text(r, text, sizeof(text));
    fprintf(stderr, msg_tr(M_HTTP_FAILED), method, path, r->status, *text ? " " : "", text);
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(j, "errors"), i, e) {
        fprintf(stderr, "  %s: %s\n", ctl_str_of(e, "field"), ctl_str_of(e, "reason"));
    }
    if (r->retry_after[0])
        fprintf(stderr, msg_tr(M_RETRY_AFTER), r->retry_after);
    json_decref(j);
}

static void print_body(const nq_httpc_response_t *r)
{
    fwrite(r->body, 1, r->len, stdout);
    if (r->len > 0 && r->body[r->len - 1] != '\n')
        putchar('\n');
}

/* Request, print the body, explain a failure; exit code by status. */
int ctl_call_and_print(ctl_t *ctl, const char *method, const char *path, const char *body,
                       size_t len)
{
    nq_httpc_response_t r;
    int rc = ctl_call(ctl, method, path, body, len, &r);
    if (rc == CTL_OK) {
        print_body(&r);
        if (!ctl_is_2xx(r.status)) {
            ctl_explain_failure(method, path, &r);
            rc = CTL_REFUSED;
        }
    }
    nq_httpc_response_free(&r);
    return rc;
}

/* Called for each result of an activities answer that is not accepted or
 * duplicate (a borrowed {"index","event_id","status","errors"} object). */
typedef void (*result_fn)(const json_t *result, void *data);

/* Read the counters of an activities answer and pass each rejected or
 * conflicting result to `each`. Returns false when the body is not such an
 * answer. */
bool ctl_read_outcome(const nq_httpc_response_t *r, outcome_t *o, result_fn each, void *data)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL), *res;
    size_t i;
    bool ok = json_is_object(j) && json_is_array(json_object_get(j, "results"));
    if (ok)
        ok = json_unpack(j, "{s:I, s:I, s:I, s:I}", "accepted", &o->accepted, "duplicate",
                         &o->duplicate, "conflict", &o->conflict, "rejected", &o->rejected) == 0;
    json_array_foreach (ok ? json_object_get(j, "results") : NULL, i, res) {
        const char *status = ctl_str_of(res, "status");
        if (strcmp(status, "rejected") == 0 || strcmp(status, "conflict") == 0)
            each(res, data);
    }
    json_decref(j);
    return ok;
}

/* result_fn of send and seed-demo: print the result and its errors on
 * stdout; conflicts only when *(bool *)list_conflicts. */
static void print_result(const json_t *res, void *list_conflicts)
{
    size_t k;
    json_t *e;
    const char *status = ctl_str_of(res, "status");
    if (strcmp(status, "conflict") == 0 && !*(bool *)list_conflicts)
        return;
    printf("  #%lld %s: %s\n", (long long)json_integer_value(json_object_get(res, "index")),
           ctl_str_of(res, "event_id"), status);
    json_array_foreach (json_object_get(res, "errors"), k, e) {
        printf("      %s: %s\n", ctl_str_of(e, "field"), ctl_str_of(e, "reason"));
    }
}

/* POST events (a JSON text) and read the outcome. Returns CTL_OK when the
 * gateway answered with per-event results, else explains and fails. */
int ctl_post_events(ctl_t *ctl, const char *body, size_t len, bool list_conflicts, outcome_t *o)
{
    nq_httpc_response_t r;
    int rc = ctl_call(ctl, "POST", ACTIVITY_PATH, body, len, &r);
    if (rc == CTL_OK && !ctl_read_outcome(&r, o, print_result, &list_conflicts)) {
        ctl_explain_failure("POST", ACTIVITY_PATH, &r);
        rc = CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
    return rc;
}
