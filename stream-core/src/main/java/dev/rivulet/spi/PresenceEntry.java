package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.Objects;

/**
 * One live subscriber of a group, as the engine hands it to {@link StorageAdapter#presenceJoined}
 * and reads it back from {@link StorageAdapter#presence}.
 *
 * @param key unique among the entries of this engine instance (an adapter that shares presence
 *     across instances makes it unique across them, e.g. by prefixing its instance id); not null
 * @param subscriptionId the subscription id the subscriber chose (unique per connection only); not
 *     null
 * @param itemId the joined item, or null for a join of the whole group
 * @param context the connection's auth context, or null
 * @param joinedAt when the join was accepted, epoch milliseconds
 */
public record PresenceEntry(
    String key, String subscriptionId, String itemId, JsonNode context, long joinedAt) {

  /** The order of {@code stream::presence}: joined first, then by subscription id, then key. */
  public static final Comparator<PresenceEntry> ORDER =
      Comparator.comparingLong(PresenceEntry::joinedAt)
          .thenComparing(PresenceEntry::subscriptionId, Names.ORDER)
          .thenComparing(PresenceEntry::key);

  /**
   * Checks the required components.
   *
   * @param key the entry's unique key; not null
   * @param subscriptionId the subscription id; not null
   * @param itemId the joined item, or null
   * @param context the auth context, or null
   * @param joinedAt epoch milliseconds
   * @throws NullPointerException when {@code key} or {@code subscriptionId} is null
   */
  public PresenceEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(subscriptionId, "subscriptionId");
  }

  /**
   * This entry under another key (an adapter's instance-wide key).
   *
   * @param newKey the key to use; not null
   * @return a copy with {@code newKey}
   */
  public PresenceEntry withKey(String newKey) {
    return new PresenceEntry(newKey, subscriptionId, itemId, context, joinedAt);
  }
}
