-- channel_put — add a delivery channel to a team (gateway/h_channels.c).
-- KEYS: 1 the team's hash, 2 the team's channels (hash).
-- ARGV: 1 the channel's id, 2 the channel JSON (with its secret), 3 channels a
--   team may have.
-- Returns 0 when the team does not exist, -1 when it has as many channels as
-- it may (nothing written then), else 1.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
