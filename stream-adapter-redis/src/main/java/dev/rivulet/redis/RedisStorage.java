package dev.rivulet.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamException;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Names;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.PreconditionFailedException;
import dev.rivulet.spi.PresenceEntry;
import dev.rivulet.spi.Receipt;
import dev.rivulet.spi.StorageAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis storage adapter (see {@link Keys} for the layout and {@link Scripts} for the atomic
 * writes). Each write script assigns the seq, appends the event to the group's history and
 * publishes it on the group's channel, so every instance's subscribers get it from {@link
 * RedisTransport} in commit order. Writes of one group from this instance overlap on the wire;
 * {@link CommitOrder} reports them to the sink ({@link EventSink#committed}, for triggers) one at a
 * time in {@code seq} order. Updates of one item from this instance take turns (a local lock per
 * item) so they do not lose CAS rounds to each other; across instances the compare-and-set script
 * keeps them linearizable.
 *
 * <p>Cluster: the stream/group index keys live in the {@code {idx}} slot, so they are maintained by
 * separate idempotent commands: the group is added to the index before each set/update and again
 * after a write that made the group non-empty, and removed after a delete that emptied it (then
 * re-added if a concurrent write refilled it). A crash between the steps can only leave an index
 * entry of an empty group, which readers skip (they check that the group still has items).
 */
final class RedisStorage implements StorageAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStorage.class);
  private static final long UPDATE_DEADLINE_NANOS = 60_000_000_000L;

  private final UnifiedJedis redis;
  private final boolean cluster;
  private final Keys keys;
  private final RedisTransport transport;
  private final NearCache cache;
  private final String historyEvents;
  private final String historyMillis;
  private final long historyAgeMillis;
  private final CommitOrder order = new CommitOrder();
  private final KeyedLocks<ItemKey> updates = new KeyedLocks<>();
  private final KnownValues known = new KnownValues();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final RedisPresence presence;
  private volatile EventSink sink;

  RedisStorage(
      UnifiedJedis redis,
      boolean cluster,
      Keys keys,
      RedisTransport transport,
      NearCache cache,
      EventHistory.Limits history,
      Duration presenceTtl) {
    this.redis = redis;
    this.presence = new RedisPresence(redis, keys, presenceTtl);
    this.historyEvents = String.valueOf(history.maxEvents());
    this.historyAgeMillis = Math.max(1, history.maxAge().toMillis());
    this.historyMillis = String.valueOf(historyAgeMillis);
    this.cluster = cluster;
    this.keys = keys;
    this.transport = transport;
    this.cache = cache;
  }

  @Override
  public void start(EventSink sink) {
    this.sink = sink;
    transport.start(sink);
  }

  @Override
  public void subscribe(GroupKey group) {
    transport.subscribe(group);
  }

  @Override
  public void unsubscribe(GroupKey group) {
    transport.unsubscribe(group);
  }

  @Override
  public void presenceJoined(GroupKey group, PresenceEntry entry) {
    presence.joined(group, entry);
  }

  @Override
  public void presenceLeft(GroupKey group, PresenceEntry entry) {
    presence.left(group, entry);
  }

  @Override
  public Optional<List<PresenceEntry>> presence(GroupKey group) {
    try {
      return Optional.of(presence.list(group));
    } catch (JedisException e) {
      throw failure("STREAM_PRESENCE_ERROR", "get presence", e);
    }
  }

  // ---- reads ----

  @Override
  public JsonNode get(GroupKey group, String item) {
    boolean cacheable = cache != null && transport.live(group);
    if (cacheable) {
      JsonNode[] hit = cache.get(group, item);
      if (hit != null) {
        return hit[0];
      }
      GroupSnapshot one = snapshot(group, item, "STREAM_GET_ERROR", "get value");
      JsonNode value = one.value(item);
      cache.put(group, item, value, one.seq());
      return value;
    }
    String raw;
    try {
      raw = read(() -> redis.hget(keys.items(group), item));
    } catch (JedisException e) {
      throw failure("STREAM_GET_ERROR", "get value", e);
    }
    return raw == null ? null : parse(raw, group, item, "STREAM_GET_ERROR", "get value");
  }

  @Override
  public List<JsonNode> list(GroupKey group) {
    GroupSnapshot snapshot = snapshot(group, null, "STREAM_GET_GROUP_ERROR", "get group");
    List<JsonNode> values = new ArrayList<>(snapshot.items().size());
    snapshot.items().forEach(i -> values.add(i.value()));
    return values;
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group) {
    return snapshot(group, null, "STREAM_GET_GROUP_ERROR", "get group");
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group, String item) {
    return snapshot(group, item, "STREAM_GET_ERROR", "get value");
  }

  private GroupSnapshot snapshot(GroupKey group, String item, String code, String verb) {
    List<?> r;
    try {
      r =
          read(
              () ->
                  Scripts.SNAPSHOT.run(
                      redis,
                      List.of(keys.items(group), keys.order(group), keys.meta(group)),
                      List.of(item == null ? "" : item)));
    } catch (JedisException e) {
      throw failure(code, verb, e);
    }
    long seq = Long.parseLong((String) r.get(0));
    long ts = Long.parseLong((String) r.get(1));
    List<?> ids = (List<?>) r.get(2);
    List<?> raws = (List<?>) r.get(3);
    List<GroupSnapshot.Item> items = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      String id = (String) ids.get(i);
      items.add(new GroupSnapshot.Item(id, parse((String) raws.get(i), group, id, code, verb)));
    }
    return new GroupSnapshot(group, items, seq, ts);
  }

  @Override
  public List<String> listGroups(String stream) {
    try {
      return read(() -> groupsOf(stream));
    } catch (JedisException e) {
      throw failure("STREAM_LIST_GROUPS_ERROR", "list groups", e);
    }
  }

  private List<String> groupsOf(String stream) {
    List<String> groups = new ArrayList<>(redis.zrange(keys.groups(stream), 0, -1));
    if (cluster) {
      groups.removeIf(g -> !redis.exists(keys.items(new GroupKey(stream, g))));
    }
    groups.sort(Names.ORDER);
    return groups;
  }

  @Override
  public SortedMap<String, List<String>> listAll() {
    try {
      return read(
          () -> {
            SortedMap<String, List<String>> all = new TreeMap<>(Names.ORDER);
            for (String stream : redis.zrange(keys.streams(), 0, -1)) {
              List<String> groups = groupsOf(stream);
              if (!groups.isEmpty()) {
                all.put(stream, groups);
              }
            }
            return all;
          });
    } catch (JedisException e) {
      throw failure("STREAM_LIST_ALL_ERROR", "list stream", e);
    }
  }

  /**
   * Runs a read, retrying twice when a pooled connection turns out to be dead (Redis restarted or
   * killed it while idle); reads are idempotent, writes are never retried this way.
   */
  private static <T> T read(Supplier<T> call) {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.get();
      } catch (JedisConnectionException e) {
        if (attempt >= 2) {
          throw e;
        }
      }
    }
  }

  // ---- history ----

  @Override
  public Optional<List<Event>> eventsSince(GroupKey group, long since) {
    if (since < 0) {
      return Optional.empty();
    }
    List<?> r;
    try {
      r =
          read(
              () ->
                  Scripts.EVENTS.run(
                      redis,
                      List.of(keys.meta(group), keys.history(group)),
                      List.of(String.valueOf(since))));
    } catch (JedisException e) {
      throw failure("STREAM_GET_GROUP_ERROR", "read event history", e);
    }
    long seq = Long.parseLong((String) r.get(0));
    long now = Long.parseLong((String) r.get(1));
    if ((Long) r.get(2) != 1) {
      return Optional.empty();
    }
    List<?> messages = (List<?>) r.get(3);
    List<Event> events = new ArrayList<>(messages.size());
    long expected = since + 1;
    for (Object message : messages) {
      Event event;
      try {
        event = EventCodec.decode(group, (String) message);
      } catch (Exception e) {
        LOG.warn("undecodable history entry of {}: {}", group, e.getMessage());
        return Optional.empty();
      }
      if (event.seq() != expected++) {
        return Optional.empty(); // not contiguous (written by a differently configured instance)
      }
      events.add(event);
    }
    if (expected != seq + 1
        || (!events.isEmpty() && events.get(0).timestamp() < now - historyAgeMillis)) {
      return Optional.empty();
    }
    return Optional.of(events);
  }

  // ---- writes ----

  @Override
  public Change set(GroupKey group, String item, JsonNode value) {
    return set(group, item, value, Guard.NONE).change();
  }

  @Override
  public Receipt set(GroupKey group, String item, JsonNode value, Guard guard) {
    String json = EventCodec.json(value);
    Written w;
    try {
      w = write("set", group, item, json, null, "c", guard, "");
    } catch (JedisException e) {
      known.forget(group, item);
      throw writeFailure("STREAM_SET_ERROR", "set value", e);
    }
    if (w.status != 1) {
      return settled(group, item, w, guard);
    }
    known.refresh(group, item, json);
    return Receipt.of(commit(group, item, oldValue(w), value, w, null));
  }

  @Override
  public Change delete(GroupKey group, String item) {
    return delete(group, item, Guard.NONE).change();
  }

  @Override
  public Receipt delete(GroupKey group, String item, Guard guard) {
    Written w;
    try {
      w = write("del", group, item, "", null, "d", guard, "");
    } catch (JedisException e) {
      known.forget(group, item);
      throw writeFailure("STREAM_DELETE_ERROR", "delete value", e);
    }
    if (w.status == 3 || w.status == 4) {
      return settled(group, item, w, guard);
    }
    known.refresh(group, item, null);
    if (w.status == 2) {
      return Receipt.of(Change.nothing(group, item));
    }
    return Receipt.of(commit(group, item, oldValue(w), null, w, null));
  }

  /**
   * A write the script did not commit because of its guard: the first call's receipt (status 3) or
   * a failed version condition (status 4).
   */
  private static Receipt settled(GroupKey group, String item, Written w, Guard guard) {
    if (w.status == 3) {
      return ReceiptCodec.replay(group, (List<?>) w.detail);
    }
    if (w.status == 4) {
      throw new PreconditionFailedException(item, (Long) w.detail, guard.ifVersion());
    }
    throw new IllegalStateException("unexpected write status " + w.status);
  }

  @Override
  public Change update(GroupKey group, String item, ItemUpdater updater) {
    return update(group, item, updater, Guard.NONE).change();
  }

  @Override
  public Receipt update(GroupKey group, String item, ItemUpdater updater, Guard guard) {
    long deadline = System.nanoTime() + UPDATE_DEADLINE_NANOS;
    ItemKey key = new ItemKey(group, item);
    updates.lock(key);
    try {
      KnownValues.Known known = this.known.get(group, item);
      String raw;
      if (known != null) {
        raw = known.raw(); // verified by the compare-and-set; a stale one costs one more round
      } else {
        try {
          raw = redis.hget(keys.items(group), item);
        } catch (JedisException e) {
          throw notApplied(failure("STREAM_UPDATE_ERROR", "update value", e));
        }
      }
      while (true) {
        JsonNode current;
        try {
          current =
              raw == null ? null : parse(raw, group, item, "STREAM_UPDATE_ERROR", "update value");
        } catch (StreamException e) {
          this.known.forget(group, item); // never keep a foreign value around
          throw e;
        }
        JsonNode next = updater.apply(current);
        String json = EventCodec.json(next);
        JsonNode note = guard.idempotent() ? updater.note() : null;
        Written w;
        try {
          w =
              write(
                  "cas",
                  group,
                  item,
                  json,
                  raw,
                  "c",
                  guard,
                  note == null ? "" : EventCodec.json(note));
        } catch (JedisException e) {
          this.known.forget(group, item);
          throw writeFailure("STREAM_UPDATE_ERROR", "update value", e);
        }
        if (w.status == 1) {
          this.known.put(group, item, json);
          return new Receipt(commit(group, item, current, next, w, null), note, false);
        }
        if (w.status != 0) {
          return settled(group, item, w, guard);
        }
        raw = w.old; // the current text, returned by the failed compare-and-set
        this.known.put(group, item, raw);
        if (System.nanoTime() > deadline) {
          throw new StreamException(
              "STREAM_UPDATE_ERROR",
              "Failed to update value: too much contention on item '" + item + "'",
              null,
              StreamException.Outcome.NOT_APPLIED);
        }
        Thread.onSpinWait();
      }
    } finally {
      updates.unlock(key);
    }
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice) {
    return send(group, item, notice, Guard.NONE).change();
  }

  @Override
  public Receipt send(GroupKey group, String item, Notice notice, Guard guard) {
    String kind = EventCodec.kind(notice.kind());
    String data = EventCodec.noticeData(notice);
    Written w;
    try {
      w = write("send", group, item, data, null, kind, guard, "");
    } catch (JedisException e) {
      throw writeFailure("STREAM_SEND_ERROR", "send event", e);
    }
    if (w.status != 1) {
      return settled(group, item, w, guard);
    }
    return Receipt.of(commit(group, item, null, null, w, notice));
  }

  private record ItemKey(GroupKey group, String item) {}

  /**
   * The result of the write script; a committed one holds a {@link CommitOrder} ticket. {@code
   * detail} is the receipt's fields (status 3) or the item's version (status 4).
   */
  private record Written(
      long status,
      long seq,
      long ts,
      String old,
      boolean wasEmpty,
      boolean nowEmpty,
      long ticket,
      Object detail) {}

  /**
   * Runs the write script; {@code kind} is the event kind of a send (the script derives the
   * others), {@code guard} its version condition and receipt key, {@code note} what the receipt
   * remembers beside the change.
   */
  private Written write(
      String mode,
      GroupKey group,
      String item,
      String value,
      String expected,
      String kind,
      Guard guard,
      String note) {
    boolean mayCreate = mode.equals("set") || mode.equals("cas");
    if (cluster && mayCreate) {
      index("add", group);
    }
    List<String> keyList =
        cluster
            ? List.of(
                keys.items(group),
                keys.order(group),
                keys.meta(group),
                keys.history(group),
                keys.versions(group),
                receiptKey(group, guard))
            : List.of(
                keys.items(group),
                keys.order(group),
                keys.meta(group),
                keys.history(group),
                keys.versions(group),
                receiptKey(group, guard),
                keys.streams(),
                keys.groups(group.stream()));
    List<String> args =
        List.of(
            mode,
            item == null ? "" : item,
            value,
            expected == null ? "0" : "1",
            expected == null ? "" : expected,
            keys.channel(group),
            EventCodec.header(item),
            kind,
            group.stream(),
            group.group(),
            historyEvents,
            historyMillis,
            String.valueOf(guard.ifVersion()),
            String.valueOf(guard.windowMillis()),
            note);
    long ticket = order.begin(group);
    Written w;
    try {
      List<?> r = Scripts.WRITE.run(redis, keyList, args);
      long status = (Long) r.get(0);
      if (status != 1) {
        order.abandon(group, ticket);
        String current = status == 0 && r.size() > 1 ? (String) r.get(1) : null;
        Object detail = status >= 3 ? r.get(1) : null;
        return new Written(status, 0, 0, current, false, false, 0, detail);
      }
      w =
          new Written(
              1,
              (Long) r.get(1),
              Long.parseLong((String) r.get(2)),
              (String) r.get(3),
              ((Long) r.get(4)) == 1,
              ((Long) r.get(5)) == 1,
              ticket,
              null);
    } catch (RuntimeException e) {
      order.abandon(group, ticket);
      throw e;
    }
    if (cluster) {
      try {
        if (w.wasEmpty) {
          index("add", group);
        } else if (w.nowEmpty) {
          index("remove", group);
          if (redis.exists(keys.items(group))) {
            index("add", group); // refilled concurrently
          }
        }
      } catch (RuntimeException e) { // never leave the commit ticket behind
        LOG.warn("index of {} not updated (readers tolerate it): {}", group, e.getMessage());
      }
    }
    return w;
  }

  /** The receipt key of the guard's idempotency key (an unused key of the slot without one). */
  private String receiptKey(GroupKey group, Guard guard) {
    return keys.receipt(group, guard.idempotent() ? guard.idempotencyKey() : "");
  }

  private void index(String op, GroupKey group) {
    Scripts.INDEX.run(
        redis,
        List.of(keys.streams(), keys.groups(group.stream())),
        List.of(op, group.stream(), group.group()));
  }

  private static JsonNode oldValue(Written w) {
    return ReceiptCodec.value(w.old); // a foreign non-JSON value overwritten: as a string
  }

  private Change commit(
      GroupKey group, String item, JsonNode oldValue, JsonNode newValue, Written w, Notice notice) {
    Change change = new Change(group, item, oldValue, newValue, w.seq, w.ts);
    if (cache != null && notice == null) { // not for a send
      cache.put(group, item, newValue, w.seq);
    }
    // the script already published the event and appended it to the history
    EventSink target = sink;
    if (target == null) {
      order.commit(group, w.ticket, w.seq, () -> {});
    } else {
      Event event = notice == null ? change.event() : change.event(notice);
      order.commit(group, w.ticket, w.seq, () -> target.committed(event));
    }
    return change;
  }

  private JsonNode parse(String raw, GroupKey group, String item, String code, String verb) {
    try {
      return EventCodec.parse(raw);
    } catch (Exception e) {
      throw new StreamException(
          code,
          "Failed to "
              + verb
              + ": item '"
              + item
              + "' in Redis key '"
              + keys.items(group)
              + "' is not valid JSON ("
              + e.getMessage().lines().findFirst().orElse("")
              + ")",
          e);
    }
  }

  /**
   * A failed write, classified (SPEC §9): refused before it was sent (no pooled connection, no
   * connection at all) or answered with an error → certainly not applied; sent and then the
   * connection failed or timed out → the outcome is unknown.
   */
  static StreamException writeFailure(String code, String verb, JedisException e) {
    StreamException plain = failure(code, verb, e);
    if (!WriteOutcome.mayBeApplied(e)) {
      return notApplied(plain);
    }
    return new StreamException(
        code,
        plain.getMessage() + " (outcome unknown: the write may have been applied)",
        e,
        StreamException.Outcome.UNKNOWN);
  }

  private static StreamException notApplied(StreamException e) {
    return new StreamException(
        e.code(), e.getMessage(), e.getCause(), StreamException.Outcome.NOT_APPLIED);
  }

  static StreamException failure(String code, String verb, JedisException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new StreamException(code, "Failed to " + verb + ": Redis: " + message, e);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        presence.close();
        transport.close();
      } finally {
        redis.close();
      }
    }
  }
}
