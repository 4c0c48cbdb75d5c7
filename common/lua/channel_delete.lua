-- channel_delete — remove a team's delivery channel (gateway/h_channels.c);
-- its queued deliveries are dropped when they come due.
-- KEYS: 1 the team's channels (hash), 2 their last outcomes (hash).
-- ARGV: 1 the channel's id.
-- Returns 1 when it was removed, 0 when there was none.
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
