-- take_entries(next, max_events, max_entries): calls next() for the next log
-- entry [id, fields] (nil at the end) until the entries taken hold max_events
-- events (their n fields) or make max_entries entries, and returns them. An
-- entry is a whole stored batch of 1 to thousands of events (nq/actlog.h), so
-- COUNT alone could not bound what one read returns.
local function take_entries(next, max_events, max_entries)
  local out, events = {}, 0
  while events < max_events and #out < max_entries do
    local e = next()
    if not e then break end
    out[#out + 1] = e
    local f = e[2]
    for i = 1, #f, 2 do
      if f[i] == 'n' then events = events + (tonumber(f[i + 1]) or 0) end
    end
  end
  return out
end
