package dev.rivulet.spi;

import java.util.Objects;

/**
 * A (stream, group) pair: the unit of ordering ({@code seq}) and of locking. Names may contain any
 * character; adapters must never build a key by plain concatenation.
 */
public record GroupKey(String stream, String group) {
  public GroupKey {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(group, "group");
  }
}
