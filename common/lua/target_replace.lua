-- target_replace — replace a target hash (services/reporting/targetsvc.h).
-- KEYS: 1 the target hash, 2 the target version (kept boards check it).
-- ARGV: field, value, ...
-- Replaces the hash and bumps the version. Returns 1.
redis.call('DEL', KEYS[1])
if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end
redis.call('INCR', KEYS[2])
return 1
