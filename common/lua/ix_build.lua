-- ix_build — put existing records in their list indexes, once
-- (services/customers/ixbuild.h).
-- KEYS: per record: its hash, then the indexes it belongs in.
-- ARGV: 1 how many records, 2 how many indexes each, 3 how many fields are
--   compared (m), then the m field names, then per record: its id and the m
--   values as read ("" when absent).
-- A record that is gone or whose fields changed since they were read is left
-- alone: the write that changed it put it in its indexes. Returns how many
-- records were put in theirs.
local n, per, m = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local names = {}
for j = 1, m do names[j] = ARGV[3 + j] end
local done = 0
for i = 0, n - 1 do
  local k, a = 1 + i * (per + 1), 4 + m + i * (m + 1)
  local same = redis.call('EXISTS', KEYS[k]) == 1
  local now = redis.call('HMGET', KEYS[k], unpack(names))
  for j = 1, m do same = same and (now[j] or '') == ARGV[a + j] end
  if same then
    for x = k + 1, k + per do redis.call('ZADD', KEYS[x], 0, ARGV[a]) end
    done = done + 1
  end
end
return done
