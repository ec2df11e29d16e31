package dev.rivulet.redis;

import dev.rivulet.spi.GroupKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The key layout. Every name is encoded with unpadded base64url (alphabet {@code A-Za-z0-9-_}), so
 * no name can contain the separators {@code :} {@code .} {@code {} {@code }} of the layout and two
 * different names never give the same key. All keys and the channel of one group share the hash tag
 * {@code {<stream64>.<group64>}}, so they live in one Cluster slot:
 *
 * <pre>
 * P:{s.g}:items   HASH  item id -> value JSON
 * P:{s.g}:order   ZSET  item id scored by the seq that created it (list order)
 * P:{s.g}:meta    HASH  seq, ts (last timestamp)
 * P:{s.g}:history LIST  the latest event messages, seq-contiguous (resume with since)
 * P:{s.g}:versions HASH item id -> version (the seq of the change that last wrote it)
 * P:{s.g}:receipt:key64 HASH the receipt of an idempotent write (seq, ts, item, old, new, note),
 *                 expiring after the idempotency window
 * P:{s.g}:events  channel of the group's events (sharded pub/sub)
 * P:{s.g}:presence     HASH  presence member (instance:entry) -> entry JSON
 * P:{s.g}:presence-ttl ZSET  presence member scored by its expiry (Redis time, ms)
 * P:{idx}:streams         ZSET  names of streams with at least one non-empty group
 * P:{idx}:groups:stream64 ZSET  names of the stream's non-empty groups
 * </pre>
 */
final class Keys {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final String prefix;

  Keys(String prefix) {
    this.prefix = prefix;
  }

  static String encode(String name) {
    return B64.encodeToString(name.getBytes(StandardCharsets.UTF_8));
  }

  private String base(GroupKey group) {
    return prefix + ":{" + encode(group.stream()) + "." + encode(group.group()) + "}:";
  }

  String items(GroupKey group) {
    return base(group) + "items";
  }

  String order(GroupKey group) {
    return base(group) + "order";
  }

  String meta(GroupKey group) {
    return base(group) + "meta";
  }

  String history(GroupKey group) {
    return base(group) + "history";
  }

  String versions(GroupKey group) {
    return base(group) + "versions";
  }

  /** The receipt of the idempotency key {@code key} in the group's slot. */
  String receipt(GroupKey group, String key) {
    return base(group) + "receipt:" + encode(key);
  }

  String presence(GroupKey group) {
    return base(group) + "presence";
  }

  String presenceExpiry(GroupKey group) {
    return base(group) + "presence-ttl";
  }

  String channel(GroupKey group) {
    return base(group) + "events";
  }

  /** A channel in the group's slot that only this instance uses (pub/sub heartbeat). */
  String heartbeat(GroupKey group, String instance) {
    return base(group) + "hb:" + instance;
  }

  String streams() {
    return prefix + ":{idx}:streams";
  }

  String groups(String stream) {
    return prefix + ":{idx}:groups:" + encode(stream);
  }
}
