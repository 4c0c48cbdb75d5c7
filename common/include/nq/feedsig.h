/* nq/feedsig.h — signed webhook deliveries from other systems (pure).
 *
 * Each feed source has a shared secret, configured as
 *   NQ_FEED_SECRETS="erp=secret-of-at-least-16-chars,phone=another-secret..."
 * A delivery carries two headers:
 *   X-Neiqin-Timestamp: 1795737977          (Unix seconds when it was signed)
 *   X-Neiqin-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
 * It is accepted when the signature matches (constant-time compare) and the
 * timestamp is within the tolerance (default 300 s) of the receiver's clock.
 *
 *   char secret[NQ_FEED_SECRET_MAX + 1];
 *   if (nq_feed_secret(spec, "erp", secret, sizeof(secret)) != 0) ... unknown source ...
 *   const char *why;
 *   if (nq_feed_verify(secret, ts, sig, body, len, now_s, 300, &why) != 0) ... 401 why ...
 */
#ifndef NQ_FEEDSIG_H
#define NQ_FEEDSIG_H

#include <stddef.h>
#include <stdint.h>

#define NQ_FEED_SECRET_MIN 16
#define NQ_FEED_SECRET_MAX 128
#define NQ_FEED_SIG_HEX    64 /* hex digits of an HMAC-SHA256 */

/* Check the whole spec "source=secret,...": sources are ids, secrets
 * NQ_FEED_SECRET_MIN..MAX printable characters without ',' and no source
 * twice. "" is valid (no feeds). Returns 0, or -1 with a static reason. */
int nq_feed_secrets_check(const char *spec, const char **why);

/* Copy the secret of `source` from `spec` into buf. Returns 0, or -1 when the
 * source is not configured (or buf is too small). */
int nq_feed_secret(const char *spec, const char *source, char *buf, size_t len);

/* Sign: write "sha256=<hex>" for timestamp + body into out (at least 72
 * bytes). Used by senders (nqctl, tests) and by verify. Returns 0 or -1. */
int nq_feed_sign(const char *secret, const char *timestamp, const char *body, size_t len, char *out,
                 size_t outlen);

/* Verify a delivery. Returns 0, or -1 with a static English reason:
 * missing header, malformed timestamp, timestamp outside the tolerance,
 * malformed signature, signature mismatch. */
int nq_feed_verify(const char *secret, const char *timestamp, const char *signature,
                   const char *body, size_t len, int64_t now_s, int64_t tolerance_s,
                   const char **why);

#endif
