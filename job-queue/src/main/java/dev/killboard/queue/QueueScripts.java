package dev.killboard.queue;

/**
 * The Lua scripts that make each queue transition atomic. Each touches the keys of one queue only
 * (one hash slot). Times come from Redis' own clock (TIME) so producers and consumers on different
 * hosts agree on due times.
 */
final class QueueScripts {

  private static final String NOW =
      """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    """;

  /**
   * Takes up to ARGV[3] new entries, draining higher-priority streams first. KEYS: streams, highest
   * priority first. ARGV: group, consumer, count. Returns {stream, id, fields} triples.
   */
  static final RedisScript CLAIM =
      new RedisScript(
          "claim",
          """
    local want = tonumber(ARGV[3])
    local out = {}
    for i = 1, #KEYS do
      if want <= 0 then break end
      local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', want, 'STREAMS', KEYS[i], '>')
      if r then
        for _, e in ipairs(r[1][2]) do
          out[#out + 1] = {KEYS[i], e[1], e[2]}
          want = want - 1
        end
      end
    end
    return out
    """);

  /**
   * Acknowledges and deletes an entry. KEYS: stream. ARGV: group, entry id. Returns 1, or 0 if it
   * was not pending.
   */
  static final RedisScript ACK =
      new RedisScript(
          "ack",
          """
    if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
      redis.call('XDEL', KEYS[1], ARGV[2])
      return 1
    end
    return 0
    """);

  /**
   * Acknowledges an entry and parks it in the delayed set until its retry time. KEYS: stream,
   * delayed. ARGV: group, entry id, delay ms, member. Returns 1, or 0 if it was not pending.
   */
  static final RedisScript RETRY =
      new RedisScript(
          "retry",
          NOW
              + """
    if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
    redis.call('XDEL', KEYS[1], ARGV[2])
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[4])
    return 1
    """);

  /**
   * Acknowledges an entry and appends it to the dead-letter stream. KEYS: stream, dead. ARGV:
   * group, entry id, then field/value pairs. Returns 1, or 0 if it was not pending.
   */
  static final RedisScript DEAD_LETTER =
      new RedisScript(
          "dead-letter",
          """
    if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
    redis.call('XDEL', KEYS[1], ARGV[2])
    redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
    return 1
    """);

  /**
   * Moves due retries back into their priority stream (unreadable members go to the dead letters).
   * KEYS: delayed, dead, then the streams. ARGV: limit, then the priority name of each stream.
   * Returns {moved, ms until the next retry is due or -1}.
   */
  static final RedisScript PROMOTE =
      new RedisScript(
          "promote",
          NOW
              + """
    local stream = {}
    for i = 2, #ARGV do stream[ARGV[i]] = KEYS[i + 1] end
    local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
    for _, m in ipairs(due) do
      local ok, j = pcall(cjson.decode, m)
      local key = ok and type(j) == 'table' and type(j.id) == 'string' and type(j.payload) == 'string'
        and stream[j.p]
      if key then
        local f = {'id', j.id, 'payload', j.payload, 'attempts', tostring(j.attempts or '0'),
                   'enqueued', tostring(j.enqueued or '0')}
        if type(j.error) == 'string' then
          f[#f + 1] = 'error'
          f[#f + 1] = j.error
        end
        redis.call('XADD', key, '*', unpack(f))
      else
        redis.call('XADD', KEYS[2], '*', 'payload', m, 'error', 'unreadable retry entry', 'failed', tostring(now))
      end
      redis.call('ZREM', KEYS[1], m)
    end
    local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    local wait = -1
    if nxt[2] then wait = math.max(0, tonumber(nxt[2]) - now) end
    return {#due, wait}
    """);

  /**
   * Takes over entries idle longer than the visibility timeout (their consumer crashed or stalled),
   * counting the delivery, and forgets group members that hold nothing and were idle for long.
   * KEYS: stream. ARGV: group, consumer, min idle ms, count, prune idle ms. Returns {id, fields,
   * delivery count} triples.
   */
  static final RedisScript RECLAIM =
      new RedisScript(
          "reclaim",
          """
    local want = tonumber(ARGV[4])
    local out = {}
    local cursor = '0-0'
    for round = 1, 10 do
      local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', want - #out, 'JUSTID')
      cursor = r[1]
      for _, id in ipairs(r[2]) do
        local c = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id)
        if c[1] then
          local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
          out[#out + 1] = {id, c[1][2], p[1][4]}
        else
          -- deleted while pending (trimmed by hand): nothing is left to redo
          redis.call('XACK', KEYS[1], ARGV[1], id)
        end
      end
      if cursor == '0-0' or #out >= want then break end
    end
    local cs = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
    for _, c in ipairs(cs) do
      local h = {}
      for k = 1, #c, 2 do h[c[k]] = c[k + 1] end
      if h['name'] ~= ARGV[2] and tonumber(h['pending']) == 0 and tonumber(h['idle']) > tonumber(ARGV[5]) then
        redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], h['name'])
      end
    end
    return out
    """);

  /**
   * Resets the idle time of entries this consumer still owns, so a long job is not taken over while
   * its consumer lives. KEYS: stream. ARGV: group, consumer, entry ids. Returns the ids it no
   * longer owns.
   */
  static final RedisScript RENEW =
      new RedisScript(
          "renew",
          """
    local lost = {}
    for i = 3, #ARGV do
      local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
      if p[1] then
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
      else
        lost[#lost + 1] = ARGV[i]
      end
    end
    return lost
    """);

  /**
   * Gives back entries taken but not started (on stop): each is re-added as a new ready entry,
   * unchanged. KEYS: stream. ARGV: group, entry ids. Returns how many were given back.
   */
  static final RedisScript RELEASE =
      new RedisScript(
          "release",
          """
    local n = 0
    for i = 2, #ARGV do
      local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
      if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
        redis.call('XDEL', KEYS[1], ARGV[i])
        if e[1] then
          redis.call('XADD', KEYS[1], '*', unpack(e[1][2]))
          n = n + 1
        end
      end
    end
    return n
    """);

  /**
   * Marks a consumer alive until now + ttl and drops expired ones. KEYS: consumers. ARGV: consumer,
   * ttl ms.
   */
  static final RedisScript HEARTBEAT =
      new RedisScript(
          "heartbeat",
          NOW
              + """
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
    return 1
    """);

  /**
   * Removes a stopping consumer's heartbeat and, in each stream where it holds nothing, its group
   * membership. KEYS: consumers, then the streams. ARGV: group, consumer.
   */
  static final RedisScript LEAVE =
      new RedisScript(
          "leave",
          """
    redis.call('ZREM', KEYS[1], ARGV[2])
    for i = 2, #KEYS do
      local p = redis.pcall('XPENDING', KEYS[i], ARGV[1], '-', '+', 1, ARGV[2])
      if type(p) == 'table' and not p.err and #p == 0 then
        redis.pcall('XGROUP', 'DELCONSUMER', KEYS[i], ARGV[1], ARGV[2])
      end
    end
    return 1
    """);

  /**
   * Counts of one queue. KEYS: the streams, delayed, dead, consumers. ARGV: group. Returns {len,
   * pending} per stream, then delayed, dead letters, live consumers.
   */
  static final RedisScript STATUS =
      new RedisScript(
          "status",
          NOW
              + """
    local n = #KEYS - 3
    local out = {}
    for i = 1, n do
      out[#out + 1] = redis.call('XLEN', KEYS[i])
      local p = redis.pcall('XPENDING', KEYS[i], ARGV[1])
      if type(p) == 'table' and not p.err then out[#out + 1] = p[1] else out[#out + 1] = 0 end
    end
    out[#out + 1] = redis.call('ZCARD', KEYS[n + 1])
    out[#out + 1] = redis.call('XLEN', KEYS[n + 2])
    out[#out + 1] = redis.call('ZCOUNT', KEYS[n + 3], '(' .. now, '+inf')
    return out
    """);

  /**
   * Moves the oldest dead letters back to their priority stream with no failed attempts. KEYS:
   * dead, then the streams. ARGV: limit, then the priority name of each stream. Returns how many
   * moved.
   */
  static final RedisScript REQUEUE_DEAD =
      new RedisScript(
          "requeue-dead",
          """
    local stream = {}
    for i = 2, #ARGV do stream[ARGV[i]] = KEYS[i] end
    local fallback = stream['normal'] or KEYS[#KEYS]
    local es = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', tonumber(ARGV[1]))
    local n = 0
    for _, e in ipairs(es) do
      local h = {}
      for k = 1, #e[2], 2 do h[e[2][k]] = e[2][k + 1] end
      if h['payload'] then
        redis.call('XADD', stream[h['priority']] or fallback, '*', 'id', h['id'] or e[1], 'payload', h['payload'],
          'attempts', '0', 'enqueued', h['enqueued'] or '0')
        redis.call('XDEL', KEYS[1], e[1])
        n = n + 1
      end
    end
    return n
    """);

  private QueueScripts() {}
}
