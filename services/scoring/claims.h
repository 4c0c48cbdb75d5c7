/* services/scoring/claims.h — keeping applies exactly once.
 *
 * A scorer applies a batch of log entries as one transaction, sent as one
 * pipeline (scorer.c, batch_sum):
 *
 *   SET <unchecked flag> 1 EX 300
 *   WATCH nq:scoring:claims
 *   EVALSHA scorer_guard ...        drops the flag; every entry still pending
 *                                   with this scorer? else bumps the claims
 *   COPY <unchecked flag> nq:scoring:claims REPLACE
 *   MULTI, the batch's counters, XACK, EXEC
 *
 * Entries change hands only by a reclaim (common/lua/scorer_reclaim.lua),
 * which bumps the claims counter; so does a guard that finds an entry no
 * longer this scorer's. Either way EXEC applies nothing (WATCH), and the
 * scorer sums again what is still its own. A guard that did not run at all
 * (NOSCRIPT: the scripts were flushed since the connection loaded them; a
 * pipeline cannot fall back to EVAL in place) leaves its flag, which the
 * COPY then writes over the claims: EXEC applies nothing either, and the
 * batch is applied again once the scripts are loaded again. The flag is
 * per scorer: nq:scoring:unchecked:<member> (nq/keys.h).
 * tests/integration/test_claims.c runs each race against the very scripts.
 */
#ifndef NQ_SCORING_CLAIMS_H
#define NQ_SCORING_CLAIMS_H

/* How long the unchecked flag may live: far longer than one pipeline takes,
 * so that a scorer that died in between leaves nothing for long. */
#define SCORER_UNCHECKED_TTL_S 300

#endif
