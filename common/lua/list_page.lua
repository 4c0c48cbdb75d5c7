-- list_page — a page of a list's ids (services/customers/orgix.h). Read-only.
-- KEYS: the indexes every id of the page is in (sorted sets, score 0), then
--   the group: indexes of which an id must be in at least one (a team's
--   members' owner indexes and its pool's; none when no team is asked for).
-- ARGV: 1 the page starts after this id ("" from the first), 2 how many ids
--   at most, 3 how many entries it may look at, 4 (optional) "desc": in
--   reverse id order, 5 (optional) how many of KEYS are the group (the last
--   ones; absent: none), 6 (optional) "sorted": KEYS[1] is a sort index,
--   whose members are "<sort key>\x1f<id>", and the page walks it,
--   7 (optional, sorted with a group) the sort's place n in the index by
--   owner, which is then the last of KEYS (after the group, not counted in
--   it; lib/sort.lua), and 8.. the group's names there, one per group index
--   in their order (an owner's id, "pool=<team>").
-- Walks the smallest index (the sort index when sorted) in its order from
-- the start and keeps the ids that are in all the others and in one of the
-- group; when the group's indexes hold fewer entries together than that
-- index (a team's customers), walks them instead, merged in id order; sorted
-- with a group, walks the group's ranges of the index by owner merged in the
-- sort's order (the sort index's members, so cursors are the same).
-- Returns {the last entry it looked at ("" none), 1 when the walk has
-- entries after it (else 0), the ids kept...}. A page with fewer ids than
-- it wants calls it again from that entry (services/customers/lists.c).
local ngroup = tonumber(ARGV[5]) or 0
local sorted = ARGV[6] == 'sorted'
local owned = sorted and ngroup > 0 and (ARGV[7] or '') ~= ''
local nall = #KEYS - ngroup - (owned and 1 or 0)
-- Sorted, a filter's index empty: nothing can match, the list ends here.
for i = 2, sorted and nall or 0 do
  if redis.call('ZCARD', KEYS[i]) == 0 then return {'', 0} end
end
local drive, size = 1, redis.call('ZCARD', KEYS[1])
local second, second_size = nil, nil -- the next smallest
for i = 2, sorted and 0 or nall do
  local n = redis.call('ZCARD', KEYS[i])
  if n < size then
    second, second_size, drive, size = drive, size, i, n
  elseif not second or n < second_size then
    second, second_size = i, n
  end
end
-- From the start, by id, the two smallest filters' indexes sharing no id: the
-- list ends here (Redis counts their intersection in C, stopping at the first
-- match, where a walk would go through the smallest index to its end).
if second and ngroup == 0 and ARGV[1] == '' and
    redis.call('ZINTERCARD', 2, KEYS[drive], KEYS[second], 'LIMIT', 1) == 0 then
  return {'', 0}
end
local function id_of(entry)
  if sorted then return string.match(entry, '\31([^\31]*)$') or '' end
  return entry
end
local want, budget = tonumber(ARGV[2]), tonumber(ARGV[3])
local desc = ARGV[4] == 'desc'
local from = ARGV[1] == '' and (desc and '+' or '-') or '(' .. ARGV[1]
local to = desc and '-' or '+'
local function range_of(k, lo, n)
  if desc then return redis.call('ZREVRANGEBYLEX', KEYS[k], lo, to, 'LIMIT', 0, n) end
  return redis.call('ZRANGEBYLEX', KEYS[k], lo, to, 'LIMIT', 0, n)
end
-- Byte order (as ZRANGEBYLEX's), whatever the collation Lua's '<' follows.
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return (x < y) ~= desc end
  end
  return (#a < #b) ~= desc
end
local by_group = owned
if ngroup > 0 and not sorted then
  local total = 0
  for i = nall + 1, nall + ngroup do total = total + redis.call('ZCARD', KEYS[i]) end
  by_group = total < size
end
-- The first n entries after lo of group g's range of the index by owner,
-- without the range's prefix (sort index members).
local function owned_range(g, lo, n)
  local prefix = ARGV[7 + g] .. '\31' .. ARGV[7] .. '\31'
  local first, last = '[' .. prefix, '[' .. prefix .. '\255'
  if desc then first, last = last, first end
  if lo ~= '-' and lo ~= '+' then first = '(' .. prefix .. string.sub(lo, 2) end
  local got
  if desc then
    got = redis.call('ZREVRANGEBYLEX', KEYS[#KEYS], first, last, 'LIMIT', 0, n)
  else
    got = redis.call('ZRANGEBYLEX', KEYS[#KEYS], first, last, 'LIMIT', 0, n)
  end
  for i = 1, #got do got[i] = string.sub(got[i], #prefix + 1) end
  return got
end
local function group_range(g, lo, n)
  if owned then return owned_range(g, lo, n) end
  return range_of(nall + g, lo, n)
end
-- Whether the group's merge left entries after those it gave (by_group).
local leftover = false
-- Move heads[i] down the heap of heads (the first entry first) to its place.
local function sift(heads, i)
  local n = #heads
  while true do
    local l, s = 2 * i, i
    for c = l, math.min(l + 1, n) do
      if before(heads[c].ids[heads[c].at], heads[s].ids[heads[s].at]) then s = c end
    end
    if s == i then return end
    heads[i], heads[s] = heads[s], heads[i]
    i = s
  end
end
-- The first n entries after lo of the walked index, or of the group's merged
-- (a heap of the groups' heads: a few comparisons an entry): each group read
-- a chunk at a time (about twice its share of n), a group's next chunk once
-- the merge took its last.
local function range(lo, n)
  if not by_group then return range_of(drive, lo, n) end
  local chunk = math.min(n, math.max(4, math.ceil(2 * n / ngroup)))
  local heads, out = {}, {}
  for g = 1, ngroup do
    local ids = group_range(g, lo, chunk)
    if #ids > 0 then heads[#heads + 1] = {g = g, ids = ids, at = 1} end
  end
  for i = math.floor(#heads / 2), 1, -1 do sift(heads, i) end
  while #out < n and #heads > 0 do
    local h = heads[1]
    out[#out + 1] = h.ids[h.at]
    h.at = h.at + 1
    if h.at > #h.ids then
      local next = #h.ids == chunk and group_range(h.g, '(' .. h.ids[#h.ids], chunk) or {}
      if #next > 0 then
        h.ids, h.at = next, 1
      else
        heads[1] = heads[#heads]
        heads[#heads] = nil
      end
    end
    if #heads > 0 then sift(heads, 1) end
  end
  leftover = #heads > 0 -- every head left holds an entry not taken yet
  return out
end
-- Whether id is in one index of the group (always, without a group).
local function in_group(id)
  if ngroup == 0 then return true end
  for i = nall + 1, nall + ngroup do
    if redis.call('ZSCORE', KEYS[i], id) then return true end
  end
  return false
end
local out, last, ended = {'', 0}, nil, false
while #out - 2 < want and budget > 0 do
  local n = math.min(want - (#out - 2), budget)
  local ids = range(from, n)
  budget = budget - #ids
  for _, entry in ipairs(ids) do
    local id, all = id_of(entry), true
    for i = 1, nall do
      if all and (by_group or i ~= drive) and not (sorted and i == 1) and
          not redis.call('ZSCORE', KEYS[i], id) then
        all = false
      end
    end
    if all and (by_group or in_group(id)) then out[#out + 1] = id end
    last = entry
  end
  if #ids < n then
    ended = true
    break
  end
  from = '(' .. last
end
if last then
  out[1] = last
  if not ended and (by_group and leftover or not by_group and #range('(' .. last, 1) > 0) then
    out[2] = 1
  end
end
return out
