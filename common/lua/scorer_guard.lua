-- scorer_guard — checks, before a scorer's apply transaction, that every
-- entry of the batch is still pending with it (services/scoring/claims.h).
-- KEYS: 1 the log (stream), 2 the claims counter (WATCHed by the apply),
--   3 this scorer's "not checked yet" flag (set just before this script).
-- ARGV: 1 group, 2 consumer, 3 n, then the n entry ids.
-- Drops the flag. Returns {1} when every entry is still pending with this
-- consumer; else bumps the claims counter (the transaction that follows is
-- discarded) and returns {0, ids still pending with this consumer...}.
redis.call('DEL', KEYS[3])
local group, consumer, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local mine = {0}
for i = 1, n do
  local id = ARGV[3 + i]
  if #redis.call('XPENDING', KEYS[1], group, id, id, 1, consumer) == 1 then
    mine[#mine + 1] = id
  end
end
if #mine == n + 1 then return {1} end
redis.call('INCR', KEYS[2])
return mine
