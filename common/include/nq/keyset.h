/* nq/keyset.h — a salesperson's key customers over time.
 *
 * nq-customers keeps the key customers a salesperson owns now
 * (nq:{sp:<id>}:key_customers, a SET) and a log of every change to that set
 * (nq:{sp:<id>}:key_log, a ZSET): score = when the change takes effect
 * (Unix ms), member = a NQ_KEYSET_SEQ_DIGITS-digit sequence number, '+' or
 * '-', the customer id ("000000000007+c-1"). The sequence number orders
 * changes that take effect in the same millisecond. Both keys carry the
 * salesperson's hash tag; the log is never trimmed, and a rebuild never
 * touches either (they are org history, not aggregates of the activity log).
 *
 * The key customers at an instant T are the set now, corrected by the
 * changes that take effect at or after T: for a customer with such changes,
 * the first one says whether it was a key customer at T ('-': it was, and
 * left later; '+': it was not, and came later). A period's key customers
 * are those at its end (for a period not over yet, those of now), so a
 * change never moves a period that ended before it takes effect.
 *
 * The scripts that change and read them are common/lua/keyset_change.lua
 * and keyset_at_end.lua (nq/scripts.h; both are given NQ_KEYSET_SEQ_DIGITS).
 *
 *   nq_keyset_at_end(live_n, live_hit, changes, n, &key_n, &key_hit);  // from at_end's reply
 */
#ifndef NQ_KEYSET_H
#define NQ_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NQ_KEYSET_SEQ_DIGITS 12

/* One logged change, with what the read found about its customer. */
typedef struct nq_keyset_change {
    const char *customer; /* borrowed from the log member, not NUL-terminated */
    size_t len;           /* its length */
    bool added;           /* '+': became a key customer; '-': stopped being one */
    bool in_live;         /* is a key customer now */
    bool visited;         /* was visited in the period */
} nq_keyset_change_t;

/* Parse a log member of `len` bytes: customer (pointing into member), len
 * and added. Returns 0, or -1 when it is not a log member. */
int nq_keyset_parse(const char *member, size_t len, nq_keyset_change_t *out);

/* The key customers at the end of a period (*key_n) and how many of them
 * were visited in it (*key_hit), from the set now (live_n members, live_hit
 * of them visited) and the n changes that take effect at or after the end,
 * oldest first: a customer's first change decides. Returns 0, or -1 when
 * out of memory (outputs untouched). */
int nq_keyset_at_end(int64_t live_n, int64_t live_hit, const nq_keyset_change_t *changes, size_t n,
                     int64_t *key_n, int64_t *key_hit);

#endif
