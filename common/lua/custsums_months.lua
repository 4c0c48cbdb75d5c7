-- custsums_months — a customer's feedback figures keyed by month, written
-- from its indexed feedback events (services/customers/summigrate.c), when
-- the all-time figures are still those the events were counted against.
-- KEYS: 1 the customer's figures (HASH, common/lua/customer_events.lua).
-- ARGV: 1..5 the all-time rating_sum, rating_count, nps_count, promoters,
--   detractors read before the events were, then field/value pairs
--   ("2026-11|rating_sum", "9").
-- Every month field of the five figures is replaced by the pairs; nothing is
-- written when an all-time figure moved meanwhile (a new event was indexed).
-- Returns 1 when written, 0 when it moved.
local names = {'rating_sum', 'rating_count', 'nps_count', 'promoters', 'detractors'}
for i, name in ipairs(names) do
  if tonumber(redis.call('HGET', KEYS[1], name) or '0') ~= tonumber(ARGV[i]) then return 0 end
end
local known = {}
for _, name in ipairs(names) do known[name] = true end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local month, name = string.match(all[i], '^(%d%d%d%d%-%d%d)|(.+)$')
  if month and known[name] then redis.call('HDEL', KEYS[1], all[i]) end
end
for i = 6, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return 1
