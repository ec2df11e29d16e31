package dev.rivulet;

import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.PresenceEntry;
import dev.rivulet.spi.PresenceTable;
import dev.rivulet.spi.StorageAdapter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stream::presence}: the engine's own entries (a {@link PresenceTable}) and the adapter's
 * shared ones ({@link StorageAdapter#presence}), sorted and bounded.
 */
final class Presences {
  private static final Logger LOG = LoggerFactory.getLogger(Presences.class);

  /** Default of {@code maxPresence}: entries one {@code stream::presence} returns. */
  static final int DEFAULT_MAX = 1_000;

  private final StorageAdapter storage;
  private final int max;
  private final LongSupplier clock;
  private final PresenceTable local = new PresenceTable();
  private final AtomicLong keys = new AtomicLong();

  Presences(StorageAdapter storage, int max, LongSupplier clock) {
    this.storage = storage;
    this.max = max;
    this.clock = clock;
  }

  Presence.Registration join(JoinRequest request) {
    GroupKey group = new GroupKey(request.streamName(), request.groupId());
    PresenceEntry entry =
        new PresenceEntry(
            Long.toString(keys.incrementAndGet(), 36),
            request.subscriptionId(),
            request.itemId(),
            request.context(),
            clock.getAsLong());
    local.add(group, entry);
    try {
      storage.presenceJoined(group, entry);
    } catch (RuntimeException e) {
      LOG.warn("could not record the presence of {} in {}", request.subscriptionId(), group, e);
    }
    AtomicBoolean left = new AtomicBoolean();
    return () -> {
      if (left.compareAndSet(false, true) && local.remove(group, entry.key())) {
        try {
          storage.presenceLeft(group, entry);
        } catch (RuntimeException e) {
          LOG.warn("could not remove the presence of {} in {}", entry.subscriptionId(), group, e);
        }
      }
    };
  }

  List<Presence> list(GroupKey group) {
    List<PresenceEntry> entries;
    try {
      entries = storage.presence(group).orElseGet(() -> local.entries(group));
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_PRESENCE_ERROR", "get presence", e);
    }
    return entries.stream()
        .sorted(PresenceEntry.ORDER)
        .limit(max)
        .map(e -> new Presence(e.subscriptionId(), e.itemId(), e.context(), e.joinedAt()))
        .toList();
  }
}
