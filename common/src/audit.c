/* audit.c — audit log entries. See nq/audit.h. */
#include "nq/audit.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "nq/keys.h"

#define DAY_MS (24LL * 3600 * 1000)

/* Words that make a member's name a secret's. */
static const char *const secret_words[] = {
    "password",      "passwd", "secret",    "token",      "key",     "cookie",
    "authorization", "csrf",   "signature", "credential", "webhook", "pwhash",
};

bool nq_audit_secret_name(const char *name)
{
    char low[128];
    size_t n = 0;
    for (; name[n] && n < sizeof(low) - 1; n++)
        low[n] = (char)tolower((unsigned char)name[n]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
        if (strstr(low, secret_words[i]))
            return true;
    return false;
}

static void redact(json_t *v)
{
    const char *name;
    json_t *m;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach (v, name, m) {
            if (nq_audit_secret_name(name))
                json_object_set_new(v, name, json_string(NQ_AUDIT_REDACTED));
            else
                redact(m);
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, m)
            redact(m);
    }
}

char *nq_audit_redact(const char *body, size_t len)
{
    if (!body || len == 0 || len > NQ_AUDIT_DOC_MAX)
        return NULL;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    if (!doc)
        return NULL;
    redact(doc);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

void nq_audit_subject(const char *pattern, char *buf, size_t len)
{
    static const char prefix[] = "/api/v1/";
    const char *p = strncmp(pattern, prefix, sizeof(prefix) - 1) == 0
                        ? pattern + sizeof(prefix) - 1
                        : pattern + (pattern[0] == '/');
    size_t n = 0;
    buf[0] = '\0';
    while (*p && len > 0) {
        size_t seg = strcspn(p, "/");
        if (seg > 0 && p[0] != ':' && n + seg + (n > 0) < len) {
            if (n > 0)
                buf[n++] = '.';
            memcpy(buf + n, p, seg);
            n += seg;
            buf[n] = '\0';
        }
        p += seg + (p[seg] == '/');
    }
}

static void add(nq_audit_cmd_t *cmd, const char *s)
{
    if (cmd->argc >= NQ_AUDIT_ARGS)
        return;
    s = s ? s : "";
    cmd->argv[cmd->argc] = s;
    cmd->lens[cmd->argc++] = strlen(s);
}

static void field(nq_audit_cmd_t *cmd, const char *name, const char *value)
{
    add(cmd, name);
    add(cmd, value);
}

/* A document's digest and length, and itself (redacted) when small JSON. */
static void doc_fields(nq_audit_cmd_t *cmd, nq_audit_doc_t *d, const char *sha_name,
                       const char *len_name, const char *doc_name, const char *text, size_t len)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    if (!text || len == 0)
        return;
    crypto_hash_sha256(digest, (const unsigned char *)text, len);
    sodium_bin2hex(d->sha, sizeof(d->sha), digest, sizeof(digest));
    snprintf(d->len, sizeof(d->len), "%zu", len);
    field(cmd, sha_name, d->sha);
    field(cmd, len_name, d->len);
    d->text = nq_audit_redact(text, len);
    if (d->text)
        field(cmd, doc_name, d->text);
}

int nq_audit_cmd_build(nq_audit_cmd_t *cmd, const nq_audit_entry_t *e, int64_t now_ms,
                       int64_t retention_days)
{
    memset(cmd, 0, sizeof(*cmd));
    snprintf(cmd->minid, sizeof(cmd->minid), "%lld", (long long)(now_ms - retention_days * DAY_MS));
    snprintf(cmd->at, sizeof(cmd->at), "%lld", (long long)now_ms);
    snprintf(cmd->status, sizeof(cmd->status), "%d", e->status);
    add(cmd, "XADD");
    add(cmd, NQ_KEY_AUDIT);
    add(cmd, "MINID");
    add(cmd, "~");
    add(cmd, cmd->minid);
    add(cmd, "*");
    field(cmd, "at", cmd->at);
    field(cmd, "actor", e->actor);
    field(cmd, "actor_name", e->actor_name);
    field(cmd, "method", e->method);
    field(cmd, "path", e->path);
    field(cmd, "subject", e->subject);
    field(cmd, "subject_id", e->subject_id);
    field(cmd, "status", cmd->status);
    field(cmd, "client", e->client);
    doc_fields(cmd, &cmd->body, "body_sha256", "body_len", "after", e->body, e->body_len);
    doc_fields(cmd, &cmd->before, "before_sha256", "before_len", "before", e->before,
               e->before_len);
    return 0;
}

void nq_audit_cmd_free(nq_audit_cmd_t *cmd)
{
    free(cmd->body.text);
    free(cmd->before.text);
    cmd->body.text = cmd->before.text = NULL;
}

int nq_audit_append_sync(redisContext *c, const nq_audit_entry_t *e, int64_t retention_days,
                         char *err, size_t errlen)
{
    nq_audit_cmd_t cmd;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    nq_audit_cmd_build(&cmd, e, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, retention_days);
    redisReply *r = redisCommandArgv(c, cmd.argc, cmd.argv, cmd.lens);
    int rc = r && r->type != REDIS_REPLY_ERROR ? 0 : -1;
    if (rc != 0 && err)
        snprintf(err, errlen, "audit: %s", r ? r->str : c->errstr);
    freeReplyObject(r);
    nq_audit_cmd_free(&cmd);
    return rc;
}
