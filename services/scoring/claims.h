/* services/scoring/claims.h — the scripts that keep applies exactly once.
 *
 * A scorer applies a batch of log entries as one transaction (scorer.c,
 * batch_sum): WATCH the claims counter, run the guard, then MULTI, the
 * batch's counters and XACK, EXEC. Entries change hands only by a reclaim,
 * which bumps the counter; so does a guard that finds an entry no longer
 * this scorer's. Either way EXEC applies nothing (WATCH), and the scorer
 * sums again what is still its own. Both are macros so that tests run the
 * very scripts the scorer runs (tests/integration/test_claims.c).
 */
#ifndef NQ_SCORING_CLAIMS_H
#define NQ_SCORING_CLAIMS_H

/* The guard. KEYS[1] stream, KEYS[2] claims counter. ARGV: group, consumer,
 * n, entry ids... Returns {1} when every entry is still pending with this
 * consumer, or else bumps the claims counter (the connection watches it: the
 * transaction that follows is discarded) and returns {0, ids still pending
 * with this consumer...}. */
#define SCORER_LUA_GUARD                                                                           \
    "local group, consumer, n = ARGV[1], ARGV[2], tonumber(ARGV[3])\n"                             \
    "local mine = {0}\n"                                                                           \
    "for i = 1, n do\n"                                                                            \
    "  local id = ARGV[3 + i]\n"                                                                   \
    "  if #redis.call('XPENDING', KEYS[1], group, id, id, 1, consumer) == 1 then\n"                \
    "    mine[#mine + 1] = id\n"                                                                   \
    "  end\n"                                                                                      \
    "end\n"                                                                                        \
    "if #mine == n + 1 then return {1} end\n"                                                      \
    "redis.call('INCR', KEYS[2])\n"                                                                \
    "return mine\n"

/* Take over entries idle for a while (a dead scorer's), bumping the claims
 * counter when any changes hands: an apply of them in flight elsewhere is
 * then discarded. KEYS[1] stream, KEYS[2] claims counter. ARGV: group,
 * consumer, min idle ms, cursor, count. Returns what XAUTOCLAIM returns. */
#define SCORER_LUA_RECLAIM                                                                         \
    "local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4],\n"            \
    "                     'COUNT', ARGV[5])\n"                                                     \
    "if #r[2] > 0 then redis.call('INCR', KEYS[2]) end\n"                                          \
    "return r\n"

#endif
