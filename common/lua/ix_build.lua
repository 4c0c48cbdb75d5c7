-- ix_build — put existing records in their list indexes, once
-- (services/customers/ixbuild.h).
-- KEYS: per record: its hash, then the indexes it belongs in (as many as
--   its count below: a pool's index only when it is in one).
-- ARGV: 1 how many records, 2 how many fields are compared (m), then the m
--   field names, then per record: its id, how many indexes, and the m
--   values as read ("" when absent).
-- A record that is gone or whose fields changed since they were read is left
-- alone: the write that changed it put it in its indexes. Returns how many
-- records were put in theirs.
local n, m = tonumber(ARGV[1]), tonumber(ARGV[2])
local names = {}
for j = 1, m do names[j] = ARGV[2 + j] end
local done, k, a = 0, 1, 3 + m
for _ = 1, n do
  local id, per = ARGV[a], tonumber(ARGV[a + 1])
  local same = redis.call('EXISTS', KEYS[k]) == 1
  local now = redis.call('HMGET', KEYS[k], unpack(names))
  for j = 1, m do same = same and (now[j] or '') == ARGV[a + 1 + j] end
  if same then
    for x = k + 1, k + per do redis.call('ZADD', KEYS[x], 0, id) end
    done = done + 1
  end
  k, a = k + 1 + per, a + 2 + m
end
return done
