-- dlv_test — queue a test message to a channel (gateway/h_channels.c).
-- KEYS: 1 the team's channels (hash), 2 the delivery queue (zset), 3 the
--   test's delivery records (hash).
-- ARGV: 1 the channel's id, 2 the delivery id, 3 its record's field, 4 the
--   record JSON, 5 now (ms), 6 how long the record is kept (s).
-- Returns 0 when the channel does not exist, else 1.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
return 1
