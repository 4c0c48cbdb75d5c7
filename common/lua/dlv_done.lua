-- dlv_done — the outcome of one delivery (services/alerting/deliver.h).
-- KEYS: 1 the delivery queue (zset), 2 its record hash, 3 the team's dead
--   letters (hash), 4 the channels' queue depths (hash), 5 the team's
--   channels' last outcomes (hash).
-- ARGV: 1 the delivery id, 2 its record's field, 3 the record JSON, 4 the
--   outcome: sent, retry, dead or dropped, 5 retry: when due (ms), 6 1 when
--   it counts in its channel's depth (0: a test message), 7 the depth's
--   field "<team>/<channel>", 8 the channel's id, 9 the last outcome JSON.
-- Returns 1.
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] == 'retry' then
  redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
elseif redis.call('ZREM', KEYS[1], ARGV[1]) == 1 and ARGV[6] == '1' then
  if redis.call('HINCRBY', KEYS[4], ARGV[7], -1) <= 0 then redis.call('HDEL', KEYS[4], ARGV[7]) end
end
if ARGV[4] == 'dead' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[3]) end
if ARGV[4] ~= 'dropped' then redis.call('HSET', KEYS[5], ARGV[8], ARGV[9]) end
return 1
