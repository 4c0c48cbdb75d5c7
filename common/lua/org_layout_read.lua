-- org_layout_read — step 1 of making histories from the first org layout
-- (services/customers/migrate.h). Read-only.
-- KEYS: 1 the layout mark, 2 the salespeople, 3 the teams.
-- Returns {mark or "", {salespeople...}, {teams...}}.
return {redis.call('GET', KEYS[1]) or '',
        redis.call('SMEMBERS', KEYS[2]),
        redis.call('SMEMBERS', KEYS[3])}
