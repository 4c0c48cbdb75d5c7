/* nq/audit.h — the audit log: one entry per write, in the stream nq:audit.
 *
 * The gateway appends an entry for every write request it answers (whoever
 * handled it), nqctl for every user and API key it changes. An entry says
 * who (actor "user:<id>", "key:<id>" or "nqctl:<login>", and a display
 * name), when (the stream id and `at`, Unix ms), what (method, path, subject
 * kind and id), the status answered, the client address, and two documents:
 * "before", the record as stored before the write (gateway/auditbefore.h;
 * absent for writes without one), and "after", the document the write sent
 * (the request body: a PUT's new record, a PATCH's changed members). Of
 * each its SHA-256 and length (before_sha256, before_len; body_sha256,
 * body_len) and, when it is JSON of at most NQ_AUDIT_DOC_MAX bytes, the
 * document itself with every member whose name speaks of a secret
 * (password, token, key, cookie, ...) replaced by "[redacted]". Headers
 * (Authorization, Cookie) are never read.
 *
 * Old entries go as new ones come: each XADD carries MINID ~ now minus the
 * retention (no scans).
 *
 *   nq_audit_entry_t e = {.actor = "user:ana", .method = "PUT", ...};
 *   nq_audit_cmd_t cmd;
 *   if (nq_audit_cmd_build(&cmd, &e, nq_now_ms(), 400) == 0) {
 *       redisCommandArgv(c, cmd.argc, cmd.argv, cmd.lens);   // or nq_redis_commandv
 *       nq_audit_cmd_free(&cmd);
 *   }
 *
 * Everything here is pure but nq_audit_append_sync.
 */
#ifndef NQ_AUDIT_H
#define NQ_AUDIT_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NQ_AUDIT_DOC_MAX  4096 /* bodies up to this are kept (redacted); larger: digest only */
#define NQ_AUDIT_ARGS     40   /* XADD words at most */
#define NQ_AUDIT_SUBJECT  96   /* bytes of a subject kind */
#define NQ_AUDIT_REDACTED "[redacted]"

/* One write, as its author describes it. Every string is borrowed; NULL is "". */
typedef struct nq_audit_entry {
    const char *actor;      /* "user:<id>", "key:<id>", "nqctl:<login>" */
    const char *actor_name; /* display name, or the key's name */
    const char *method;     /* "PUT", ... (nqctl: the command, "user add") */
    const char *path;       /* the request path without its query ("" for nqctl) */
    const char *subject;    /* subject kind ("teams", "teams.scorecard", "users") */
    const char *subject_id; /* the subject's id(s), "t1" or "sp1/2026-11", or "" */
    int status;             /* HTTP status answered; 0 when the client left first */
    const char *client;     /* client address, "" when none */
    const char *body;       /* request body (may hold secrets: only digested/redacted) */
    size_t body_len;        /* its length */
    const char *before;     /* the record before the write (JSON text), or NULL */
    size_t before_len;      /* its length */
} nq_audit_entry_t;

/* A document's fields in an entry. */
typedef struct nq_audit_doc {
    char sha[65]; /* SHA-256, hex */
    char len[24]; /* length */
    char *text;   /* the redacted document, or NULL (owned) */
} nq_audit_doc_t;

/* The XADD of one entry: argv/lens point into this struct (and `after`). */
typedef struct nq_audit_cmd {
    int argc;
    const char *argv[NQ_AUDIT_ARGS];
    size_t lens[NQ_AUDIT_ARGS];
    char minid[24];        /* now - retention, ms */
    char at[24];           /* now, ms */
    char status[12];       /* the status as text */
    nq_audit_doc_t body;   /* the request body: body_sha256, body_len, after */
    nq_audit_doc_t before; /* the record before: before_sha256, before_len, before */
} nq_audit_cmd_t;

/* Build the XADD of e at now_ms, trimming entries older than retention_days.
 * Returns 0 (free with nq_audit_cmd_free), or -1 out of memory. */
int nq_audit_cmd_build(nq_audit_cmd_t *cmd, const nq_audit_entry_t *e, int64_t now_ms,
                       int64_t retention_days);
void nq_audit_cmd_free(nq_audit_cmd_t *cmd);

/* Does a JSON member of this name hold a secret? (password, secret, token,
 * key, cookie, authorization, csrf, signature, credential, webhook, pwhash,
 * in any case) */
bool nq_audit_secret_name(const char *name);

/* The JSON body with every secret member redacted (at any depth), compact,
 * as a new string; NULL when the body is not JSON, is over NQ_AUDIT_DOC_MAX
 * bytes, or memory runs out. */
char *nq_audit_redact(const char *body, size_t len);

/* The subject kind of a route pattern: its literal segments after /api/v1/
 * joined by '.' ("/api/v1/teams/:id/scorecard" -> "teams.scorecard"). */
void nq_audit_subject(const char *pattern, char *buf, size_t len);

/* Append e now (blocking). Returns 0, or -1 with Redis's reason in err. */
int nq_audit_append_sync(redisContext *c, const nq_audit_entry_t *e, int64_t retention_days,
                         char *err, size_t errlen);

#endif
