/* receivers.h — local HTTP receivers of alert deliveries for the integration tests.
 *
 * Each receiver is tests/integration/receiver.py (NQ_RECEIVER) started as a child
 * process by Debian's python3 (its aiosmtpd serves the email kind): one vendor
 * format (wecom, dingtalk, feishu, webhook, email), checking that
 * vendor's signature and body on its own, answering as its mode says ("ok",
 * "fail:N", "slow:MS", "down"), and listing what it got on GET /_received.
 */
#ifndef NQ_TEST_RECEIVERS_H
#define NQ_TEST_RECEIVERS_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "nq/httpc.h"

/* A receiver: its process, port and client. */
typedef struct receiver {
    const char *name, *kind, *secret, *mode;
    pid_t pid;
    int port;
    int smtp_port; /* kind email: where its SMTP server listens */
    char url[128];
    nq_httpc_t *http;
    char channel[72]; /* its channel's id once added */
} receiver_t;

/* Start r (name, kind, secret and mode set); 0 once it listens. */
int receiver_start(receiver_t *r);

/* The suite started with `env`, then the n receivers of rx; 0 once all listen. */
int receivers_suite_start(const char *const *env, receiver_t *rx, size_t n);

/* Stop the n receivers of rx, then the suite; 0 when it stopped cleanly. */
int receivers_suite_stop(receiver_t *rx, size_t n);
/* Every message the receiver got: [{ok, why, at, body}]. New reference. */
json_t *received(receiver_t *r);
/* Change how it answers from now on. */
void set_mode(receiver_t *r, const char *mode);
/* Messages that passed its checks and contain `text` in their body (a refused
 * one fails the test); *first_at (when not NULL): when the first came. */
int count_ok(receiver_t *r, const char *text, double *first_at);
/* Wait until count_ok(r, text) >= want; false (and a failed check) after timeout_ms. */
bool wait_count(receiver_t *r, const char *text, int want, int timeout_ms);
/* Add r as a channel of `team` (rate: messages a minute, 0 the kind's default);
 * its id is kept in r->channel and returned. */
const char *add_channel(const char *team, receiver_t *r, int rate);

#endif
