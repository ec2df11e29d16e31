package dev.rivulet.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The Lua scripts. Each runs atomically in the group's slot; JSON is never decoded in Lua (values
 * are opaque strings written and read by Jackson in Java).
 */
final class Scripts {

  /**
   * One write of a group. KEYS: items, order, meta, history, versions, receipt [, streams index,
   * groups index when the index lives in the same script (standalone)]. ARGV: mode (set | cas | del
   * | send), item, value (send: the event data), expected-exists (cas: 0/1), expected value (cas),
   * channel, message header, event kind of a send (c/u/d/e), stream name, group name, history max
   * events, history max age (ms), if_version (-1 = none), receipt window (ms, 0 = no idempotency
   * key), receipt note.
   *
   * <p>Returns {@code {status, seq, ts, old, wasEmpty, nowEmpty}}; status 1 = committed, 0 = cas
   * conflict ({@code {0, current}}: the stored text, nil when absent, for the retry), 2 = delete of
   * a missing item, 3 = the receipt key exists ({@code {3, fields}}: HGETALL of the first call's
   * receipt; nothing written), 4 = the item is not at if_version ({@code {4, version}}, 0 when it
   * does not exist; nothing written). Checks run in that order: receipt, version, cas. A write with
   * a receipt window stores {@code seq ts item old new note} (fields of what it did; seq 0 for a
   * delete of a missing item) in the receipt key with PEXPIRE window, in the same script. Every
   * set/cas records the item's version (its seq) in the versions hash, a delete removes it; an item
   * without one (written before versions were kept) is at the seq that created it. The event
   * message is {@code "<seq> <ts> <kind> <header><data>"}, published with SPUBLISH in the same
   * script, hence in commit order (custom events of {@code send} too), and appended to the history
   * LIST (capped by count; heads older than max age popped on every 32nd seq; the key expires after
   * max age of silence). Every writer either appends or, with history off, drops the list, and
   * readers check that what they return is seq-contiguous and within max age, so a hole or an old
   * head is never replayed. Per write: HGET, HMGET and one HSET of meta (seq and ts together),
   * TIME, HSET, SPUBLISH, RPUSH, LTRIM, PEXPIRE.
   */
  static final Script WRITE =
      new Script(
          """
          local mode = ARGV[1]
          local item = ARGV[2]
          local window = tonumber(ARGV[14])
          if window > 0 then
            local first = redis.call('HGETALL', KEYS[6])
            if #first > 0 then return {3, first} end
          end
          local old = redis.call('HGET', KEYS[1], item)
          local want = tonumber(ARGV[13])
          if want >= 0 then
            local version = 0
            if old then
              version = tonumber(redis.call('HGET', KEYS[5], item)
                or redis.call('ZSCORE', KEYS[2], item) or '0')
            end
            if version ~= want then return {4, version} end
          end
          if mode == 'cas' then
            if ARGV[4] == '1' then
              if old ~= ARGV[5] then return {0, old} end
            elseif old then
              return {0, old}
            end
          end
          if mode == 'del' and not old then
            if window > 0 then
              redis.call('HSET', KEYS[6], 'seq', '0', 'ts', '0', 'item', item)
              redis.call('PEXPIRE', KEYS[6], window)
            end
            return {2}
          end
          local wasEmpty = 0
          if (mode == 'set' or mode == 'cas') and not old and redis.call('HLEN', KEYS[1]) == 0 then
            wasEmpty = 1
          end
          local meta = redis.call('HMGET', KEYS[3], 'seq', 'ts')
          local seq = tonumber(meta[1] or '0') + 1
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          local last = tonumber(meta[2] or '0')
          if now <= last then now = last + 1 end
          local ts = string.format('%d', now)
          local seqText = string.format('%d', seq)
          redis.call('HSET', KEYS[3], 'seq', seqText, 'ts', ts)
          local kind = ARGV[8]
          local data = ARGV[3]
          local nowEmpty = 0
          if mode == 'set' or mode == 'cas' then
            redis.call('HSET', KEYS[1], item, ARGV[3])
            redis.call('HSET', KEYS[5], item, seqText)
            if old then
              kind = 'u'
            else
              kind = 'c'
              redis.call('ZADD', KEYS[2], seq, item)
            end
            if wasEmpty == 1 and #KEYS == 8 then
              redis.call('ZADD', KEYS[7], 0, ARGV[9])
              redis.call('ZADD', KEYS[8], 0, ARGV[10])
            end
          elseif mode == 'del' then
            redis.call('HDEL', KEYS[1], item)
            redis.call('HDEL', KEYS[5], item)
            redis.call('ZREM', KEYS[2], item)
            kind = 'd'
            data = old
            if redis.call('HLEN', KEYS[1]) == 0 then
              nowEmpty = 1
              if #KEYS == 8 then
                redis.call('ZREM', KEYS[8], ARGV[10])
                if redis.call('ZCARD', KEYS[8]) == 0 then redis.call('ZREM', KEYS[7], ARGV[9]) end
              end
            end
          end
          local msg = seqText .. ' ' .. ts .. ' ' .. kind .. ' ' .. ARGV[7] .. data
          redis.call('SPUBLISH', ARGV[6], msg)
          local keep = tonumber(ARGV[11])
          if keep > 0 then
            if redis.call('RPUSH', KEYS[4], msg) > keep then
              redis.call('LTRIM', KEYS[4], -keep, -1)
            end
            if seq % 32 == 0 then
              local oldest = now - tonumber(ARGV[12])
              for i = 1, 64 do
                local head = redis.call('LINDEX', KEYS[4], 0)
                if not head or tonumber(string.match(head, '^%d+ (%d+) ')) >= oldest then break end
                redis.call('LPOP', KEYS[4])
              end
            end
            redis.call('PEXPIRE', KEYS[4], ARGV[12])
          else
            redis.call('DEL', KEYS[4])
          end
          if window > 0 then
            redis.call('HSET', KEYS[6], 'seq', seqText, 'ts', ts, 'item', item, 'note', ARGV[15])
            if old and mode ~= 'send' then redis.call('HSET', KEYS[6], 'old', old) end
            if mode == 'set' or mode == 'cas' then redis.call('HSET', KEYS[6], 'new', ARGV[3]) end
            redis.call('PEXPIRE', KEYS[6], window)
          end
          return {1, seq, ts, old, wasEmpty, nowEmpty}
          """);

  /**
   * A consistent view of a group. KEYS: items, order, meta. ARGV: item (only that one) or empty
   * (all). Returns {@code {seq, ts, ids, values}}.
   */
  static final Script SNAPSHOT =
      new Script(
          """
          #!lua flags=no-writes
          local meta = redis.call('HMGET', KEYS[3], 'seq', 'ts')
          local seq = meta[1] or '0'
          local ts = meta[2] or '0'
          if ARGV[1] ~= '' then
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if v then return {seq, ts, {ARGV[1]}, {v}} end
            return {seq, ts, {}, {}}
          end
          local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
          local values = {}
          local kept = {}
          for i = 1, #ids, 500 do
            local chunk = {}
            for j = i, math.min(i + 499, #ids) do chunk[#chunk + 1] = ids[j] end
            local vs = redis.call('HMGET', KEYS[1], unpack(chunk))
            for j = 1, #chunk do
              if vs[j] then
                kept[#kept + 1] = chunk[j]
                values[#values + 1] = vs[j]
              end
            end
          end
          return {seq, ts, kept, values}
          """);

  /**
   * The group's history after a seq. KEYS: meta, history. ARGV: since. Returns {@code {seq, now, 1,
   * messages}} when the list is long enough to hold every event after {@code since} (the caller
   * checks seqs and age), {@code {seq, now, 0}} when it is not or {@code since} is ahead.
   */
  static final Script EVENTS =
      new Script(
          """
          #!lua flags=no-writes
          local seq = redis.call('HGET', KEYS[1], 'seq') or '0'
          local t = redis.call('TIME')
          local now = string.format('%d', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
          local n = tonumber(seq) - tonumber(ARGV[1])
          if n < 0 then return {seq, now, 0} end
          if n == 0 then return {seq, now, 1, {}} end
          if n > redis.call('LLEN', KEYS[2]) then return {seq, now, 0} end
          return {seq, now, 1, redis.call('LRANGE', KEYS[2], string.format('%d', -n), -1)}
          """);

  /**
   * Cluster index maintenance (all keys in the {@code {idx}} slot). KEYS: streams, groups. ARGV: op
   * (add | remove), stream, group.
   */
  static final Script INDEX =
      new Script(
          """
          if ARGV[1] == 'add' then
            redis.call('ZADD', KEYS[2], 0, ARGV[3])
            redis.call('ZADD', KEYS[1], 0, ARGV[2])
          else
            redis.call('ZREM', KEYS[2], ARGV[3])
            if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('ZREM', KEYS[1], ARGV[2]) end
          end
          return {1}
          """);

  private Scripts() {}

  /** A script run with EVALSHA, falling back to EVAL (which caches it) on NOSCRIPT. */
  static final class Script {
    final String source;
    final String sha;

    Script(String source) {
      this.source = source;
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        this.sha = HexFormat.of().formatHex(digest);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    List<?> run(UnifiedJedis redis, List<String> keys, List<String> args) {
      Object result;
      try {
        result = redis.evalsha(sha, keys, args);
      } catch (JedisDataException e) {
        if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
          throw e;
        }
        result = redis.eval(source, keys, args);
      }
      return (List<?>) result;
    }
  }
}
