-- cadence_put — read, or set then read, a team's follow-up cadence overrides
-- (services/customers/cadence.c).
-- KEYS: 1 the team (HASH), 2 the cadences (HASH "<team>:<class>" -> days).
-- ARGV: 1-3 the team's fields for key, normal, potential; on a put 4-6 their
--   days ("" removes the override: the company default applies).
-- Returns nil when there is no such team, else the three overrides (nil
-- where none).
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
for i = 1, 3 do
  local v = ARGV[3 + i]
  if v == '' then
    redis.call('HDEL', KEYS[2], ARGV[i])
  elseif v then
    redis.call('HSET', KEYS[2], ARGV[i], v)
  end
end
return redis.call('HMGET', KEYS[2], ARGV[1], ARGV[2], ARGV[3])
