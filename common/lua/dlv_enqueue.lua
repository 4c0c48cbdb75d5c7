-- dlv_enqueue — raised alerts become deliveries, one per channel of the
-- alert's team, and the alert stream entries read are acknowledged, in one
-- step (services/alerting/deliver.h). A delivery already recorded is left
-- as it is, so an entry read twice queues nothing twice.
-- KEYS: 1 the alert stream, 2 the delivery queue (zset), 3 the channels'
--   queue depths (hash), then per delivery the record hash of its alert.
-- ARGV: 1 the stream's consumer group, 2 n, then the n entry ids; then per
--   delivery its id, its record's field, the record JSON, when it is due (ms).
-- Returns the number of deliveries queued now.
local n = tonumber(ARGV[2])
local first = 3 + n
local queued = 0
for i = 0, (#ARGV - first + 1) / 4 - 1 do
  local a = first + 4 * i
  if redis.call('HSETNX', KEYS[4 + i], ARGV[a + 1], ARGV[a + 2]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[a + 3], ARGV[a])
    redis.call('HINCRBY', KEYS[3], string.match(ARGV[a], '^[^/]+/([^/]+/[^/]+)'), 1)
    queued = queued + 1
  end
end
if n > 0 then redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 3, 2 + n)) end
return queued
