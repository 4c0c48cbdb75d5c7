/* nq/redis_acl.h — Redis ACL users of the suite, one per service.
 *
 * Each service reaches Redis as its own user (NQ_REDIS_USER, "nq-ingest" ...)
 * with its own password (NQ_REDIS_PASSWORD). A user may run the commands of
 * its work and no administrative or dangerous one (FLUSHALL, CONFIG, ACL,
 * KEYS, DEBUG, SHUTDOWN, ...); it writes only the key families of nq/keys.h
 * its service writes (or names in a script that writes) and reads only those
 * plus the families it reads (the gateway reads every family of the suite;
 * docs/operations.md has the table). The `default` user is
 * the operator's (nqctl user/apikey, the supervisor): every command, every
 * key, behind its own password.
 *
 * Passwords are made once into a directory, `<user>.password` (mode 0600);
 * the ACL file Redis loads (`--aclfile`) holds only their SHA-256.
 *
 *   nq_redis_acl_passwords(dir, err, sizeof(err));   // the missing ones
 *   FILE *f = fopen("users.acl", "w");
 *   nq_redis_acl_write(f, dir, err, sizeof(err));
 *   nq_redis_acl_password(dir, "nq-gateway", pw, sizeof(pw));
 */
#ifndef NQ_REDIS_ACL_H
#define NQ_REDIS_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define NQ_REDIS_ACL_ADMIN    "default" /* the operator's user */
#define NQ_REDIS_PASSWORD_LEN 64        /* hex characters of a password */

/* The Redis user of process `name` ("nq-gateway" -> "nq-gateway"), NULL when
 * `name` is not a service of the suite. */
const char *nq_redis_acl_user_of(const char *name);

/* Whether user `user` may read (write false) or write `key`, by the same
 * patterns the ACL file gives Redis (matched here with fnmatch, whose globs
 * agree with Redis's for the ones used). False for an unknown user. */
bool nq_redis_acl_may(const char *user, const char *key, bool write);

/* Make a password for every user (the services' and the operator's) that
 * has none in `dir` (made 0700 when missing). Returns how many were made,
 * or -1 with the reason in err. */
int nq_redis_acl_passwords(const char *dir, char *err, size_t errlen);

/* Read user `user`'s password from `dir` into buf (at least
 * NQ_REDIS_PASSWORD_LEN + 1 bytes). Returns 0 or -1 with the reason. */
int nq_redis_acl_password(const char *dir, const char *user, char *buf, size_t len, char *err,
                          size_t errlen);

/* Write the ACL file's lines (one `user` line per user) to `out`, with the
 * passwords of `dir` as SHA-256, or with `<password>` placeholders when dir
 * is NULL (to read what each user may do). Returns 0 or -1 with the reason. */
int nq_redis_acl_write(FILE *out, const char *dir, char *err, size_t errlen);

#endif
