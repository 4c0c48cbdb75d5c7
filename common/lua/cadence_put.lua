-- cadence_put — read, or set then read, a team's follow-up cadence and
-- public pool overrides (services/customers/cadence.c, pool.h).
-- KEYS: 1 the team (HASH), 2 the cadences (HASH "<team>:<name>" -> value).
-- ARGV: 1 how many fields n, 2 .. n+1 the team's fields (the three classes'
--   cadences first, then the pool's); on a put n+2 .. 2n+1 their values (""
--   removes the override: the company default applies).
-- Returns nil when there is no such team, else the n overrides (nil where
-- none).
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local n = tonumber(ARGV[1])
for i = 1, n do
  local v = ARGV[1 + n + i]
  if v == '' then
    redis.call('HDEL', KEYS[2], ARGV[1 + i])
  elseif v then
    redis.call('HSET', KEYS[2], ARGV[1 + i], v)
  end
end
return redis.call('HMGET', KEYS[2], unpack(ARGV, 2, 1 + n))
