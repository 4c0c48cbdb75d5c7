/* channel.c — delivery channels and their payloads. See channel.h. */
#include "channel.h"

#include "channel_mail.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/feedsig.h"
#include "nq/money.h"

/* A kind's request: body (new JSON text), URL and headers in *out. */
typedef int (*build_fn)(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                        channel_req_t *out);

/* A kind's own fields of the POST body into *ch. */
typedef void (*parse_fn)(const json_t *body, channel_t *ch, nq_field_errors_t *errs);

struct channel_kind {
    const char *name;          /* "wecom" */
    int rate_per_min;          /* default rate limit */
    bool secret_required;      /* the generic webhook signs every request */
    bool secret_allowed;       /* WeCom robots have no signature */
    const char *reply_key;     /* the answer's status field ("errcode", "code"), NULL none */
    const char *const *fields; /* its fields beyond kind, name and rate_per_min */
    parse_fn parse;            /* reads them */
    build_fn build;            /* the request of a message */
    void (*store)(const channel_t *ch, json_t *o); /* stored beyond the common fields */
    int (*load)(const json_t *j, channel_t *ch);   /* read back */
    void (*show)(const channel_t *ch, json_t *o);  /* shown instead of the masked webhook */
};

/* ---- the text every vendor shows ------------------------------------------ */

typedef struct text {
    char *buf;
    size_t len, cap;
    bool full; /* the cap was reached: the rest is left out */
} text_t;

static void put(text_t *t, const char *s)
{
    size_t n = strlen(s);
    if (t->full || t->len + n >= t->cap) {
        t->full = true;
        return;
    }
    memcpy(t->buf + t->len, s, n + 1);
    t->len += n;
}

static void putf(text_t *t, const char *fmt, const char *a, const char *b)
{
    char line[2048];
    snprintf(line, sizeof(line), fmt, a ? a : "", b ? b : "");
    put(t, line);
}

static const char *s_or(const char *s, const char *def)
{
    return s && *s ? s : def;
}

static void link_of(const channel_msg_t *m, const channel_item_t *it, char *out, size_t len)
{
    snprintf(out, len, "%s%s", s_or(m->console_url, ""), s_or(it->link, "/console/alerts"));
}

#define ESCALATED_ZH "已升级"
#define ESCALATED_EN "Escalated"

static const char *severity_zh(const char *sev)
{
    if (sev && strcmp(sev, "critical") == 0)
        return "严重";
    if (sev && strcmp(sev, "info") == 0)
        return "提示";
    return "警告";
}

/* The markdown of one alert. */
static void text_alert(text_t *t, const channel_msg_t *m, const channel_item_t *it)
{
    char link[600], money[48];
    link_of(m, it, link, sizeof(link));
    putf(t, "### 【%s】%s\n", severity_zh(it->severity), it->title);
    if (it->escalated)
        put(t, "**" ESCALATED_ZH "：超过时限仍未确认 · " ESCALATED_EN
               ": not acknowledged in time**\n\n");
    putf(t, "%s\n\n", it->explanation, NULL);
    if (it->amount_fen) {
        nq_money_format_grouped(it->amount_fen, money, sizeof(money));
        putf(t, "> 金额 Amount: ¥%s\n", money, NULL);
    }
    putf(t, "> 规则 Rule: %s · 级别 Severity: %s\n", it->rule, it->severity);
    putf(t, "> %s\n\n", it->title_en, NULL);
    putf(t, "[在控制台查看 Open in the console](%s)", link, NULL);
}

static void text_digest(text_t *t, const channel_msg_t *m)
{
    char head[160];
    snprintf(head, sizeof(head), "### 【预警汇总】%zu 条新预警 · %zu new alerts\n", m->n, m->n);
    put(t, head);
    for (size_t i = 0; i < m->n && i < CHANNEL_DIGEST_MAX; i++) {
        char link[600];
        link_of(m, &m->items[i], link, sizeof(link));
        putf(t,
             m->items[i].escalated ? "- 【" ESCALATED_ZH "】%s ([查看](%s))\n"
                                   : "- %s ([查看](%s))\n",
             m->items[i].title, link);
    }
    if (m->n > CHANNEL_DIGEST_MAX) {
        snprintf(head, sizeof(head), "- …… 另有 %zu 条 · %zu more\n", m->n - CHANNEL_DIGEST_MAX,
                 m->n - CHANNEL_DIGEST_MAX);
        put(t, head);
    }
}

static void text_test(text_t *t, const channel_msg_t *m)
{
    putf(t, "### 【测试】内勤预警通道 %s\n", s_or(m->team_name, ""), NULL);
    put(t, "这是一条测试消息：收到即表示通道配置正确。\n\n");
    put(t, "> Test message from neiqin: this channel is set up correctly.");
}

/* The title and markdown text of m. Returns 0 or -1; free *md. */
int channel_render(const channel_msg_t *m, char *title, size_t tlen, char **md)
{
    text_t t = {malloc(CHANNEL_TEXT_MAX + 1), 0, CHANNEL_TEXT_MAX + 1, false};
    if (!t.buf)
        return -1;
    t.buf[0] = '\0';
    if (m->kind == CHANNEL_MSG_TEST) {
        snprintf(title, tlen, "内勤预警测试 · neiqin test");
        text_test(&t, m);
    } else if (m->kind == CHANNEL_MSG_DIGEST) {
        snprintf(title, tlen, "预警汇总 %zu 条 · %zu alerts", m->n, m->n);
        text_digest(&t, m);
    } else {
        snprintf(title, tlen, "%s%s", m->items[0].escalated ? ESCALATED_ZH " · " : "",
                 s_or(m->items[0].title, "预警"));
        text_alert(&t, m, &m->items[0]);
    }
    *md = t.buf;
    return 0;
}

/* ---- the vendors ----------------------------------------------------------- */

static int finish(channel_req_t *out, json_t *body, char *url)
{
    out->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    out->url = url;
    out->len = out->body ? strlen(out->body) : 0;
    out->headers[0] = strdup("Content-Type: application/json; charset=utf-8");
    return out->body && out->url && out->headers[0] ? 0 : -1;
}

/* WeCom group robot: {"msgtype":"markdown","markdown":{"content":...}}. */
static int build_wecom(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                       channel_req_t *out)
{
    char title[512], *md;
    if (channel_render(m, title, sizeof(title), &md) != 0)
        return -1;
    json_t *b = json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", md);
    free(md);
    return finish(out, b, strdup(ch->webhook));
}

/* DingTalk robot: {"msgtype":"markdown","markdown":{"title","text"}}, and with
 * a secret "&timestamp=<ms>&sign=<signature>" on the URL. */
static int build_dingtalk(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                          channel_req_t *out)
{
    char title[512], *md;
    if (channel_render(m, title, sizeof(title), &md) != 0)
        return -1;
    json_t *b = json_pack("{s:s, s:{s:s, s:s}}", "msgtype", "markdown", "markdown", "title", title,
                          "text", md);
    free(md);
    size_t ulen = strlen(ch->webhook) + 160;
    char *url = malloc(ulen);
    if (url && *ch->secret) {
        char sign[128];
        channel_sign_dingtalk(ch->secret, now_ms, sign, sizeof(sign));
        snprintf(url, ulen, "%s%ctimestamp=%" PRId64 "&sign=%s", ch->webhook,
                 strchr(ch->webhook, '?') ? '&' : '?', now_ms, sign);
    } else if (url) {
        snprintf(url, ulen, "%s", ch->webhook);
    }
    return finish(out, b, url);
}

/* Feishu bot: an interactive card {"msg_type":"interactive","card":{header,
 * elements}}, and with a secret "timestamp" and "sign" in the body. */
static int build_feishu(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                        channel_req_t *out)
{
    char title[512], *md;
    if (channel_render(m, title, sizeof(title), &md) != 0)
        return -1;
    const char *color =
        m->kind == CHANNEL_MSG_TEST                                                     ? "blue"
        : m->n && m->items[0].severity && strcmp(m->items[0].severity, "critical") == 0 ? "red"
                                                                                        : "orange";
    json_t *b = json_pack("{s:s, s:{s:{s:{s:s, s:s}, s:s}, s:[{s:s, s:{s:s, s:s}}]}}", "msg_type",
                          "interactive", "card", "header", "title", "tag", "plain_text", "content",
                          title, "template", color, "elements", "tag", "div", "text", "tag",
                          "lark_md", "content", md);
    free(md);
    if (b && *ch->secret) {
        char sign[128], ts[24];
        int64_t s = now_ms / 1000;
        channel_sign_feishu(ch->secret, s, sign, sizeof(sign));
        snprintf(ts, sizeof(ts), "%" PRId64, s);
        json_object_set_new(b, "timestamp", json_string(ts));
        json_object_set_new(b, "sign", json_string(sign));
    }
    return finish(out, b, strdup(ch->webhook));
}

static json_t *item_json(const channel_item_t *it)
{
    char money[48] = "";
    if (it->amount_fen)
        nq_money_format(it->amount_fen, money, sizeof(money));
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "id",
        s_or(it->id, ""), "rule", s_or(it->rule, ""), "severity", s_or(it->severity, ""), "title",
        s_or(it->title, ""), "title_en", s_or(it->title_en, ""), "explanation",
        s_or(it->explanation, ""), "explanation_en", s_or(it->explanation_en, ""), "link",
        s_or(it->link, ""), "team_id", s_or(it->team_id, ""), "salesperson_id",
        s_or(it->salesperson_id, ""), "customer_id", s_or(it->customer_id, ""), "amount", money,
        "raised_at", (json_int_t)it->raised_at, "escalated", it->escalated);
}

/* Generic webhook: {"event":"alert"|"digest"|"test","sent_at":ms,"alerts":[...]},
 * signed like our feeds: X-Neiqin-Timestamp (s), X-Neiqin-Signature. */
static int build_webhook(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                         channel_req_t *out)
{
    static const char *const events[] = {"alert", "digest", "test"};
    json_t *alerts = json_array();
    for (size_t i = 0; alerts && i < m->n; i++)
        json_array_append_new(alerts, item_json(&m->items[i]));
    json_t *b = json_pack("{s:s, s:I, s:o}", "event", events[m->kind], "sent_at",
                          (json_int_t)now_ms, "alerts", alerts);
    if (finish(out, b, strdup(ch->webhook)) != 0)
        return -1;
    char ts[24], sig[NQ_FEED_SIG_HEX + 16], line[NQ_FEED_SIG_HEX + 48];
    snprintf(ts, sizeof(ts), "%" PRId64, now_ms / 1000);
    if (nq_feed_sign(ch->secret, ts, out->body, out->len, sig, sizeof(sig)) != 0)
        return -1;
    snprintf(line, sizeof(line), "X-Neiqin-Timestamp: %s", ts);
    out->headers[1] = strdup(line);
    snprintf(line, sizeof(line), "X-Neiqin-Signature: %s", sig);
    out->headers[2] = strdup(line);
    return out->headers[1] && out->headers[2] ? 0 : -1;
}

static void webhook_parse(const json_t *body, channel_t *ch, nq_field_errors_t *errs);

static const char *const webhook_fields[] = {"webhook", "secret", NULL};
static const char *const mail_fields[] = {
    "smtp", "from", "to", "username", "secret", "allow_plaintext", NULL};

static const channel_kind_t kinds[] = {
    {"wecom", 20, false, false, "errcode", webhook_fields, webhook_parse, build_wecom, NULL, NULL,
     NULL},
    {"dingtalk", 20, false, true, "errcode", webhook_fields, webhook_parse, build_dingtalk, NULL,
     NULL, NULL},
    {"feishu", 100, false, true, "code", webhook_fields, webhook_parse, build_feishu, NULL, NULL,
     NULL},
    {"webhook", 60, true, true, NULL, webhook_fields, webhook_parse, build_webhook, NULL, NULL,
     NULL},
    {"email", 30, false, true, NULL, mail_fields, channel_mail_parse, channel_mail_build,
     channel_mail_store, channel_mail_load, channel_mail_show},
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

const channel_kind_t *channel_kind_find(const char *name)
{
    for (size_t i = 0; name && i < N_KINDS; i++) {
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    }
    return NULL;
}

const char *channel_kind_name(const channel_kind_t *k)
{
    return k ? k->name : "";
}

int channel_kind_rate(const channel_kind_t *k)
{
    return k ? k->rate_per_min : 60;
}

int channel_request(const channel_t *ch, const channel_msg_t *m, int64_t now_ms, channel_req_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!ch->kind || (m->kind != CHANNEL_MSG_TEST && m->n == 0) ||
        ch->kind->build(ch, m, now_ms, out) != 0) {
        channel_req_free(out);
        return -1;
    }
    return 0;
}

void channel_req_free(channel_req_t *r)
{
    free(r->url);
    free(r->body);
    for (size_t i = 0; i < CHANNEL_HEADERS_MAX; i++)
        free(r->headers[i]);
    free(r->mail_from);
    for (size_t i = 0; i < CHANNEL_TO_MAX; i++)
        free(r->mail_rcpt[i]);
    memset(r, 0, sizeof(*r));
}

bool channel_accepted(const channel_t *ch, long status, const char *body, const char **why)
{
    *why = NULL;
    if (status < 200 || status > 299) {
        *why = "the receiver answered an error";
        return false;
    }
    if (!ch->kind || !ch->kind->reply_key)
        return true;
    json_t *j = body ? json_loads(body, 0, NULL) : NULL;
    json_t *code = json_object_get(j, ch->kind->reply_key);
    bool ok = !code || (json_is_integer(code) && json_integer_value(code) == 0);
    json_decref(j);
    if (!ok)
        *why = "the receiver refused the message (its error code is not 0)";
    return ok;
}

/* ---- signatures ------------------------------------------------------------ */

static void hmac_b64(const char *key, const char *msg, char *out, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, len, mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
}

int channel_sign_dingtalk(const char *secret, int64_t ts_ms, char *out, size_t len)
{
    char msg[CHANNEL_SECRET_MAX + 32], b64[64];
    if (len < 64)
        return -1;
    snprintf(msg, sizeof(msg), "%" PRId64 "\n%s", ts_ms, secret);
    hmac_b64(secret, msg, b64, sizeof(b64));
    size_t o = 0;
    for (const char *p = b64; *p && o + 4 < len; p++) {
        if (*p == '+' || *p == '/' || *p == '=')
            o += (size_t)snprintf(out + o, len - o, "%%%02X", (unsigned char)*p);
        else
            out[o++] = *p;
    }
    out[o] = '\0';
    return 0;
}

int channel_sign_feishu(const char *secret, int64_t ts_s, char *out, size_t len)
{
    char key[CHANNEL_SECRET_MAX + 32];
    if (len < 64)
        return -1;
    snprintf(key, sizeof(key), "%" PRId64 "\n%s", ts_s, secret);
    hmac_b64(key, "", out, len);
    return 0;
}

/* ---- parsing and showing --------------------------------------------------- */

static bool url_ok(const char *u)
{
    if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
        return false;
    const char *host = strstr(u, "://") + 3;
    if (!*host || *host == '/' || *host == '?')
        return false;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
            return false;
    }
    return true;
}

/* Characters of UTF-8 text s: the bytes that start one. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

static const char *str_field(const json_t *body, const char *name, nq_field_errors_t *errs)
{
    json_t *v = json_object_get(body, name);
    if (v && !json_is_string(v)) {
        nq_field_errors_add(errs, name, "must be a string");
        return NULL;
    }
    return v ? json_string_value(v) : NULL;
}

/* The robots' and the webhook's own fields: the URL and the secret. */
static void webhook_parse(const json_t *body, channel_t *ch, nq_field_errors_t *errs)
{
    const char *hook = str_field(body, "webhook", errs);
    const char *secret = str_field(body, "secret", errs);
    if (!hook || strlen(hook) > CHANNEL_URL_MAX || !url_ok(hook))
        nq_field_errors_add(errs, "webhook",
                            "is required: an http:// or https:// URL of at most 1000 characters");
    else
        snprintf(ch->webhook, sizeof(ch->webhook), "%s", hook);
    if (secret && *secret && !ch->kind->secret_allowed)
        nq_field_errors_add(errs, "secret", "this kind of channel has no secret");
    else if (secret &&
             (strlen(secret) > CHANNEL_SECRET_MAX || !nq_valid_text(secret, CHANNEL_SECRET_MAX)))
        nq_field_errors_add(errs, "secret", "must be at most 256 printable characters");
    else if (ch->kind->secret_required && (!secret || strlen(secret) < CHANNEL_SECRET_MIN))
        nq_field_errors_add(errs, "secret", "is required: at least 16 characters");
    else if (secret)
        snprintf(ch->secret, sizeof(ch->secret), "%s", secret);
}

int channel_parse(const json_t *body, channel_t *ch, nq_field_errors_t *errs)
{
    static const char *const common[] = {"kind", "name", "rate_per_min", NULL};
    size_t before = errs->n;
    memset(ch, 0, sizeof(*ch));
    const char *kind = str_field(body, "kind", errs);
    const char *name = str_field(body, "name", errs);
    ch->kind = channel_kind_find(kind);
    if (!ch->kind)
        nq_field_errors_add(errs, "kind", "must be one of wecom, dingtalk, feishu, webhook, email");
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)body, key, v) {
        if (!nq_one_of(key, common) && ch->kind && !nq_one_of(key, ch->kind->fields))
            nq_field_errors_add(errs, key, "unknown field (for a %s channel)", ch->kind->name);
    }
    if (!name || !nq_valid_text(name, sizeof(ch->name) - 1) || !*name ||
        chars(name) > CHANNEL_NAME_MAX)
        nq_field_errors_add(errs, "name", "is required: 1 to 64 characters");
    else
        snprintf(ch->name, sizeof(ch->name), "%s", name);
    if (ch->kind)
        ch->kind->parse(body, ch, errs);
    json_t *rate = json_object_get(body, "rate_per_min");
    if (rate && (!json_is_integer(rate) || json_integer_value(rate) < 1 ||
                 json_integer_value(rate) > CHANNEL_RATE_MAX))
        nq_field_errors_add(errs, "rate_per_min", "must be a whole number from 1 to 600");
    else
        ch->rate_per_min = rate ? (int)json_integer_value(rate) : channel_kind_rate(ch->kind);
    return errs->n > before ? -1 : 0;
}

json_t *channel_to_json(const channel_t *ch)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I}", "id", ch->id, "kind",
                          channel_kind_name(ch->kind), "name", ch->name, "webhook", ch->webhook,
                          "secret", ch->secret, "rate_per_min", ch->rate_per_min, "created_at",
                          (json_int_t)ch->created_at);
    if (o && ch->kind && ch->kind->store)
        ch->kind->store(ch, o);
    return o;
}

int channel_from_json(const char *text, channel_t *ch)
{
    memset(ch, 0, sizeof(*ch));
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    const char *id = NULL, *kind = NULL, *name = NULL, *hook = NULL, *secret = NULL;
    json_int_t created = 0;
    int rate = 0;
    int rc = j && json_unpack(j, "{s:s, s:s, s:s, s:s, s:s, s:i, s:I}", "id", &id, "kind", &kind,
                              "name", &name, "webhook", &hook, "secret", &secret, "rate_per_min",
                              &rate, "created_at", &created) == 0
                 ? 0
                 : -1;
    if (rc == 0) {
        ch->kind = channel_kind_find(kind);
        snprintf(ch->id, sizeof(ch->id), "%s", id);
        snprintf(ch->name, sizeof(ch->name), "%s", name);
        snprintf(ch->webhook, sizeof(ch->webhook), "%s", hook);
        snprintf(ch->secret, sizeof(ch->secret), "%s", secret);
        ch->rate_per_min = rate > 0 ? rate : channel_kind_rate(ch->kind);
        ch->created_at = created;
        rc = !ch->kind ? -1 : ch->kind->load ? ch->kind->load(j, ch) : 0;
    }
    json_decref(j);
    return rc;
}

/* Copy n bytes of s, all but the last 4 as '*'. */
static size_t put_masked(char *out, size_t room, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < room; i++)
        out[o++] = i + 4 < n ? '*' : s[i];
    return o;
}

void channel_mask_url(const char *url, char *out, size_t len)
{
    const char *q = strchr(url, '?');
    size_t head = q ? (size_t)(q - url) : strlen(url);
    const char *host = strstr(url, "://");
    const char *seg = url + head;
    while (seg > url && seg[-1] != '/')
        seg--;
    if (!host || seg <= host + 3) /* no path: nothing of it to hide */
        seg = url + head;
    /* the last path segment (Feishu's token) and every query value (WeCom's key,
     * DingTalk's access_token) keep only their last 4 characters */
    size_t o = (size_t)snprintf(out, len, "%.*s", (int)(seg - url), url);
    if (o >= len)
        o = len - 1;
    o += put_masked(out + o, len - o, seg, (size_t)(url + head - seg));
    for (const char *p = q; p && *p && o + 1 < len;) {
        const char *amp = strchr(p + 1, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t name = eq ? (size_t)(eq + 1 - p) : n;
        o += (size_t)snprintf(out + o, len - o, "%.*s", (int)name, p);
        if (o >= len)
            o = len - 1;
        if (eq)
            o += put_masked(out + o, len - o, eq + 1, n - name);
        p = amp;
    }
    out[o] = '\0';
}

json_t *channel_public_json(const channel_t *ch)
{
    char masked[CHANNEL_URL_MAX + 1];
    channel_mask_url(ch->webhook, masked, sizeof(masked));
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:i, s:I}", "id", ch->id, "kind",
                          channel_kind_name(ch->kind), "name", ch->name, "webhook", masked,
                          "has_secret", *ch->secret != '\0', "rate_per_min", ch->rate_per_min,
                          "created_at", (json_int_t)ch->created_at);
    if (o && ch->kind && ch->kind->show)
        ch->kind->show(ch, o);
    return o;
}

void channel_item_of(const Nq__Alert *a, channel_item_t *out)
{
    *out = (channel_item_t){
        .id = a->id,
        .rule = a->rule,
        .severity = a->severity,
        .title = a->title,
        .title_en = a->title_en,
        .explanation = a->explanation,
        .explanation_en = a->explanation_en,
        .link = a->link,
        .team_id = a->team_id,
        .salesperson_id = a->salesperson_id,
        .customer_id = a->customer_id,
        .amount_fen = a->has_amount_fen ? a->amount_fen : 0,
        .raised_at = a->raised_at,
    };
}
