/* services/alerting/curluv.h — HTTP POSTs and e-mails on the process's libuv loop (libcurl multi).
 *
 * Every request runs concurrently on the one loop (libcurl's multi socket
 * interface driven by uv_poll and a uv_timer): a slow or dead receiver holds
 * only its own request, bounded by its timeout, never the loop. HTTPS with
 * the system's CA certificates (libcurl4-openssl-dev).
 *
 *   curluv_t *cu = curluv_new(loop);
 *   curluv_post(cu, url, headers, body, len, 10000, on_done, job);
 *   ... on_done(status, answer, error, job) runs once per request ...
 *   curluv_destroy(&cu); // requests in flight end: cb with error CURLUV_ABANDONED
 */
#ifndef NQ_ALERTING_CURLUV_H
#define NQ_ALERTING_CURLUV_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

typedef struct curluv curluv_t;

/* A request ended: status is the HTTP status (0 when none came), body the
 * answer's first bytes (NUL-terminated, borrowed for the call), error a
 * transport failure's text ("" when an answer came). */
typedef void (*curluv_cb)(long status, const char *body, const char *error, void *data);

#define CURLUV_ABANDONED "abandoned: the client was destroyed" /* error of curluv_destroy */

/* A client on `loop`, or NULL. */
curluv_t *curluv_new(uv_loop_t *loop);

/* POST body[0..len) to url with headers (NULL-terminated "Name: value"
 * lines; copied), giving up after timeout_ms. Returns 0 (cb runs once,
 * later), or -1 (cb never runs). */
int curluv_post(curluv_t *cu, const char *url, char *const *headers, const char *body, size_t len,
                long timeout_ms, curluv_cb cb, void *data);

/* An e-mail's envelope and server: url smtp://host[:port] (STARTTLS) or
 * smtps://host[:port] (TLS from the start); username "" or NULL: no login. */
typedef struct curluv_mail {
    const char *url, *username, *password;
    const char *from;        /* envelope sender */
    const char *const *rcpt; /* envelope recipients, NULL-terminated, at least one */
    bool require_tls;        /* smtp://: refuse to send when STARTTLS is not offered */
} curluv_mail_t;

/* Send the RFC 5322 message msg[0..len) (CRLF lines) as m says; cb gets the
 * server's last reply code (250 once taken) as its status. Returns 0 (cb runs
 * once, later), or -1 (cb never runs). */
int curluv_mail(curluv_t *cu, const curluv_mail_t *m, const char *msg, size_t len, long timeout_ms,
                curluv_cb cb, void *data);

/* Requests in flight. */
size_t curluv_pending(const curluv_t *cu);

/* Abandon every request (each cb runs now with error CURLUV_ABANDONED, so its
 * data can be freed) and free; sets *cu to NULL. Safe on NULL. The loop must
 * run once more for the handles to close. */
void curluv_destroy(curluv_t **cu);

#endif
