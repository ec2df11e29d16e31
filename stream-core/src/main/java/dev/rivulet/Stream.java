package dev.rivulet;

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
    this.name = Inputs.checkName("stream", "stream_name", name);
  }

  /**
   * The stream's name, as given to {@link StreamEngine#stream(String)} (already checked: non-empty,
   * at most 512 UTF-8 bytes, no lone surrogate).
   *
   * @return the stream name; never null
   */
  public String name() {
    return name;
  }

  /**
   * The handle of group {@code id} of this stream (whether or not it holds items). Creating it does
   * no I/O.
   *
   * @param id the group id: any non-empty string of at most 512 UTF-8 bytes without a lone UTF-16
   *     surrogate
   * @return the group handle; never null
   * @throws StreamException {@code invalid_argument} for a null, empty, oversized or invalid id
   */
  public Group group(String id) {
    return new Group(core, values, this, id);
  }

  /**
   * {@code stream::list_groups}: the ids of the stream's non-empty groups, sorted ascending (an
   * emptied group is not listed). A {@code stream::list_groups(<stream>)} override supplies the
   * list, in its own order, when one is registered.
   *
   * @return the group ids; empty for a stream without items
   * @throws StreamException {@code STREAM_LIST_GROUPS_ERROR} when storage fails, {@code
   *     engine_closed} after close
   */
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
