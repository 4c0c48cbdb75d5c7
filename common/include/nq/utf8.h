/* nq/utf8.h — the one UTF-8 decoder: the validators, the log, the JSON
 * answers, the gateway's fast JSON path and nqctl's imports use it.
 *
 * Valid means what jansson and JSON take: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF.
 *
 *   char reason[160];
 *   nq_utf8_clean(reason, sizeof(reason), parser_text);   // safe to put in JSON
 */
#ifndef NQ_UTF8_H
#define NQ_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The replacement character written for each invalid byte. */
#define NQ_UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Length (1..4) of the valid UTF-8 sequence at p, of which `avail` bytes may
 * be read (avail >= 1), with its code point in *cp (may be NULL); 0 when the
 * bytes there are not one (bad lead byte, bad or missing continuation,
 * overlong, surrogate, > U+10FFFF). A NUL byte is a sequence of length 1. */
size_t nq_utf8_seq(const char *p, size_t avail, uint32_t *cp);

/* Whether the `avail` bytes at p (avail >= 1) are the valid start of a
 * sequence that the end cuts short: more bytes could complete it (a text
 * read in blocks, a reason cut to fit). */
bool nq_utf8_cut(const char *p, size_t avail);

/* Whether the n bytes at s are valid UTF-8 throughout (n = 0: true). */
bool nq_utf8_valid(const char *s, size_t n);

/* Copy the NUL-terminated src into dst (size bytes, size >= 1; always
 * NUL-terminated) as valid UTF-8: each byte of src that does not start a
 * valid sequence becomes U+FFFD, and the copy ends before a character that
 * does not fit whole. Returns the length written. src NULL copies "". */
size_t nq_utf8_clean(char *dst, size_t size, const char *src);

#endif
