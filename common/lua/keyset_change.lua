-- keyset_change — a change of a salesperson's key customers, logged (nq/keyset.h).
-- KEYS: 1 the key customers now (SET), 2 their log (ZSET).
-- ARGV: 1 "+" (add) or "-" (remove), 2 the customer id, 3 when the change
--   takes effect (Unix ms), 4 the digits of a log member's sequence number.
-- Changes the set and, when that changed anything, logs it. Returns 1 when it
-- changed the set, 0 when there was nothing to change.
local moved
if ARGV[1] == '+' then moved = redis.call('SADD', KEYS[1], ARGV[2])
else moved = redis.call('SREM', KEYS[1], ARGV[2]) end
if moved == 1 then
  local seq = redis.call('ZCARD', KEYS[2]) + 1
  redis.call('ZADD', KEYS[2], ARGV[3],
    string.format('%0' .. ARGV[4] .. 'd', seq) .. ARGV[1] .. ARGV[2])
end
return moved
