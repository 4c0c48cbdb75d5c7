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
 * Both scripts below touch only the keys in their KEYS.
 *
 *   NQ_KEYSET_LUA_CHANGE   KEYS: set, log. ARGV: "+" or "-", customer, effective ms.
 *   NQ_KEYSET_LUA_AT_END   KEYS: set, log, visited sets. ARGV: end ms.
 *   nq_keyset_at_end(live_n, live_hit, changes, n, &key_n, &key_hit);  // from its reply
 */
#ifndef NQ_KEYSET_H
#define NQ_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NQ_KEYSET_SEQ_DIGITS 12

#define NQ_KEYSET_STR_(x) #x
#define NQ_KEYSET_STR(x)  NQ_KEYSET_STR_(x)

/* KEYS[1] the key customers now, KEYS[2] their log. ARGV: "+" (add) or "-"
 * (remove), the customer id, when the change takes effect (Unix ms). Changes
 * the set and, when that changed anything, logs it. Returns 1 when it
 * changed the set, 0 when there was nothing to change. */
#define NQ_KEYSET_LUA_CHANGE                                                                       \
    "local moved\n"                                                                                \
    "if ARGV[1] == '+' then moved = redis.call('SADD', KEYS[1], ARGV[2])\n"                        \
    "else moved = redis.call('SREM', KEYS[1], ARGV[2]) end\n"                                      \
    "if moved == 1 then\n"                                                                         \
    "  local seq = redis.call('ZCARD', KEYS[2]) + 1\n"                                             \
    "  redis.call('ZADD', KEYS[2], ARGV[3],\n"                                                     \
    "    string.format('%0" NQ_KEYSET_STR(                                                         \
        NQ_KEYSET_SEQ_DIGITS) "d', seq) .. ARGV[1] .. ARGV[2])\n"                                  \
                              "end\n"                                                              \
                              "return moved\n"

/* KEYS[1] the key customers now, KEYS[2] their log, KEYS[3..] the visited
 * sets of a period's parts. ARGV[1] the period's end (Unix ms, exclusive).
 * Returns the facts nq_keyset_at_end works from: {key customers now, of
 * them visited in the period, then per change taking effect at or after the
 * end, oldest first: its log member, 1/0 its customer is a key customer now,
 * 1/0 it was visited in the period}. Read-only (EVAL_RO). */
#define NQ_KEYSET_LUA_AT_END                                                                       \
    "local function visited(c)\n"                                                                  \
    "  for i = 3, #KEYS do\n"                                                                      \
    "    if redis.call('SISMEMBER', KEYS[i], c) == 1 then return 1 end\n"                          \
    "  end\n"                                                                                      \
    "  return 0\n"                                                                                 \
    "end\n"                                                                                        \
    "local seen, hit = {}, 0\n"                                                                    \
    "for i = 3, #KEYS do\n"                                                                        \
    "  for _, m in ipairs(redis.call('SINTER', KEYS[1], KEYS[i])) do\n"                            \
    "    if not seen[m] then seen[m] = true; hit = hit + 1 end\n"                                  \
    "  end\n"                                                                                      \
    "end\n"                                                                                        \
    "local out = {redis.call('SCARD', KEYS[1]), hit}\n"                                            \
    "for _, m in ipairs(redis.call('ZRANGE', KEYS[2], ARGV[1], '+inf', 'BYSCORE')) do\n"           \
    "  local c = string.sub(m, " NQ_KEYSET_STR(                                                    \
        NQ_KEYSET_SEQ_DIGITS) " + 2)\n"                                                            \
                              "  out[#out + 1] = m\n"                                              \
                              "  out[#out + 1] = redis.call('SISMEMBER', KEYS[1], c)\n"            \
                              "  out[#out + 1] = visited(c)\n"                                     \
                              "end\n"                                                              \
                              "return out\n"

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
