-- actindex_page — one timeline's part of a page of activities, newest first
-- (nq/actindex.h, nq/actindex_fetch.h).
-- KEYS: 1 the timeline (ZSET, every score 0).
-- ARGV: 1 max, 2 min (ZRANGE BYLEX bounds: "+" / "(<member>", "-" / "[<time>"),
--   3 want: most members to return, 4 scan: most members to read,
--   5 types: ",visit,call," or "" for every type,
--   6 salesperson: "" or only members that end in "|<id>" (a customer's).
-- Returns {last, member...}: the members in range that match, newest first,
-- at most `want` of them, and `last`, the last member read, or "" when the
-- range was read to its end.
local max, min = ARGV[1], ARGV[2]
local want, scan = tonumber(ARGV[3]), tonumber(ARGV[4])
local types = ARGV[5]
local suffix = ARGV[6] ~= '' and ('|' .. ARGV[6]) or nil
local filtered = types ~= '' or suffix ~= nil
local out, read, last, done = {''}, 0, '', false
while not done and #out - 1 < want and read < scan do
  local n = want - (#out - 1)
  if filtered then n = math.min(scan - read, math.max(n, 256)) end
  local r = redis.call('ZRANGE', KEYS[1], max, min, 'BYLEX', 'REV', 'LIMIT', 0, n)
  local i = 1
  while i <= #r and #out - 1 < want do
    local m = r[i]
    local ok = true
    if types ~= '' then
      ok = string.find(types, ',' .. (string.match(m, '^%d+|([^|]*)|') or '') .. ',', 1,
                       true) ~= nil
    end
    if ok and suffix then ok = string.sub(m, -#suffix) == suffix end
    if ok then out[#out + 1] = m end
    last, read, i = m, read + 1, i + 1
  end
  done = i > #r and #r < n
  max = '(' .. last
end
if not done then out[1] = last end
return out
