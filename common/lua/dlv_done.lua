-- dlv_done — the outcome of one delivery (services/alerting/deliver.h).
-- KEYS: 1 the delivery queue (zset), 2 its record hash, 3 the team's dead
--   letters (hash), 4 the channel's rate counter, 5 the team's channels'
--   last outcomes (hash).
-- ARGV: 1 the delivery id, 2 its record's field, 3 the record JSON, 4 the
--   outcome: sent, retry, dead or dropped, 5 retry: when due (ms), 6 messages
--   it spent of the channel's rate (0 or 1), 7 the rate window (s), 8 the
--   channel's id, 9 the last outcome JSON.
-- Returns 1.
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] == 'retry' then
  redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
if ARGV[4] == 'dead' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[3]) end
if tonumber(ARGV[6]) > 0 then
  if redis.call('INCRBY', KEYS[4], ARGV[6]) == tonumber(ARGV[6]) then
    redis.call('EXPIRE', KEYS[4], ARGV[7])
  end
end
if ARGV[4] ~= 'dropped' then redis.call('HSET', KEYS[5], ARGV[8], ARGV[9]) end
return 1
