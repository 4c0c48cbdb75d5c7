/* services/alerting/channel.h — a team's delivery channels and what they are sent (pure).
 *
 * A channel is one place a team's alerts go: a WeCom group robot, a DingTalk
 * robot, a Feishu bot, a generic webhook, or e-mail over SMTP. One row per
 * kind in a table {name, default rate, its fields, whether a secret is
 * needed, build}; adding a kind is adding a row (channel.c) and its section
 * in docs/alerts.md.
 *
 * A channel is created from a JSON body (POST /api/v1/teams/{id}/channels):
 *
 *   {"kind": "dingtalk", "name": "华东一组群",
 *    "webhook": "https://oapi.dingtalk.com/robot/send?access_token=...",
 *    "secret": "SEC...", "rate_per_min": 20}
 *
 * or, for e-mail,
 *
 *   {"kind": "email", "name": "华东一组邮件", "smtp": "smtps://smtp.example.com:465",
 *    "from": "alerts@example.com", "to": ["lead@example.com"],
 *    "username": "alerts@example.com", "secret": "<password>"}
 *
 * and stored whole as JSON (channel_to_json) in the team's channel hash; the
 * webhook URL carries the robot's token, so both it and the secret are shown
 * masked (channel_public_json) and never logged.
 *
 * channel_request() builds the one HTTP POST a channel is sent: the URL (with
 * DingTalk's timestamp and signature appended), the headers (the generic
 * webhook's X-Neiqin-Timestamp and X-Neiqin-Signature, like our own feeds:
 * nq/feedsig.h) and the body in the vendor's documented format (a markdown
 * message or card with the title, the numbers and the console link); for
 * e-mail, the envelope and an RFC 5322 message (UTF-8 text, base64). A
 * message is one alert, a digest of several (when a channel's rate limit
 * would be passed), or a test message.
 *
 *   channel_t ch; nq_field_errors_t errs = {0};
 *   if (channel_parse(body, &ch, &errs) != 0) ... 400 ...
 *   channel_msg_t m = {.kind = CHANNEL_MSG_ALERT, .items = &item, .n = 1};
 *   channel_req_t rq;
 *   if (channel_request(&ch, &m, now_ms, &rq) == 0) { ... POST ...; channel_req_free(&rq); }
 */
#ifndef NQ_ALERTING_CHANNEL_H
#define NQ_ALERTING_CHANNEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"

#define CHANNEL_NAME_MAX    64   /* characters of a channel's name */
#define CHANNEL_URL_MAX     1000 /* bytes of a webhook URL */
#define CHANNEL_SECRET_MAX  256  /* bytes of a secret */
#define CHANNEL_SECRET_MIN  16   /* the generic webhook's secret, at least */
#define CHANNEL_RATE_MAX    600  /* messages a minute, at most */
#define CHANNEL_PER_TEAM    20   /* channels of one team */
#define CHANNEL_DIGEST_MAX  50   /* alerts listed in one digest */
#define CHANNEL_TEXT_MAX    3800 /* bytes of a markdown text (WeCom takes 4096) */
#define CHANNEL_HEADERS_MAX 4    /* headers of one request */
#define CHANNEL_ADDR_MAX    254  /* bytes of an e-mail address */
#define CHANNEL_TO_MAX      10   /* recipients of an e-mail channel */
#define CHANNEL_USER_MAX    128  /* bytes of an SMTP user name */

typedef struct channel_kind channel_kind_t;

/* One channel, as stored. */
typedef struct channel {
    char id[72];                         /* "ch-<hex>", given when created */
    const channel_kind_t *kind;          /* its row */
    char name[CHANNEL_NAME_MAX * 4 + 1]; /* what people call it */
    char webhook[CHANNEL_URL_MAX + 1];   /* where it is posted (carries the token); e-mail: the
                                            smtp:// or smtps:// server */
    char secret[CHANNEL_SECRET_MAX + 1]; /* signing secret or SMTP password, "" none */
    int rate_per_min;                    /* messages a minute the receiver accepts */
    int64_t created_at;                  /* Unix ms */
    /* e-mail only */
    char mail_from[CHANNEL_ADDR_MAX + 1];
    char mail_to[CHANNEL_TO_MAX][CHANNEL_ADDR_MAX + 1];
    size_t n_to;
    char username[CHANNEL_USER_MAX + 1]; /* "" no login */
    bool plaintext;                      /* smtp:// may go on without STARTTLS */
} channel_t;

/* One alert as a channel shows it; every string borrowed, NULL = "". */
typedef struct channel_item {
    const char *id, *rule, *severity;
    const char *title, *title_en, *explanation, *explanation_en;
    const char *link; /* console path */
    const char *team_id, *salesperson_id, *customer_id;
    int64_t amount_fen; /* 0: none */
    int64_t raised_at;  /* Unix ms */
    bool escalated;     /* sent as its escalation: "已升级 · Escalated" in front */
} channel_item_t;

typedef enum { CHANNEL_MSG_ALERT, CHANNEL_MSG_DIGEST, CHANNEL_MSG_TEST } channel_msg_kind_t;

/* What is sent: one alert, a digest of n, or a test message (no items). */
typedef struct channel_msg {
    channel_msg_kind_t kind;
    const channel_item_t *items; /* borrowed */
    size_t n;                    /* how many */
    const char *team_name;       /* for the test message, "" unknown */
    const char *console_url;     /* prefix of the links ("" = the path alone) */
} channel_msg_t;

/* One HTTP POST, or one e-mail (mail_from set). Owned: free with channel_req_free. */
typedef struct channel_req {
    char *url;                              /* where */
    char *body;                             /* JSON, or the e-mail's RFC 5322 message */
    size_t len;                             /* its length */
    char *headers[CHANNEL_HEADERS_MAX + 1]; /* "Name: value", NULL-terminated */
    /* e-mail: the envelope; the user name and password point into the channel */
    char *mail_from;
    char *mail_rcpt[CHANNEL_TO_MAX + 1]; /* NULL-terminated */
    const char *username, *password;
    bool require_tls;
} channel_req_t;

/* The kind named `name`, or NULL. */
const channel_kind_t *channel_kind_find(const char *name);
const char *channel_kind_name(const channel_kind_t *k);
/* Messages a minute a kind accepts by default (WeCom 20, DingTalk 20, Feishu 100, webhook 60,
 * e-mail 30). */
int channel_kind_rate(const channel_kind_t *k);

/* Check a POST body and fill *ch (id and created_at left for the caller).
 * Returns 0, or -1 with the reasons in errs (fields kind, name, webhook,
 * secret, rate_per_min; for e-mail smtp, from, to, username, allow_plaintext;
 * or an unknown field). */
int channel_parse(const json_t *body, channel_t *ch, nq_field_errors_t *errs);

/* Stored form (with the secret). New reference. */
json_t *channel_to_json(const channel_t *ch);
/* Read the stored form back. Returns 0, or -1 when it does not read. */
int channel_from_json(const char *text, channel_t *ch);
/* What the API shows: webhook and secret masked (an e-mail channel's server,
 * addresses and user name shown, its password not). New reference. */
json_t *channel_public_json(const channel_t *ch);
/* Mask a URL: scheme, host and path, each query value but its last 4 characters as '*'. */
void channel_mask_url(const char *url, char *out, size_t len);

/* The request that sends m to ch at now_ms. Returns 0, or -1 (no memory). */
int channel_request(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                    channel_req_t *out);
void channel_req_free(channel_req_t *r);

/* Did the receiver take it? HTTP 2xx (SMTP: a 2xx reply), and for the vendors an
 * "errcode" (WeCom, DingTalk) or "code" (Feishu) of 0 in the answer. *why (static)
 * otherwise. */
bool channel_accepted(const channel_t *ch, long status, const char *body, const char **why);

/* The signatures, for the tests and the docs' examples. out: at least 64 bytes. */
/* DingTalk: base64(HMAC-SHA256(key secret, "<ts ms>\n<secret>")), URL-encoded. */
int channel_sign_dingtalk(const char *secret, int64_t ts_ms, char *out, size_t len);
/* Feishu: base64(HMAC-SHA256(key "<ts s>\n<secret>", "")). */
int channel_sign_feishu(const char *secret, int64_t ts_s, char *out, size_t len);

/* RFC 5322 date of Unix ms t ("Mon, 07 Dec 2026 08:05:09 +0000"). out: at least 32 bytes. */
void channel_mail_date(int64_t t_ms, char *out, size_t len);
/* A header value as RFC 2047 encoded words (=?UTF-8?B?...?=), folded; new string or NULL. */
char *channel_mail_encode_header(const char *text);

/* An item pointing into a (unpacked) alert. */
void channel_item_of(const Nq__Alert *a, channel_item_t *out);

#endif
