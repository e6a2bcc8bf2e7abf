/*
 * history_redis_lua.c: the two Lua scripts of the Redis history store
 * (history_redis.h), run with EVAL so that each add and each query is
 * atomic and one round trip. Both take KEYS[1] = the room's stream and
 * KEYS[2] = its id index (hash), which share a hash tag.
 */
#include "history_redis_impl.h"

/*
 * ARGV: the per-room cap, the event's time, its id, then the entry's
 * fields and values. Refuses an event out of order for the room (an id
 * not above the newest, a time before it); trims the index of exactly the
 * entries XADD MAXLEN is about to trim; returns the stream's new length.
 */
/*
 * The same for a store several servers share (history_redis_share): ARGV
 * as above but the msgid for the id. Nothing is out of order: the entry
 * is TIME-* (Redis numbers the adds within a ms), TIME the event's or the
 * newest entry's when that is later (another server's clock); the index
 * maps msgid to the entry id. A msgid kept already is refused.
 */
const char history_redis_add_shared_lua[] =
    "local s, ix = KEYS[1], KEYS[2]\n"
    "local cap, t, mid = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]\n"
    "if redis.call('HEXISTS', ix, mid) == 1 then\n"
    "  return redis.error_reply('ORDER event kept already')\n"
    "end\n"
    "local top = redis.call('XREVRANGE', s, '+', '-', 'COUNT', 1)\n"
    "if #top > 0 then\n"
    "  local tt = tonumber(string.match(top[1][1], '^(%d+)-'))\n"
    "  if tt > t then t = tt end\n"
    "end\n"
    "local len = redis.call('XLEN', s)\n"
    "if len >= cap then\n"
    "  local old = redis.call('XRANGE', s, '-', '+', 'COUNT', len - cap + 1)\n"
    "  for i = 1, #old do\n"
    "    local f = old[i][2]\n"
    "    for j = 1, #f, 2 do\n"
    "      if f[j] == 'msgid' then redis.call('HDEL', ix, f[j + 1]) end\n"
    "    end\n"
    "  end\n"
    "  len = cap - 1\n"
    "end\n"
    "local e = redis.call('XADD', s, 'MAXLEN', cap, string.format('%d', t) .. '-*',\n"
    "  unpack(ARGV, 4))\n"
    "redis.call('HSET', ix, mid, e)\n"
    "return len + 1\n";

const char history_redis_add_lua[] =
    "local s, ix = KEYS[1], KEYS[2]\n"
    "local cap, t, id = tonumber(ARGV[1]), ARGV[2], ARGV[3]\n"
    "local top = redis.call('XREVRANGE', s, '+', '-', 'COUNT', 1)\n"
    "if #top > 0 then\n"
    "  local tt, tid = string.match(top[1][1], '^(%d+)-(%d+)$')\n"
    "  if tonumber(tid) >= tonumber(id) or tonumber(tt) > tonumber(t) then\n"
    "    return redis.error_reply('ORDER event out of order for its room')\n"
    "  end\n"
    "end\n"
    "local len = redis.call('XLEN', s)\n"
    "if len >= cap then\n"
    "  local old = redis.call('XRANGE', s, '-', '+', 'COUNT', len - cap + 1)\n"
    "  for i = 1, #old do\n"
    "    redis.call('HDEL', ix, string.match(old[i][1], '-(%d+)$'))\n"
    "  end\n"
    "  len = cap - 1\n"
    "end\n"
    "redis.call('XADD', s, 'MAXLEN', cap, t .. '-' .. id, unpack(ARGV, 4))\n"
    "redis.call('HSET', ix, id, t)\n"
    "return len + 1\n";

/*
 * ARGV: the selection (latest, before, after, around, between), the limit
 * (> 0), then each reference as four: its kind ('n' none, 'i' id, 't'
 * time) and, for an id, the id; for a time, three XRANGE bounds the
 * caller worked out: the end of what is strictly before it ('' when
 * nothing can be), the start of what is strictly after it, and the start
 * of what is at it or after. An id becomes the same three from its entry,
 * or ends the query with nothing when the room does not hold it.
 *
 * Returns the selected entries oldest first, as XRANGE gives them. The
 * rules are history.h's, worked out over the room's whole stream exactly
 * as history_select.c works them out over an array; AROUND reads at most
 * limit entries on each side of the reference and shifts its window the
 * same way near either end.
 */
const char history_redis_query_lua[] =
    "local s, ix = KEYS[1], KEYS[2]\n"
    "local sel, limit = ARGV[1], tonumber(ARGV[2])\n"
    "local function ref(k, a, b, c)\n"
    "  if k == 'i' then\n"
    "    local t = redis.call('HGET', ix, a)\n"
    "    if not t then return nil end\n"
    "    local id = string.find(t, '-', 1, true) and t or (t .. '-' .. a)\n"
    "    if #redis.call('XRANGE', s, id, id) == 0 then return nil end\n"
    "    return '(' .. id, '(' .. id, id\n"
    "  elseif k == 't' then\n"
    "    return a, b, c\n"
    "  end\n"
    "  return false\n"
    "end\n"
    "local function rev(v)\n"
    "  local n = #v\n"
    "  for i = 1, math.floor(n / 2) do\n"
    "    v[i], v[n + 1 - i] = v[n + 1 - i], v[i]\n"
    "  end\n"
    "  return v\n"
    "end\n"
    "local function before(e, n)\n"
    "  if e == '' or n <= 0 then return {} end\n"
    "  return rev(redis.call('XREVRANGE', s, e, '-', 'COUNT', n))\n"
    "end\n"
    "local function from(b, n)\n"
    "  if n <= 0 then return {} end\n"
    "  return redis.call('XRANGE', s, b, '+', 'COUNT', n)\n"
    "end\n"
    "local lo, hi, at = ref(ARGV[3], ARGV[4], ARGV[5], ARGV[6])\n"
    "if lo == nil then return {} end\n"
    "if sel == 'latest' then\n"
    "  return rev(redis.call('XREVRANGE', s, '+', lo and hi or '-',\n"
    "    'COUNT', limit))\n"
    "elseif sel == 'before' then\n"
    "  return before(lo, limit)\n"
    "elseif sel == 'after' then\n"
    "  return from(hi, limit)\n"
    "elseif sel == 'around' then\n"
    "  local id = ARGV[3] == 'i' and 1 or 0\n"
    "  local want = math.floor((limit - id) / 2)\n"
    "  local b, a = before(lo, limit - id), from(at, limit)\n"
    "  local k = math.min(limit, #b + #a)\n"
    "  local nb = math.max(math.min(want, #b), k - #a)\n"
    "  local out = {}\n"
    "  for i = #b - nb + 1, #b do out[#out + 1] = b[i] end\n"
    "  for i = 1, k - nb do out[#out + 1] = a[i] end\n"
    "  return out\n"
    "elseif sel == 'between' then\n"
    "  local lo2, hi2 = ref(ARGV[7], ARGV[8], ARGV[9], ARGV[10])\n"
    "  if lo2 == nil then return {} end\n"
    "  if lo2 ~= '' then\n"
    "    local f = redis.call('XRANGE', s, hi, lo2, 'COUNT', limit)\n"
    "    if #f > 0 then return f end\n"
    "  end\n"
    "  if lo == '' then return {} end\n"
    "  return rev(redis.call('XREVRANGE', s, lo, hi2, 'COUNT', limit))\n"
    "end\n"
    "return redis.error_reply('ERR unknown selection')\n";
