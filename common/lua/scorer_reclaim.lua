-- scorer_reclaim — take over entries idle for a while (a dead scorer's),
-- bumping the claims counter when any changes hands: an apply of them in
-- flight elsewhere is then discarded (services/scoring/claims.h).
-- KEYS: 1 the log (stream), 2 the claims counter.
-- ARGV: 1 group, 2 consumer, 3 min idle (ms), 4 cursor, 5 count.
-- Returns what XAUTOCLAIM returns.
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4],
                     'COUNT', ARGV[5])
if #r[2] > 0 then redis.call('INCR', KEYS[2]) end
return r
