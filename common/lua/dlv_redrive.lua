-- dlv_redrive — dead letters back into the queue, due now, with a fresh
-- retry window (gateway/h_channels.c).
-- KEYS: 1 the team's dead letters (hash), 2 the delivery queue (zset), 3 the
--   channels' queue depths (hash), then per delivery its record hash.
-- ARGV: 1 now (ms), then per delivery its id and its record's field.
-- Returns per delivery 1 when it was a dead letter and is queued again, else 0.
local out = {}
for i = 0, (#ARGV - 1) / 2 - 1 do
  local id, field = ARGV[2 + 2 * i], ARGV[3 + 2 * i]
  local rec = redis.call('HGET', KEYS[1], id)
  if rec then
    local r = cjson.decode(rec)
    r.state = 'queued'
    r.attempts = 0
    r.first_at = tonumber(ARGV[1])
    r.next_at = tonumber(ARGV[1])
    r.redriven = (r.redriven or 0) + 1
    redis.call('HSET', KEYS[4 + i], field, cjson.encode(r))
    redis.call('HDEL', KEYS[1], id)
    if redis.call('ZADD', KEYS[2], ARGV[1], id) == 1 then
      redis.call('HINCRBY', KEYS[3], string.match(id, '^[^/]+/([^/]+/[^/]+)'), 1)
    end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
