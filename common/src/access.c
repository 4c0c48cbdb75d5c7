/* access.c — user and API key records, and their store. See nq/access.h. */
#include "nq/access.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/roles.h"

/* ---- records ------------------------------------------------------------ */

typedef enum { F_TEXT, F_MS, F_STATUS } ftype_t;

/* One field of a record hash. */
typedef struct field {
    const char *name; /* hash field */
    ftype_t type;     /* how it is read */
    size_t offset;    /* in the record */
    size_t size;      /* of the member (F_TEXT) */
} field_t;

#define UF(f) offsetof(nq_user_t, f), sizeof(((nq_user_t *)0)->f)
#define KF(f) offsetof(nq_apikey_t, f), sizeof(((nq_apikey_t *)0)->f)

static const field_t user_fields[] = {
    {"name", F_TEXT, UF(name)},           {"role", F_TEXT, UF(role)},
    {"teams", F_TEXT, UF(teams)},         {"salesperson", F_TEXT, UF(salesperson)},
    {"status", F_STATUS, UF(disabled)},   {"pwhash", F_TEXT, UF(pwhash)},
    {"created", F_MS, UF(created)},       {"updated", F_MS, UF(updated)},
    {"last_login", F_MS, UF(last_login)},
};

static const field_t key_fields[] = {
    {"id", F_TEXT, KF(id)},
    {"name", F_TEXT, KF(name)},
    {"scope", F_TEXT, KF(scope)},
    {"teams", F_TEXT, KF(teams)},
    {"sources", F_TEXT, KF(sources)},
    {"created", F_MS, KF(created)},
    {"last_used", F_MS, KF(last_used)},
    {"revoked", F_MS, KF(revoked)},
};

#define SF(f) offsetof(nq_session_t, f), sizeof(((nq_session_t *)0)->f)

static const field_t session_fields[] = {
    {"user", F_TEXT, SF(user)},
    {"csrf", F_TEXT, SF(csrf)},
    {"created", F_MS, SF(created)},
    {"expires", F_MS, SF(expires)},
};

/* Set the field named r->str of a record from value v; unknown fields are
 * ignored (a newer writer may add some). */
static int field_set(void *rec, const field_t *fields, size_t n, const redisReply *name,
                     const redisReply *v)
{
    for (size_t i = 0; i < n; i++) {
        const field_t *f = &fields[i];
        if (strlen(f->name) != name->len || memcmp(f->name, name->str, name->len) != 0)
            continue;
        char *at = (char *)rec + f->offset;
        if (f->type == F_TEXT) {
            if (v->len >= f->size || memchr(v->str, '\0', v->len))
                return NQ_ACCESS_EINVAL;
            memcpy(at, v->str, v->len);
            at[v->len] = '\0';
        } else if (f->type == F_MS) {
            *(long long *)at = strtoll(v->str, NULL, 10);
        } else {
            *(bool *)at = strcmp(v->str, "active") != 0;
        }
        return 0;
    }
    return 0;
}

static int record_from_reply(void *rec, const field_t *fields, size_t n, const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 0)
        return NQ_ACCESS_EINVAL;
    if (reply->elements == 0)
        return NQ_ACCESS_ENOENT;
    for (size_t i = 0; i < reply->elements; i += 2) {
        const redisReply *k = reply->element[i], *v = reply->element[i + 1];
        if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            return NQ_ACCESS_EINVAL;
        if (field_set(rec, fields, n, k, v) != 0)
            return NQ_ACCESS_EINVAL;
    }
    return 0;
}

int nq_user_from_reply(nq_user_t *u, const char *id, const redisReply *reply)
{
    char copy[sizeof(u->id)]; /* id may be u->id itself */
    if (strlen(id) >= sizeof(copy))
        return NQ_ACCESS_EINVAL;
    strcpy(copy, id);
    memset(u, 0, sizeof(*u));
    strcpy(u->id, copy);
    return record_from_reply(u, user_fields, sizeof(user_fields) / sizeof(user_fields[0]), reply);
}

int nq_apikey_from_reply(nq_apikey_t *k, const char *hash, const redisReply *reply)
{
    char copy[sizeof(k->hash)]; /* hash may be k->hash itself */
    if (strlen(hash) >= sizeof(copy))
        return NQ_ACCESS_EINVAL;
    strcpy(copy, hash);
    memset(k, 0, sizeof(*k));
    strcpy(k->hash, copy);
    return record_from_reply(k, key_fields, sizeof(key_fields) / sizeof(key_fields[0]), reply);
}

int nq_session_from_reply(nq_session_t *s, const redisReply *reply)
{
    memset(s, 0, sizeof(*s));
    return record_from_reply(s, session_fields, sizeof(session_fields) / sizeof(session_fields[0]),
                             reply);
}

bool nq_teams_valid(const char *teams, const char **why)
{
    char id[NQ_TEAMS_TEXT];
    int n = 0;

    for (const char *p = teams; *p;) {
        size_t len = strcspn(p, ",");
        memcpy(id, p, len < sizeof(id) ? len : 0);
        id[len < sizeof(id) ? len : 0] = '\0';
        if (!nq_valid_id(id)) {
            if (why)
                *why = "teams: every team id " NQ_ID_RULE ", separated by commas";
            return false;
        }
        if (++n > NQ_TEAMS_MAX) {
            if (why)
                *why = "teams: at most 32";
            return false;
        }
        p += len + (p[len] == ',');
        if (p[-1] == ',' && !*p) {
            if (why)
                *why = "teams: every team id " NQ_ID_RULE ", separated by commas";
            return false;
        }
    }
    return true;
}

bool nq_teams_has(const char *teams, const char *team)
{
    size_t tlen = strlen(team);
    for (const char *p = teams; *p;) {
        size_t len = strcspn(p, ",");
        if (len == tlen && memcmp(p, team, len) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

bool nq_password_valid(const char *password, const char **why)
{
    size_t len = strlen(password);
    if (len < NQ_PASSWORD_MIN || len > NQ_PASSWORD_MAX) {
        *why = "password: must be 8-256 bytes";
        return false;
    }
    if (!nq_valid_text(password, NQ_PASSWORD_MAX) || strchr(password, '\n')) {
        *why = "password: must be UTF-8 text without control characters";
        return false;
    }
    return true;
}

/* ---- the store ----------------------------------------------------------- */

long long nq_access_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

__attribute__((format(printf, 4, 5))) static int fail(int code, char *err, size_t errlen,
                                                      const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* A reply that must not be an error; frees it. */
static int checked(redisContext *c, redisReply *r, char *err, size_t errlen)
{
    int rc = 0;
    if (!r)
        rc = fail(NQ_ACCESS_EREDIS, err, errlen, "redis: %s", c->errstr);
    else if (r->type == REDIS_REPLY_ERROR)
        rc = fail(NQ_ACCESS_EREDIS, err, errlen, "redis: %s", r->str);
    freeReplyObject(r);
    return rc;
}

/* A reply of an unexpected type (or an error, or none); frees it. */
static int unexpected(redisContext *c, redisReply *r, char *err, size_t errlen)
{
    if (checked(c, r, err, errlen) == 0)
        fail(NQ_ACCESS_EREDIS, err, errlen, "redis: unexpected reply");
    return NQ_ACCESS_EREDIS;
}

static int hash_password(const char *password, char out[NQ_PWHASH_TEXT], char *err, size_t errlen)
{
    const char *why;
    if (!nq_password_valid(password, &why))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "%s", why);
    if (sodium_init() < 0 ||
        crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return fail(NQ_ACCESS_ENOMEM, err, errlen, "out of memory hashing the password");
    return 0;
}

static int user_check(const nq_user_t *u, char *err, size_t errlen)
{
    const char *why = NULL;
    if (!nq_valid_id(u->id))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "user id: %s", NQ_ID_RULE);
    if (!nq_role_find(u->role))
        return fail(NQ_ACCESS_EINVAL, err, errlen,
                    "role: must be admin, manager, coordinator or salesperson");
    if (!nq_teams_valid(u->teams, &why))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "%s", why);
    if (u->salesperson[0] && !nq_valid_id(u->salesperson))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "salesperson: %s", NQ_ID_RULE);
    if (!nq_valid_text(u->name, NQ_USER_NAME_MAX) || strchr(u->name, '\n'))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "name: at most %d bytes of text",
                    NQ_USER_NAME_MAX);
    return 0;
}

int nq_access_user_add(redisContext *c, const nq_user_t *u, const char *password, char *err,
                       size_t errlen)
{
    char key[128], pwhash[NQ_PWHASH_TEXT];
    int rc = user_check(u, err, errlen);
    if (rc == 0)
        rc = hash_password(password, pwhash, err, errlen);
    if (rc != 0)
        return rc;
    nq_key_user(key, sizeof(key), u->id);
    long long now = nq_access_now_ms();
    /* HSETNX on the status claims the id; the rest follows in one transaction. */
    redisReply *r = redisCommand(c, "HSETNX %s status active", key);
    if (!r || r->type != REDIS_REPLY_INTEGER)
        return unexpected(c, r, err, errlen);
    bool fresh = r->integer == 1;
    freeReplyObject(r);
    if (!fresh)
        return fail(NQ_ACCESS_EEXIST, err, errlen, "user %s exists already", u->id);
    r = redisCommand(c,
                     "HSET %s name %s role %s teams %s salesperson %s pwhash %s created %lld "
                     "updated %lld",
                     key, u->name[0] ? u->name : u->id, u->role, u->teams, u->salesperson, pwhash,
                     now, now);
    sodium_memzero(pwhash, sizeof(pwhash));
    if ((rc = checked(c, r, err, errlen)) != 0)
        return rc;
    return checked(c, redisCommand(c, "SADD %s %s", NQ_KEY_USERS, u->id), err, errlen);
}

int nq_access_user_get(redisContext *c, const char *id, nq_user_t *u, char *err, size_t errlen)
{
    char key[128];
    if (!nq_valid_id(id))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "user id: %s", NQ_ID_RULE);
    nq_key_user(key, sizeof(key), id);
    redisReply *r = redisCommand(c, "HGETALL %s", key);
    if (!r)
        return fail(NQ_ACCESS_EREDIS, err, errlen, "redis: %s", c->errstr);
    int rc = nq_user_from_reply(u, id, r);
    freeReplyObject(r);
    if (rc == NQ_ACCESS_ENOENT)
        return fail(rc, err, errlen, "no user %s", id);
    if (rc != 0)
        return fail(rc, err, errlen, "user %s: unreadable record", id);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Call one(c, id, ...) for every member of the set (SMEMBERS) or field of the
 * hash (HKEYS) `key`, in id order; an id whose record is gone meanwhile
 * (NQ_ACCESS_ENOENT) is skipped. Stops at the first other failure. */
static int each_id(redisContext *c, const char *cmd, const char *key,
                   int (*one)(redisContext *c, const char *id, void *ctx, char *err, size_t errlen),
                   void *ctx, char *err, size_t errlen)
{
    redisReply *r = redisCommand(c, "%s %s", cmd, key);
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return unexpected(c, r, err, errlen);
    char **ids = calloc(r->elements + 1, sizeof(*ids));
    int rc = ids ? 0 : NQ_ACCESS_ENOMEM;
    for (size_t i = 0; ids && i < r->elements; i++)
        ids[i] = r->element[i]->str;
    if (ids)
        qsort(ids, r->elements, sizeof(*ids), cmp_str);
    for (size_t i = 0; ids && ids[i] && rc == 0; i++) {
        rc = one(c, ids[i], ctx, err, errlen);
        if (rc == NQ_ACCESS_ENOENT)
            rc = 0;
    }
    free(ids);
    freeReplyObject(r);
    return rc;
}

/* What a listing calls back. */
typedef struct listing {
    void (*user)(const nq_user_t *u, void *data);  /* users */
    void (*key)(const nq_apikey_t *k, void *data); /* keys */
    void *data;                                    /* theirs */
} listing_t;

static int list_user(redisContext *c, const char *id, void *ctx, char *err, size_t errlen)
{
    const listing_t *l = ctx;
    nq_user_t u;
    int rc = nq_access_user_get(c, id, &u, err, errlen);
    if (rc == 0)
        l->user(&u, l->data);
    return rc;
}

int nq_access_user_list(redisContext *c, void (*fn)(const nq_user_t *u, void *data), void *data,
                        char *err, size_t errlen)
{
    listing_t l = {fn, NULL, data};
    return each_id(c, "SMEMBERS", NQ_KEY_USERS, list_user, &l, err, errlen);
}

/* The HSET of argv (argc words) and INCR of the auth version, in one
 * transaction. */
static int hset_argv_bump(redisContext *c, int argc, const char **argv, char *err, size_t errlen)
{
    int rc = 0;
    redisAppendCommand(c, "MULTI");
    redisAppendCommandArgv(c, argc, argv, NULL);
    redisAppendCommand(c, "INCR %s", NQ_KEY_AUTH_VERSION);
    redisAppendCommand(c, "EXEC");
    for (int i = 0; i < 4; i++) {
        redisReply *r = NULL;
        if (redisGetReply(c, (void **)&r) != REDIS_OK)
            return fail(NQ_ACCESS_EREDIS, err, errlen, "redis: %s", c->errstr);
        if (rc == 0)
            rc = checked(c, r, err, errlen);
        else
            freeReplyObject(r);
    }
    return rc;
}

/* HSET key field value [updated <now>] and INCR the auth version, in one
 * transaction. */
static int hset_bump(redisContext *c, const char *key, const char *field, const char *value,
                     bool stamp, char *err, size_t errlen)
{
    char now[24];
    const char *argv[6] = {"HSET", key, field, value, "updated", now};
    snprintf(now, sizeof(now), "%lld", nq_access_now_ms());
    return hset_argv_bump(c, stamp ? 6 : 4, argv, err, errlen);
}

/* Set a field of an existing user and bump the auth version. */
static int user_update(redisContext *c, const char *id, const char *field, const char *value,
                       char *err, size_t errlen)
{
    nq_user_t u;
    char key[128];
    int rc = nq_access_user_get(c, id, &u, err, errlen);
    if (rc != 0)
        return rc;
    nq_key_user(key, sizeof(key), id);
    return hset_bump(c, key, field, value, true, err, errlen);
}

int nq_access_user_disable(redisContext *c, const char *id, char *err, size_t errlen)
{
    return user_update(c, id, "status", "disabled", err, errlen);
}

int nq_access_user_passwd(redisContext *c, const char *id, const char *password, char *err,
                          size_t errlen)
{
    char pwhash[NQ_PWHASH_TEXT];
    int rc = hash_password(password, pwhash, err, errlen);
    if (rc == 0)
        rc = user_update(c, id, "pwhash", pwhash, err, errlen);
    sodium_memzero(pwhash, sizeof(pwhash));
    return rc;
}

/* The fields of a patch that are set, as HSET arguments into argv (name,
 * value pairs; pwhash already hashed). Returns how many words. */
static int patch_args(const nq_user_patch_t *p, const char *pwhash, const char **argv)
{
    int n = 0;
    const struct {
        const char *field, *value;
    } set[] = {
        {"name", p->name},
        {"role", p->role},
        {"teams", p->teams},
        {"salesperson", p->salesperson},
        {"status", p->status < 0 ? NULL
                   : p->status   ? "disabled"
                                 : "active"},
        {"pwhash", p->password ? pwhash : NULL},
    };
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
        if (!set[i].value)
            continue;
        argv[n++] = set[i].field;
        argv[n++] = set[i].value;
    }
    return n;
}

int nq_access_user_update(redisContext *c, const char *id, const nq_user_patch_t *p,
                          nq_user_t *after, char *err, size_t errlen)
{
    nq_user_t u;
    char key[128], pwhash[NQ_PWHASH_TEXT] = "", now[24];
    const char *argv[2 + 12 + 2];
    int rc = nq_access_user_get(c, id, &u, err, errlen);
    if (rc != 0)
        return rc;
    /* the record as it will be, checked whole */
    const struct {
        char *to;
        size_t size;
        const char *value;
    } copy[] = {
        {u.name, sizeof(u.name), p->name},
        {u.role, sizeof(u.role), p->role},
        {u.teams, sizeof(u.teams), p->teams},
        {u.salesperson, sizeof(u.salesperson), p->salesperson},
    };
    for (size_t i = 0; i < sizeof(copy) / sizeof(copy[0]); i++) {
        if (copy[i].value && strlen(copy[i].value) >= copy[i].size)
            return fail(NQ_ACCESS_EINVAL, err, errlen, "a value is too long");
        if (copy[i].value)
            strcpy(copy[i].to, copy[i].value);
    }
    if (p->name && !p->name[0])
        return fail(NQ_ACCESS_EINVAL, err, errlen, "name: at most %d bytes of text",
                    NQ_USER_NAME_MAX);
    if (p->status >= 0)
        u.disabled = p->status == 1;
    if ((rc = user_check(&u, err, errlen)) != 0)
        return rc;
    if (p->password && (rc = hash_password(p->password, pwhash, err, errlen)) != 0)
        return rc;
    if (p->password)
        snprintf(u.pwhash, sizeof(u.pwhash), "%s", pwhash);
    nq_key_user(key, sizeof(key), id);
    u.updated = nq_access_now_ms();
    snprintf(now, sizeof(now), "%lld", u.updated);
    argv[0] = "HSET";
    argv[1] = key;
    int n = 2 + patch_args(p, pwhash, argv + 2);
    argv[n++] = "updated";
    argv[n++] = now;
    rc = hset_argv_bump(c, n, argv, err, errlen);
    sodium_memzero(pwhash, sizeof(pwhash));
    if (rc == 0 && after)
        *after = u;
    sodium_memzero(u.pwhash, sizeof(u.pwhash));
    return rc;
}

int nq_access_key_put(redisContext *c, const char *key_text, const char *scope, const char *teams,
                      const char *name, nq_apikey_t *rec, char *err, size_t errlen)
{
    nq_apikey_t k = {0};
    const char *why = NULL;
    char key[128];
    if (!key_text || !nq_apikey_well_formed(key_text, strlen(key_text)))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "key: not an API key");
    if (!nq_scope_find(scope))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "scope: must be ingest, read or admin");
    if (!nq_teams_valid(teams, &why))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "%s", why);
    if (!nq_valid_id(name))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "name: %s", NQ_ID_RULE);
    nq_token_hash(key_text, NQ_APIKEY_LEN, k.hash);
    memcpy(k.id, k.hash, NQ_KEY_ID_LEN);
    snprintf(k.name, sizeof(k.name), "%s", name);
    snprintf(k.scope, sizeof(k.scope), "%s", scope);
    snprintf(k.teams, sizeof(k.teams), "%s", teams);
    k.created = nq_access_now_ms();
    nq_key_apikey(key, sizeof(key), k.hash);
    int rc = checked(c,
                     redisCommand(c, "HSET %s id %s name %s scope %s teams %s created %lld", key,
                                  k.id, k.name, k.scope, k.teams, k.created),
                     err, errlen);
    if (rc == 0)
        rc =
            checked(c, redisCommand(c, "HSET %s %s %s", NQ_KEY_APIKEYS, k.id, k.hash), err, errlen);
    if (rc == 0 && rec)
        *rec = k;
    return rc;
}

int nq_access_key_keep(redisContext *c, const char *path, const char *name,
                       char key_out[NQ_APIKEY_LEN + 1], char *err, size_t errlen)
{
    char hash[NQ_TOKEN_HASH_HEX + 1], key[128];
    FILE *f = fopen(path, "r");
    bool have = f && fgets(key_out, NQ_APIKEY_LEN + 1, f) &&
                nq_apikey_well_formed(key_out, strlen(key_out));
    if (f)
        fclose(f);
    if (have) {
        nq_token_hash(key_out, NQ_APIKEY_LEN, hash);
        nq_key_apikey(key, sizeof(key), hash);
        redisReply *r = redisCommand(c, "HMGET %s id revoked", key);
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
            return unexpected(c, r, err, errlen);
        bool known = r->element[0]->type == REDIS_REPLY_STRING;
        bool revoked = r->element[1]->type == REDIS_REPLY_STRING;
        freeReplyObject(r);
        if (known && !revoked)
            return 0;
        if (!known)
            return nq_access_key_put(c, key_out, "admin", "", name, NULL, err, errlen);
    }
    int rc = nq_access_key_create(c, "admin", "", name, key_out, NULL, err, errlen);
    if (rc != 0)
        return rc;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    bool written = f && fprintf(f, "%s\n", key_out) > 0;
    if (f ? fclose(f) != 0 : (fd >= 0 && close(fd) != 0))
        written = false;
    if (!written)
        return fail(NQ_ACCESS_EINVAL, err, errlen, "%s: cannot write the key: %s", path,
                    strerror(errno));
    return 0;
}

int nq_access_key_create(redisContext *c, const char *scope, const char *teams, const char *name,
                         char key_out[NQ_APIKEY_LEN + 1], nq_apikey_t *rec, char *err,
                         size_t errlen)
{
    nq_apikey_new(key_out);
    int rc = nq_access_key_put(c, key_out, scope, teams, name, rec, err, errlen);
    if (rc != 0)
        sodium_memzero(key_out, NQ_APIKEY_LEN + 1);
    return rc;
}

/* The hash of key `id`, from the index. */
static int key_hash(redisContext *c, const char *id, char hash[NQ_TOKEN_HASH_HEX + 1], char *err,
                    size_t errlen)
{
    if (!nq_valid_id(id))
        return fail(NQ_ACCESS_EINVAL, err, errlen, "key id: %s", NQ_ID_RULE);
    redisReply *r = redisCommand(c, "HGET %s %s", NQ_KEY_APIKEYS, id);
    int rc = 0;
    if (!r || r->type == REDIS_REPLY_ERROR)
        return checked(c, r, err, errlen);
    if (r->type != REDIS_REPLY_STRING || r->len != NQ_TOKEN_HASH_HEX)
        rc = fail(NQ_ACCESS_ENOENT, err, errlen, "no API key %s", id);
    else
        memcpy(hash, r->str, NQ_TOKEN_HASH_HEX + 1);
    freeReplyObject(r);
    return rc;
}

static int list_key(redisContext *c, const char *id, void *ctx, char *err, size_t errlen)
{
    const listing_t *l = ctx;
    char hash[NQ_TOKEN_HASH_HEX + 1], key[128];
    nq_apikey_t k;
    int rc = key_hash(c, id, hash, err, errlen);
    if (rc != 0)
        return rc;
    nq_key_apikey(key, sizeof(key), hash);
    redisReply *h = redisCommand(c, "HGETALL %s", key);
    rc = h ? nq_apikey_from_reply(&k, hash, h) : NQ_ACCESS_EREDIS;
    freeReplyObject(h);
    if (rc == 0)
        l->key(&k, l->data);
    else if (rc != NQ_ACCESS_ENOENT)
        fail(rc, err, errlen, "API key %s: unreadable record", id);
    return rc;
}

int nq_access_key_list(redisContext *c, void (*fn)(const nq_apikey_t *k, void *data), void *data,
                       char *err, size_t errlen)
{
    listing_t l = {NULL, fn, data};
    return each_id(c, "HKEYS", NQ_KEY_APIKEYS, list_key, &l, err, errlen);
}

int nq_access_key_sources(redisContext *c, const char *id, const char *sources, char *err,
                          size_t errlen)
{
    char hash[NQ_TOKEN_HASH_HEX + 1], key[128];
    const char *why = NULL;
    if (!sources || !nq_teams_valid(sources, &why))
        return fail(NQ_ACCESS_EINVAL, err, errlen,
                    "sources: every source " NQ_ID_RULE ", at most 32, separated by commas");
    int rc = key_hash(c, id, hash, err, errlen);
    if (rc != 0)
        return rc;
    nq_key_apikey(key, sizeof(key), hash);
    return hset_bump(c, key, "sources", sources, false, err, errlen);
}

int nq_access_key_revoke(redisContext *c, const char *id, char *err, size_t errlen)
{
    char hash[NQ_TOKEN_HASH_HEX + 1], key[128];
    int rc = key_hash(c, id, hash, err, errlen);
    if (rc != 0)
        return rc;
    char now[24];
    snprintf(now, sizeof(now), "%lld", nq_access_now_ms());
    nq_key_apikey(key, sizeof(key), hash);
    return hset_bump(c, key, "revoked", now, false, err, errlen);
}
