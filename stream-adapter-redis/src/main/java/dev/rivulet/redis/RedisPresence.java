package dev.rivulet.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.Presence;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.PresenceEntry;
import dev.rivulet.spi.PresenceTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Presence shared by every instance on one Redis (SPEC §11): per group a HASH of entry JSON and a
 * ZSET of the same members scored by their expiry, both in the group's slot ({@link Keys}). Each
 * instance refreshes the expiry of its own entries every third of the TTL; an entry that is not
 * refreshed (its instance died) expires and is removed by the next reader. Expiries use Redis's
 * clock, so instances with skewed clocks agree. A member is {@code <instance>:<engine key>}.
 *
 * <p>The writes of one group from this instance take turns (join, leave, refresh), so a refresh
 * never re-adds an entry that just left.
 *
 * <p>Writes that fail (Redis down) are not retried on the caller's thread: the entry stays in this
 * instance's {@link PresenceTable} and the next refresh re-adds whatever Redis lost (also after a
 * Redis restart, or when a long pause let the entries expire). A leave that fails leaves an entry
 * that expires within the TTL.
 */
final class RedisPresence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);
  private static final int CHUNK = 500;

  private static final String NOW =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      """;

  /** Keeps both keys at least until the newest expiry (plus a second). ARGV[1]: ttl ms. */
  private static final String KEEP_KEYS =
      """
      local keep = tonumber(ARGV[1]) + 1000
      for _, k in ipairs(KEYS) do
        if redis.call('PTTL', k) < keep then redis.call('PEXPIRE', k, keep) end
      end
      """;

  /** KEYS: presence, expiry. ARGV: ttl ms, then member, JSON pairs. Adds or replaces. */
  static final Scripts.Script JOIN =
      new Scripts.Script(
          NOW
              + """
              local exp = now + tonumber(ARGV[1])
              for i = 2, #ARGV, 2 do
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
                redis.call('ZADD', KEYS[2], exp, ARGV[i])
              end
              """
              + KEEP_KEYS
              + "return {1}\n");

  /** KEYS: presence, expiry. ARGV: members. */
  static final Scripts.Script LEAVE =
      new Scripts.Script(
          """
          redis.call('HDEL', KEYS[1], unpack(ARGV))
          redis.call('ZREM', KEYS[2], unpack(ARGV))
          return {1}
          """);

  /**
   * The refresh. KEYS: presence, expiry. ARGV: ttl ms, then members. Returns the members Redis no
   * longer holds (expired, lost), for the caller to add again.
   */
  static final Scripts.Script TOUCH =
      new Scripts.Script(
          NOW
              + """
              local exp = now + tonumber(ARGV[1])
              local missing = {}
              for i = 2, #ARGV do
                if redis.call('ZSCORE', KEYS[2], ARGV[i]) and redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
                  redis.call('ZADD', KEYS[2], exp, ARGV[i])
                else
                  missing[#missing + 1] = ARGV[i]
                end
              end
              """
              + KEEP_KEYS
              + "return missing\n");

  /**
   * The read. KEYS: presence, expiry. Removes the expired members, returns {@code {members,
   * values}} of the live ones.
   */
  static final Scripts.Script READ =
      new Scripts.Script(
          NOW
              + """
              local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
              for i = 1, #dead, 500 do
                redis.call('HDEL', KEYS[1], unpack(dead, i, math.min(i + 499, #dead)))
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
              local live = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf')
              local members = {}
              local values = {}
              for i = 1, #live, 500 do
                local chunk = {unpack(live, i, math.min(i + 499, #live))}
                local vs = redis.call('HMGET', KEYS[1], unpack(chunk))
                for j = 1, #chunk do
                  if vs[j] then
                    members[#members + 1] = chunk[j]
                    values[#values + 1] = vs[j]
                  end
                end
              end
              return {members, values}
              """);

  private final UnifiedJedis redis;
  private final Keys keys;
  private final String ttl;
  private final String instance = UUID.randomUUID().toString();
  private final PresenceTable own = new PresenceTable();
  private final KeyedLocks<GroupKey> turns = new KeyedLocks<>();
  private final ScheduledExecutorService refresher;

  RedisPresence(UnifiedJedis redis, Keys keys, Duration ttl) {
    this.redis = redis;
    this.keys = keys;
    this.ttl = String.valueOf(ttl.toMillis());
    long every = Math.max(1, ttl.toMillis() / 3);
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rivulet-redis-presence");
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
  }

  void joined(GroupKey group, PresenceEntry entry) {
    PresenceEntry shared = entry.withKey(instance + ":" + entry.key());
    turns.lock(group);
    try {
      own.add(group, shared);
      add(group, List.of(shared));
    } catch (JedisException e) {
      LOG.debug("presence of {} not written yet ({}), the refresh adds it", group, e.getMessage());
    } finally {
      turns.unlock(group);
    }
  }

  void left(GroupKey group, PresenceEntry entry) {
    String member = instance + ":" + entry.key();
    turns.lock(group);
    try {
      if (own.remove(group, member)) {
        remove(group, List.of(member));
      }
    } catch (JedisException e) {
      LOG.debug("presence of {} not removed ({}), it expires", group, e.getMessage());
    } finally {
      turns.unlock(group);
    }
  }

  List<PresenceEntry> list(GroupKey group) {
    List<?> r = READ.run(redis, keys(group), List.of());
    List<?> members = (List<?>) r.get(0);
    List<?> values = (List<?>) r.get(1);
    List<PresenceEntry> entries = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      entries.add(decode((String) members.get(i), Json.parse((String) values.get(i))));
    }
    return entries;
  }

  private List<String> keys(GroupKey group) {
    return List.of(keys.presence(group), keys.presenceExpiry(group));
  }

  private void add(GroupKey group, List<PresenceEntry> entries) {
    for (int i = 0; i < entries.size(); i += CHUNK) {
      List<String> args = new ArrayList<>();
      args.add(ttl);
      for (PresenceEntry e : entries.subList(i, Math.min(i + CHUNK, entries.size()))) {
        args.add(e.key());
        args.add(
            Json.text(
                new Presence(e.subscriptionId(), e.itemId(), e.context(), e.joinedAt()).toJson()));
      }
      JOIN.run(redis, keys(group), args);
    }
  }

  private void remove(GroupKey group, List<String> members) {
    for (int i = 0; i < members.size(); i += CHUNK) {
      LEAVE.run(redis, keys(group), members.subList(i, Math.min(i + CHUNK, members.size())));
    }
  }

  /** Refreshes this instance's entries and re-adds those Redis lost. */
  private void refresh() {
    own.forEach(
        (group, ignored) -> {
          turns.lock(group);
          try {
            touch(group, own.entries(group)); // as of now, in this group's turn
          } catch (RuntimeException e) { // JedisException, or a reply of another shape
            LOG.debug("presence refresh of {} failed: {}", group, e.getMessage());
          } finally {
            turns.unlock(group);
          }
        });
  }

  private void touch(GroupKey group, List<PresenceEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Map<String, PresenceEntry> byMember =
        entries.stream().collect(Collectors.toMap(PresenceEntry::key, Function.identity()));
    List<PresenceEntry> lost = new ArrayList<>();
    for (int i = 0; i < entries.size(); i += CHUNK) {
      List<String> args = new ArrayList<>();
      args.add(ttl);
      entries.subList(i, Math.min(i + CHUNK, entries.size())).forEach(e -> args.add(e.key()));
      for (Object member : TOUCH.run(redis, keys(group), args)) {
        lost.add(byMember.get((String) member));
      }
    }
    if (!lost.isEmpty()) {
      LOG.debug("re-adding {} presence entries of {}", lost.size(), group);
      add(group, lost);
    }
  }

  private static PresenceEntry decode(String member, JsonNode node) {
    JsonNode id = node.get("id");
    JsonNode context = node.get("context");
    return new PresenceEntry(
        member,
        node.get("subscription_id").textValue(),
        id == null || id.isNull() ? null : id.textValue(),
        context == null || context.isNull() ? null : context,
        node.get("joined_at").asLong());
  }

  /** Stops refreshing and removes this instance's entries (best effort: else they expire). */
  @Override
  public void close() {
    refresher.shutdownNow();
    own.forEach(
        (group, ignored) -> {
          turns.lock(group); // after a refresh of the group that may be under way
          try {
            List<String> members = own.entries(group).stream().map(PresenceEntry::key).toList();
            members.forEach(m -> own.remove(group, m));
            remove(group, members);
          } catch (JedisException e) {
            LOG.debug("presence of {} not removed on close: {}", group, e.getMessage());
          } finally {
            turns.unlock(group);
          }
        });
  }
}
