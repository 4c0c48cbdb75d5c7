-- keyset_at_end — the facts behind a period's key-customer coverage (nq/keyset.h).
-- Read-only.
-- KEYS: 1 the key customers now (SET), 2 their log (ZSET), 3.. the visited
--   sets of the period's parts.
-- ARGV: 1 the period's end (Unix ms, exclusive), 2 the digits of a log
--   member's sequence number.
-- Returns {key customers now, of them visited in the period, then per change
-- taking effect at or after the end, oldest first: its log member, 1/0 its
-- customer is a key customer now, 1/0 it was visited in the period}.
local function visited(c)
  for i = 3, #KEYS do
    if redis.call('SISMEMBER', KEYS[i], c) == 1 then return 1 end
  end
  return 0
end
local seen, hit = {}, 0
for i = 3, #KEYS do
  for _, m in ipairs(redis.call('SINTER', KEYS[1], KEYS[i])) do
    if not seen[m] then seen[m] = true; hit = hit + 1 end
  end
end
local out = {redis.call('SCARD', KEYS[1]), hit}
local skip = tonumber(ARGV[2]) + 2
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], ARGV[1], '+inf', 'BYSCORE')) do
  local c = string.sub(m, skip)
  out[#out + 1] = m
  out[#out + 1] = redis.call('SISMEMBER', KEYS[1], c)
  out[#out + 1] = visited(c)
end
return out
