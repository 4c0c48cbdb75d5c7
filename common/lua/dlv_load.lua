-- dlv_load — what the sender needs of the deliveries it took
-- (services/alerting/deliver.h). Read-only.
-- KEYS: per delivery its alert's hash and its record hash (2 each), then per
--   channel the team's channels (hash), the channel's rate counter and the
--   teams' quiet hours (hash) (3 each).
-- ARGV: 1 n deliveries, then their record fields, then per channel its id
--   and its team's id.
-- Returns {per delivery [packed alert or false, record JSON or false], per
--   channel [channel JSON or false, messages sent this minute, the team's
--   quiet hours JSON or false]}.
local n = tonumber(ARGV[1])
local out = {}
for i = 0, n - 1 do
  out[#out + 1] = {redis.call('HGET', KEYS[1 + 2 * i], 'a'),
                   redis.call('HGET', KEYS[2 + 2 * i], ARGV[2 + i])}
end
for j = 0, (#KEYS - 2 * n) / 3 - 1 do
  local k = 2 * n + 1 + 3 * j
  out[#out + 1] = {redis.call('HGET', KEYS[k], ARGV[2 + n + 2 * j]),
                   tonumber(redis.call('GET', KEYS[k + 1]) or '0'),
                   redis.call('HGET', KEYS[k + 2], ARGV[3 + n + 2 * j])}
end
return out
