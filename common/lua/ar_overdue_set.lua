-- ar_overdue_set — a customer's place in the overdue-receivable list index
-- and its next look, as computed from its receivables facts
-- (services/customers/arwatch.h). Written only when the facts are still
-- those read (their count unchanged); otherwise it stays due and is looked
-- at again with the new ones.
-- KEYS: 1 the customer's receivables facts (HASH), 2 the looks due (ZSET
--   nq:ar:due), 3 the index nq:ix:customers:overdue=receivable, 4 the
--   customer's record (HASH: a customer not in the directory is not listed).
-- ARGV: 1 customer id, 2 facts read, 3 "1" overdue now / "0", 4 when to look
--   again (Unix ms; "0" never: nothing open falls due later).
-- Returns 1 when written, 0 when the facts changed since they were read.
if redis.call('HLEN', KEYS[1]) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('ZADD', KEYS[3], 0, ARGV[1])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
if ARGV[4] ~= '0' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 1
