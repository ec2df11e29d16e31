package dev.rivulet.spi;

import java.util.Objects;

/**
 * A (stream, group) pair: the unit of ordering ({@code seq}) and of locking. Names may contain any
 * character; adapters must never build a key by plain concatenation.
 *
 * @param stream the stream name; never null
 * @param group the group id within the stream; never null
 */
public record GroupKey(String stream, String group) {
  /**
   * Checks the names are present (the engine checks their form before building a key).
   *
   * @param stream the stream name; never null
   * @param group the group id within the stream; never null
   * @throws NullPointerException when either is null
   */
  public GroupKey {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(group, "group");
  }
}
