-- rebuild_update — the scorer running the rebuild job records its state,
-- lease and progress (nq/rebuild_job.h).
-- KEYS: 1 the job (HASH).
-- ARGV: 1 me, 2 the attempt, then field, value, ...
-- Returns 1, or 0 (nothing written) when this scorer no longer owns this
-- attempt (another took it over).
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or
   redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[2] then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
