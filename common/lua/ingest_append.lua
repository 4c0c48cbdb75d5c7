-- ingest_append — one batch into the activity log, atomically
-- (services/ingest/store.h).
--
-- KEYS: 1 the log (stream), 2 the accepted counter, 3 the scored counter,
--   4 the index of dedupe buckets (ZSET: bucket -> when it expires),
--   5 the salespeople of the directory, 6 the archived ones, 7 the customers,
--   8 / 9 the unknown salespeople / customers,
--   10 .. 9+nb the dedupe buckets the caller knows to be live, the last one
--   the bucket of now (where new ids go),
--   then, for a signed feed delivery, its replay key.
-- ARGV: 1 now (Unix s), 2 when the bucket of now expires (Unix s), 3 nb,
--   4 the delivery key's lifetime (s; "" when the batch is no delivery),
--   5 n (events), 6 the packed batch (nq/actlog.h), 7 the policy for unknown
--   salespeople ("reject" or "accept"), 8 now (Unix ms), 9 per event
--   "<s>,<c>;" (the 1-based index of its salesperson and of its customer
--   among the ids below, 0: none), 10 ns (distinct salesperson ids),
--   then per event: event_id, digest (from 11), then the ns salesperson ids
--   and how many events name each, then the distinct customer ids and how
--   many events name each.
-- Returns:
--   {entry id ("" if none), backlog (accepted - scored), then (index,
--   status) for each event that did not count: 1 duplicate, 2 conflict,
--   3 unknown salesperson}: every other event was accepted;
--   {-1, bucket, expiry, ...} when the index lists live buckets the caller
--   did not declare (nothing written: the caller learns them and calls again);
--   {-2} when the delivery was taken already (nothing written).
--
-- An event id is looked up with one HMGET per live bucket (hashes of id ->
-- content digest); new ids go into the bucket of now with one HSET. An id
-- twice in one batch counts once. The distinct ids are looked up in the
-- directory (SMISMEMBER); an unknown one is counted in KEYS[8] / KEYS[9]
-- ("<events> <first ms> <last ms>") with the events naming it, less those
-- that did not count (the per-event indexes are read only then, or to
-- refuse): under "reject" a new event of an unknown salesperson is refused
-- (status 3), neither remembered nor counted (its salesperson is counted as
-- seen, its customer not). The batch becomes one stream entry with the
-- indexes of the events that did not count (x); a batch with none new
-- appends nothing. A delivery is remembered once some of its events were
-- taken (accepted or duplicate).
-- unpack() takes at most a few thousand values: ids go in chunks of 1000.
local now, expiry, nb = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local delivery_ttl = ARGV[4]
local n = tonumber(ARGV[5])
local reject, now_ms, ns = ARGV[7] == 'reject', ARGV[8], tonumber(ARGV[10])
local b0 = 9
local bucket_now = b0 + nb
local sp0 = 10 + 2 * n
local nc = (#ARGV - sp0 - 2 * ns) / 2
local cu0 = sp0 + 2 * ns

if delivery_ttl ~= '' and redis.call('EXISTS', KEYS[bucket_now + 1]) == 1 then
  return {-2}
end

redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local listed = redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES')
local declared, live, stale = {}, {}, {}
for i = b0 + 1, bucket_now do declared[KEYS[i]] = true end
for i = 1, #listed, 2 do
  if declared[listed[i]] then
    live[listed[i]] = true
  else
    stale[#stale + 1] = listed[i]
    stale[#stale + 1] = listed[i + 1]
  end
end
if #stale > 0 then
  table.insert(stale, 1, -1)
  return stale
end

-- The ids of first .. last (ARGV indexes) in none of the sets KEYS[k] for
-- k in ks: {[i - first + 1] = true}, and whether there is any.
local function unknown_of(first, last, ks)
  local out, any = {}, false
  for c = first, last, 1000 do
    local hi = math.min(c + 999, last)
    local seen, left = {}, hi - c + 1
    for _, k in ipairs(ks) do
      if left > 0 then
        local got = redis.call('SMISMEMBER', KEYS[k], unpack(ARGV, c, hi))
        for i = 1, #got do
          if got[i] == 1 and not seen[i] then seen[i] = true; left = left - 1 end
        end
      end
    end
    for i = c, hi do
      if not seen[i - c + 1] then out[i - first + 1] = true; any = true end
    end
  end
  return out, any
end
local usp, any_sp = unknown_of(sp0 + 1, sp0 + ns, {5, 6})
local ucu, any_cu = unknown_of(cu0 + 1, cu0 + nc, {7})
local ev_sp, ev_cu
local function who()
  if ev_sp then return end
  ev_sp, ev_cu = {}, {}
  local i = 0
  for sp, cu in string.gmatch(ARGV[9], '(%d+),(%d+);') do
    i = i + 1
    ev_sp[i], ev_cu[i] = tonumber(sp), tonumber(cu)
  end
end
local refuse = reject and any_sp
if refuse then who() end

local ids, known = {}, {}
for i = 1, n do ids[i] = ARGV[9 + i * 2] end
for k = b0 + 1, bucket_now do
  if live[KEYS[k]] then
    for c = 1, n, 1000 do
      local last = math.min(c + 999, n)
      local got = redis.call('HMGET', KEYS[k], unpack(ids, c, last))
      for i = c, last do known[i] = known[i] or got[i - c + 1] end
    end
  end
end

local skipped, told, fresh, mine = {}, {}, {}, {}
local ns_, nf, dups = 0, 0, 0
for i = 1, n do
  local d = ARGV[10 + i * 2]
  local prev = known[i] or mine[ids[i]]
  if not prev and refuse and usp[ev_sp[i]] then
    ns_ = ns_ + 1
    skipped[ns_] = i - 1
    told[ns_] = 3
  elseif not prev then
    mine[ids[i]] = d
    fresh[nf + 1] = ids[i]
    fresh[nf + 2] = d
    nf = nf + 2
  else
    ns_ = ns_ + 1
    skipped[ns_] = i - 1
    told[ns_] = prev == d and 1 or 2
    if prev == d then dups = dups + 1 end
  end
end

if any_sp or any_cu then
  local counts, first = {{}, {}}, {sp0, cu0}
  for j in pairs(usp) do counts[1][j] = tonumber(ARGV[sp0 + ns + j]) end
  for j in pairs(ucu) do counts[2][j] = tonumber(ARGV[cu0 + nc + j]) end
  if ns_ > 0 then who() end
  for k = 1, ns_ do
    local i = skipped[k] + 1
    local s, c = ev_sp[i], ev_cu[i]
    if told[k] ~= 3 and counts[1][s] then counts[1][s] = counts[1][s] - 1 end
    if c > 0 and counts[2][c] then counts[2][c] = counts[2][c] - 1 end
  end
  for k = 1, 2 do
    local who_ids, adds = {}, {}
    for j, add in pairs(counts[k]) do
      if add > 0 then who_ids[#who_ids + 1] = ARGV[first[k] + j]; adds[#adds + 1] = add end
    end
    for c = 1, #who_ids, 1000 do
      local hi = math.min(c + 999, #who_ids)
      local old = redis.call('HMGET', KEYS[7 + k], unpack(who_ids, c, hi))
      local kv = {}
      for i = c, hi do
        local seen, since = 0, now_ms
        local o = old[i - c + 1]
        if o then
          local a, f = string.match(o, '^(%d+) (%d+)')
          seen, since = tonumber(a) or 0, f or now_ms
        end
        kv[#kv + 1] = who_ids[i]
        kv[#kv + 1] = (seen + adds[i]) .. ' ' .. since .. ' ' .. now_ms
      end
      redis.call('HSET', KEYS[7 + k], unpack(kv))
    end
  end
end

local accepted = n - ns_
local id = ''
if accepted > 0 then
  for c = 1, nf, 2000 do
    redis.call('HSET', KEYS[bucket_now], unpack(fresh, c, math.min(c + 1999, nf)))
  end
  if not live[KEYS[bucket_now]] then
    redis.call('ZADD', KEYS[4], expiry, KEYS[bucket_now])
    redis.call('EXPIREAT', KEYS[bucket_now], expiry)
  end
  if ns_ > 0 then
    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[6], 'x',
                    table.concat(skipped, ','))
  else
    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[6])
  end
  redis.call('INCRBY', KEYS[2], accepted)
end
if delivery_ttl ~= '' and accepted + dups > 0 then
  redis.call('SET', KEYS[bucket_now + 1], '1', 'EX', delivery_ttl)
end

local out = {id, tonumber(redis.call('GET', KEYS[2]) or '0') -
                 tonumber(redis.call('GET', KEYS[3]) or '0')}
for k = 1, ns_ do
  out[1 + k * 2] = skipped[k]
  out[2 + k * 2] = told[k]
end
return out
