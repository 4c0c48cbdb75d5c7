-- ix_build — put existing records in their list indexes, once
-- (services/customers/ixbuild.h).
-- KEYS: the list's sort indexes (customers': lib/sort.lua's; as many as
--   ARGV 3), then per record: its hash, then the indexes it belongs in (as
--   many as its count below: a pool's index only when it is in one).
-- ARGV: 1 how many records, 2 how many fields are compared (m), 3 how many
--   sort indexes (0: none), then the m field names, then per record: its
--   id, how many indexes, and the m values as read ("" when absent).
-- A record that is gone or whose fields changed since they were read is left
-- alone: the write that changed it put it in its indexes. With sort indexes,
-- a record is put in them too (sort_refresh: its keys as stored now).
-- Returns how many records were put in theirs.
--@include sort.lua
local n, m, ns = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local names = {}
for j = 1, m do names[j] = ARGV[3 + j] end
local done, k, a = 0, 1 + ns, 4 + m
for _ = 1, n do
  local id, per = ARGV[a], tonumber(ARGV[a + 1])
  local same = redis.call('EXISTS', KEYS[k]) == 1
  local now = redis.call('HMGET', KEYS[k], unpack(names))
  for j = 1, m do same = same and (now[j] or '') == ARGV[a + 1 + j] end
  if same then
    for x = k + 1, k + per do redis.call('ZADD', KEYS[x], 0, id) end
    if ns > 0 then sort_refresh(k, 1, id, true) end
    done = done + 1
  end
  k, a = k + 1 + per, a + 2 + m
end
return done
