package dev.rivulet;

import dev.rivulet.internal.EngineCore;
import dev.rivulet.internal.NameCheck;
import java.util.List;

/**
 * A stream of an engine: a cheap, immutable, thread-safe handle (creating one does no I/O). Get one
 * with {@link StreamEngine#stream(String)}.
 */
public final class Stream {
  private final EngineCore core;
  private final Values values;
  private final String name;

  Stream(EngineCore core, Values values, String name) {
    this.core = core;
    this.values = values;
    this.name = NameCheck.name("stream", "stream_name", name);
  }

  public String name() {
    return name;
  }

  /** The handle of group {@code id} of this stream (whether or not it holds items). */
  public Group group(String id) {
    return new Group(core, values, this, id);
  }

  /** {@code stream::list_groups}: the stream's non-empty groups, sorted. */
  public List<String> groups() {
    return core.listGroups(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Stream other && other.core == core && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "Stream[" + name + "]";
  }
}
