-- target_replace — replace a target hash (services/reporting/targetsvc.h).
-- KEYS: 1 the target hash.
-- ARGV: field, value, ...
-- Returns 1.
redis.call('DEL', KEYS[1])
if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end
return 1
