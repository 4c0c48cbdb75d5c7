-- dlv_load — what the sender needs of the deliveries it took
-- (services/alerting/deliver.h). Read-only.
-- KEYS: per delivery its alert's hash and its record hash (2 each), then per
--   channel the team's channels (hash), the channel's messages in the rate
--   window (zset) and the teams' quiet hours (hash) (3 each), then the
--   channels' queue depths (hash).
-- ARGV: 1 n deliveries, 2 now (ms), 3 the rate window (ms), then their record
--   fields, then per channel its id and its team's id.
-- Returns {per delivery [packed alert or false, record JSON or false], per
--   channel [channel JSON or false, messages in the window, the team's quiet
--   hours JSON or false, deliveries of the channel in the queue]}.
local n = tonumber(ARGV[1])
local since = '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[3]))
local out = {}
for i = 0, n - 1 do
  out[#out + 1] = {redis.call('HGET', KEYS[1 + 2 * i], 'a'),
                   redis.call('HGET', KEYS[2 + 2 * i], ARGV[4 + i])}
end
for j = 0, (#KEYS - 1 - 2 * n) / 3 - 1 do
  local k = 2 * n + 1 + 3 * j
  local ch, team = ARGV[4 + n + 2 * j], ARGV[5 + n + 2 * j]
  out[#out + 1] = {redis.call('HGET', KEYS[k], ch),
                   redis.call('ZCOUNT', KEYS[k + 1], since, '+inf'),
                   redis.call('HGET', KEYS[k + 2], team),
                   tonumber(redis.call('HGET', KEYS[#KEYS], team .. '/' .. ch) or '0')}
end
return out
