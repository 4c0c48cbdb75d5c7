/* gateway/accessdoc.h — users and API keys as the admin API reads and writes
 * them (pure): the bodies of POST /api/v1/users, PATCH /api/v1/users/{id} and
 * POST /api/v1/apikeys checked member by member (every error names its
 * field), and the JSON of a user or key. A password hash or a key's hash
 * never reaches the JSON.
 *
 *   nq_user_t u; char pw[NQ_PASSWORD_MAX + 1]; nq_field_errors_t errs = {0};
 *   if (access_user_parse(body, &u, pw, &errs) != 0) -> 400 with errs
 *   nq_access_user_add(c, &u, pw, ...);
 *   json_t *j = access_user_json(&u);
 */
#ifndef NQ_GATEWAY_ACCESSDOC_H
#define NQ_GATEWAY_ACCESSDOC_H

#include <jansson.h>

#include "nq/access.h"
#include "nq/fielderr.h"

/* A PATCH of a user: p's members point into the buffers here. */
typedef struct access_patch {
    nq_user_patch_t p;                  /* what changes */
    char name[NQ_USER_NAME_MAX + 1];    /* display name */
    char role[NQ_ROLE_TEXT];            /* role */
    char teams[NQ_TEAMS_TEXT];          /* team ids joined by commas */
    char salesperson[NQ_ID_MAX + 1];    /* salesperson id, "" none */
    char status[16];                    /* "active" / "disabled" as sent */
    char password[NQ_PASSWORD_MAX + 1]; /* new password */
} access_patch_t;

/* What a new API key is asked to be. */
typedef struct access_key_in {
    char name[NQ_ID_MAX + 1];    /* what it is for ("erp") */
    char scope[NQ_ROLE_TEXT];    /* ingest, read, admin */
    char teams[NQ_TEAMS_TEXT];   /* team ids joined by commas, "" every team */
    char sources[NQ_TEAMS_TEXT]; /* event sources it may write, "" any */
} access_key_in_t;

/* POST /api/v1/users: {"id", "name"?, "role", "teams"?: [ids], "salesperson_id"?,
 * "password"} into u and password (NQ_PASSWORD_MAX + 1 bytes). Returns 0, or
 * -1 with errs filled. */
int access_user_parse(const json_t *body, nq_user_t *u, char *password, nq_field_errors_t *errs);

/* PATCH /api/v1/users/{id}: any of "name", "role", "teams", "salesperson_id"
 * (null or "" clears it), "status" ("active", "disabled"), "password".
 * `self` is the caller's user id ("" for a key): nobody disables or demotes
 * their own user. Returns 0; -1 with errs filled; -2 for a patch that
 * changes nothing ({}). */
int access_patch_parse(const json_t *body, const char *id, const char *self, access_patch_t *out,
                       nq_field_errors_t *errs);

/* POST /api/v1/apikeys: {"name", "scope", "teams"?: [ids], "sources"?: [ids]}. */
int access_key_parse(const json_t *body, access_key_in_t *k, nq_field_errors_t *errs);

/* {"id","name","role","teams":[...],"salesperson_id","status","created_at",
 * "updated_at","last_login_at"}: times RFC 3339 or null. New reference. */
json_t *access_user_json(const nq_user_t *u);

/* {"id","name","scope","teams":[...],"sources":[...],"status":"live"|"revoked",
 * "created_at","last_used_at","revoked_at"}. New reference. */
json_t *access_key_json(const nq_apikey_t *k);

#endif
