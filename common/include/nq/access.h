/* nq/access.h — users and API keys: their records in Redis, and the store
 * that nqctl (and the test harness) write them with.
 *
 * A user (nq:user:<id>) has a display name, a role (nq/roles.h), the teams
 * they coordinate or manage, the salesperson id they are (salespeople), a
 * status, and an argon2id password hash (libsodium crypto_pwhash_str). An
 * API key (nq:apikey:<SHA-256 of the key>) has a public id (the first
 * NQ_KEY_ID_LEN hex digits of that hash), a name, a scope, optional teams,
 * and created / last_used / revoked times. The key itself is shown once and
 * never stored (nq/token.h).
 *
 * Every change that may withdraw access (disable, passwd, revoke) bumps
 * nq:auth:version in the same transaction; gateways poll it and drop what
 * they cached (so a revoked key stops working within a second).
 *
 * The record parsers are pure (they read an HGETALL reply); the store
 * functions block on a hiredis redisContext and return 0 or a negative
 * NQ_ACCESS_E* code, with a reason in `err` when given.
 *
 *   redisContext *c = redisConnect("127.0.0.1", 6390);
 *   nq_user_t u = {0};
 *   snprintf(u.id, sizeof(u.id), "admin");
 *   snprintf(u.role, sizeof(u.role), "admin");
 *   nq_access_user_add(c, &u, "a long password", err, sizeof(err));
 *   char key[NQ_APIKEY_LEN + 1];
 *   nq_access_key_create(c, "ingest", "", "erp", key, NULL, err, sizeof(err));
 */
#ifndef NQ_ACCESS_H
#define NQ_ACCESS_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/token.h"

#define NQ_USER_NAME_MAX 128 /* display name, bytes of UTF-8 */
#define NQ_TEAMS_MAX     32  /* teams of a user or key */
#define NQ_TEAMS_TEXT    (NQ_TEAMS_MAX * 65)
#define NQ_PASSWORD_MIN  8   /* bytes */
#define NQ_PASSWORD_MAX  256 /* bytes: longer is refused, not cut */
#define NQ_PWHASH_TEXT   128 /* crypto_pwhash_STRBYTES */
#define NQ_ROLE_TEXT     16

enum {
    NQ_ACCESS_EINVAL = -1, /* bad argument (the reason says which) */
    NQ_ACCESS_EREDIS = -2, /* Redis failed */
    NQ_ACCESS_ENOENT = -3, /* no such user or key */
    NQ_ACCESS_EEXIST = -4, /* the user exists already */
    NQ_ACCESS_ENOMEM = -5, /* out of memory (hashing) */
};

typedef struct nq_user {
    char id[65];                     /* nq_valid_id */
    char name[NQ_USER_NAME_MAX + 1]; /* display name; the id when none was given */
    char role[NQ_ROLE_TEXT];         /* a row of nq_roles() */
    char teams[NQ_TEAMS_TEXT];       /* comma-separated team ids, "" for none */
    char salesperson[65];            /* the salesperson they are, "" for none */
    bool disabled;                   /* status: active / disabled */
    char pwhash[NQ_PWHASH_TEXT];     /* argon2id string, "" when no password is set */
    long long created;               /* Unix ms */
    long long updated;               /* Unix ms */
    long long last_login;            /* Unix ms, 0 never */
} nq_user_t;

typedef struct nq_apikey {
    char id[NQ_KEY_ID_LEN + 1];       /* public id */
    char hash[NQ_TOKEN_HASH_HEX + 1]; /* SHA-256 of the key */
    char name[65];                    /* what it is for ("erp") */
    char scope[NQ_ROLE_TEXT];         /* a row of nq_scopes() */
    char teams[NQ_TEAMS_TEXT];        /* comma-separated, "" = every team */
    char sources[NQ_TEAMS_TEXT];      /* ingest: event sources it may write, "" = any */
    long long created;                /* Unix ms */
    long long last_used;              /* Unix ms, 0 never (kept to the second) */
    long long revoked;                /* Unix ms, 0 live */
} nq_apikey_t;

/* A signed-in session (nq:session:<SHA-256 of its id>). */
typedef struct nq_session {
    char user[65];               /* the user's id */
    char csrf[NQ_TOKEN_LEN + 1]; /* the token cookie writes must repeat */
    long long created;           /* Unix ms */
    long long expires;           /* Unix ms: the absolute end */
} nq_session_t;

/* Fill `s` from an HGETALL reply of a session key; like nq_user_from_reply. */
int nq_session_from_reply(nq_session_t *s, const redisReply *reply);

/* Fill `u` (id given) from an HGETALL reply of nq:user:<id>. Returns 0, or
 * NQ_ACCESS_ENOENT for an empty reply, NQ_ACCESS_EINVAL when the reply is
 * not a field/value array or a field does not fit. */
int nq_user_from_reply(nq_user_t *u, const char *id, const redisReply *reply);

/* The same for an API key (the hash given). */
int nq_apikey_from_reply(nq_apikey_t *k, const char *hash, const redisReply *reply);

/* Is `teams` a comma-separated list of at most NQ_TEAMS_MAX valid ids (or
 * empty)? On false, why (if not NULL) says what is wrong. */
bool nq_teams_valid(const char *teams, const char **why);

/* Is `team` one of the comma-separated `teams`? */
bool nq_teams_has(const char *teams, const char *team);

/* Is the password acceptable (NQ_PASSWORD_MIN..NQ_PASSWORD_MAX bytes of
 * UTF-8)? On false, why says what is wrong. */
bool nq_password_valid(const char *password, const char **why);

/* ---- the store (blocking) ------------------------------------------------ */

/* Create user u->id (role, teams, salesperson, name from u) with a password
 * (hashed here, argon2id at libsodium's interactive limits). Refuses an
 * existing id (NQ_ACCESS_EEXIST). */
int nq_access_user_add(redisContext *c, const nq_user_t *u, const char *password, char *err,
                       size_t errlen);

/* Read user `id`. */
int nq_access_user_get(redisContext *c, const char *id, nq_user_t *u, char *err, size_t errlen);

/* Call fn for every user, in id order. */
int nq_access_user_list(redisContext *c, void (*fn)(const nq_user_t *u, void *data), void *data,
                        char *err, size_t errlen);

/* Disable user `id` (their sessions stop working within a second). */
int nq_access_user_disable(redisContext *c, const char *id, char *err, size_t errlen);

/* Set user `id`'s password. */
int nq_access_user_passwd(redisContext *c, const char *id, const char *password, char *err,
                          size_t errlen);

/* What nq_access_user_update changes: each non-NULL member is set (status:
 * -1 unchanged, 0 active, 1 disabled). */
typedef struct nq_user_patch {
    const char *name;        /* display name, 1..NQ_USER_NAME_MAX bytes */
    const char *role;        /* a row of nq_roles() */
    const char *teams;       /* comma-separated team ids, "" for none */
    const char *salesperson; /* the salesperson they are, "" for none */
    int status;              /* -1, 0 active, 1 disabled */
    const char *password;    /* a new password (hashed here) */
} nq_user_patch_t;

/* Change user `id` as `p` says, checked like nq_access_user_add, in one
 * transaction that also bumps nq:auth:version (so a role, teams or status
 * changed, or a password reset, reaches every gateway within a second). The
 * user as stored afterwards goes into `after` when not NULL. NQ_ACCESS_ENOENT
 * for an unknown user. */
int nq_access_user_update(redisContext *c, const char *id, const nq_user_patch_t *p,
                          nq_user_t *after, char *err, size_t errlen);

/* Create an API key of `scope` for `teams` ("" = all) named `name`; the key
 * is written into key_out (show it once), its record into rec when not NULL. */
int nq_access_key_create(redisContext *c, const char *scope, const char *teams, const char *name,
                         char key_out[NQ_APIKEY_LEN + 1], nq_apikey_t *rec, char *err,
                         size_t errlen);

/* Store the record of a key made elsewhere (`key`, well formed), as create
 * does: for restoring a known key (the test harness after a Redis restart). */
int nq_access_key_put(redisContext *c, const char *key, const char *scope, const char *teams,
                      const char *name, nq_apikey_t *rec, char *err, size_t errlen);

/* The admin key a tool keeps in file `path` for its own requests (the run
 * command's and the benchmark's): the file's key when Redis knows it and it
 * is not revoked; stored again when Redis does not know it (a fresh Redis);
 * otherwise a new key of scope admin named `name`, written to the file (mode
 * 0600). The key goes into key_out. */
int nq_access_key_keep(redisContext *c, const char *path, const char *name,
                       char key_out[NQ_APIKEY_LEN + 1], char *err, size_t errlen);

/* Limit key `id` to the comma-separated event sources `sources` (ids, at
 * most NQ_TEAMS_MAX; "" lifts the limit): an event it sends must name one of
 * them. Gateways follow within a second. */
int nq_access_key_sources(redisContext *c, const char *id, const char *sources, char *err,
                          size_t errlen);

/* Call fn for every key (revoked ones too), in id order. */
int nq_access_key_list(redisContext *c, void (*fn)(const nq_apikey_t *k, void *data), void *data,
                       char *err, size_t errlen);

/* Revoke key `id` (it stops working within a second). */
int nq_access_key_revoke(redisContext *c, const char *id, char *err, size_t errlen);

/* Unix ms now (wall clock). */
long long nq_access_now_ms(void);

#endif
