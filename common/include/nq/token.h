/* nq/token.h — secrets of sign-in: API keys, session ids, CSRF tokens, and
 * how they travel (Authorization: Bearer, the Cookie header).
 *
 * A token is 256 random bits written as 43 characters of unpadded base64url;
 * an API key is "nq_" followed by a token. Only a token's SHA-256 (hex) is
 * ever stored: for 256-bit random secrets a fast hash is enough (nothing to
 * guess), and the hash names the Redis key (nq/keys.h).
 *
 *   char key[NQ_APIKEY_LEN + 1], hash[NQ_TOKEN_HASH_HEX + 1];
 *   nq_apikey_new(key);                        // show once
 *   nq_token_hash(key, strlen(key), hash);     // store under this
 *
 * The parsers are pure and take untrusted text.
 */
#ifndef NQ_TOKEN_H
#define NQ_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define NQ_TOKEN_BYTES    32             /* random bytes in a token */
#define NQ_TOKEN_LEN      43             /* their unpadded base64url */
#define NQ_APIKEY_PREFIX  "nq_"          /* every API key starts so */
#define NQ_APIKEY_LEN     (3 + 43)       /* "nq_" + a token */
#define NQ_TOKEN_HASH_HEX 64             /* SHA-256 in hex */
#define NQ_KEY_ID_LEN     12             /* a key's public id: the first hex digits of its hash */
#define NQ_COOKIE_SESSION "nq_session"   /* the session cookie */
#define NQ_COOKIE_CSRF    "nq_csrf"      /* the CSRF cookie the page reads (double submit) */
#define NQ_HEADER_CSRF    "X-CSRF-Token" /* where a cookie write repeats it */

/* Write a new random token (NQ_TOKEN_LEN chars + NUL) into out. */
void nq_token_new(char out[NQ_TOKEN_LEN + 1]);

/* Write a new API key (NQ_APIKEY_LEN chars + NUL) into out. */
void nq_apikey_new(char out[NQ_APIKEY_LEN + 1]);

/* Is s[0..len) a token: exactly NQ_TOKEN_LEN base64url characters that
 * decode to NQ_TOKEN_BYTES? */
bool nq_token_well_formed(const char *s, size_t len);

/* Is s[0..len) an API key: "nq_" + a well-formed token? */
bool nq_apikey_well_formed(const char *s, size_t len);

/* SHA-256 of s[0..len) in lower-case hex (NQ_TOKEN_HASH_HEX chars + NUL). */
void nq_token_hash(const char *s, size_t len, char out[NQ_TOKEN_HASH_HEX + 1]);

/* The credential of an Authorization header "Bearer <credential>" (scheme
 * case-insensitive, one or more spaces). Returns its length with *cred
 * pointing into header, or -1 when the header is not of that form. */
int nq_bearer(const char *header, const char **cred);

/* The value of cookie `name` in a Cookie header ("a=1; nq_session=xyz"),
 * copied NUL-terminated into buf. Returns its length, or -1 when absent,
 * empty, or longer than len-1. The first occurrence wins. */
int nq_cookie_get(const char *header, const char *name, char *buf, size_t len);

/* Constant-time equality of two NUL-terminated strings (time depends only
 * on their lengths). */
bool nq_token_equal(const char *a, const char *b);

#endif
