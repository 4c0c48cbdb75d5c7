-- rebuild_claim — a scorer takes the rebuild job (nq/rebuild_job.h): one
-- waiting for a scorer, or one running whose owner's lease ran out.
-- KEYS: 1 the job (HASH).
-- ARGV: 1 me, 2 now (Unix ms), 3 lease (ms), 4 the state it moves to,
--   5 how many states it is claimed from, then those states, then the
--   states it is taken over from when the lease ran out.
-- Returns {attempt, from} of the new attempt, or false.
local st = redis.call('HGET', KEYS[1], 'state') or ''
local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until') or '0')
local now, n = tonumber(ARGV[2]), tonumber(ARGV[5])
local ok = false
for i = 6, #ARGV do
  ok = ok or (st == ARGV[i] and (i < 6 + n or lease < now))
end
if not ok then return false end
local attempt = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'owner', ARGV[1], 'attempt', attempt,
  'lease_until', now + tonumber(ARGV[3]), 'scanned', 0, 'started_at', ARGV[2])
return {attempt, redis.call('HGET', KEYS[1], 'from') or '0'}
