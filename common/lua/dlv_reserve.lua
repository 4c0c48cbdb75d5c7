-- dlv_reserve — slots in channels' rate windows for the messages about to be
-- posted (services/alerting/deliver.h): a channel takes at most its rate in
-- any rolling window, counted when reserved, so requests in flight count.
-- KEYS: per channel its messages in the window (zset).
-- ARGV: 1 now (ms), 2 the window (ms), 3 a tag no other reservation uses,
--   then per channel its rate and the messages wanted.
-- Returns per channel the messages granted (0 .. wanted).
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for j = 1, #KEYS do
  local rate, want = tonumber(ARGV[2 + 2 * j]), tonumber(ARGV[3 + 2 * j])
  redis.call('ZREMRANGEBYSCORE', KEYS[j], '-inf', now - window)
  local grant = math.max(0, math.min(want, rate - redis.call('ZCARD', KEYS[j])))
  for i = 1, grant do redis.call('ZADD', KEYS[j], now, ARGV[3] .. ':' .. j .. ':' .. i) end
  if grant > 0 then redis.call('PEXPIRE', KEYS[j], window) end
  out[j] = grant
end
return out
