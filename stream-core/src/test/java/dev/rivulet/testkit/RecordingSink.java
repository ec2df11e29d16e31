package dev.rivulet.testkit;

import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * An {@link EventSink} that records what an adapter reports, for adapter tests that run without an
 * engine. {@link #onCommit} runs inside {@link #committed}, for tests that watch the calls
 * themselves (overlaps, order).
 */
public final class RecordingSink implements EventSink {
  public final List<Event> committed = Collections.synchronizedList(new ArrayList<>());
  public final List<Event> delivered = Collections.synchronizedList(new ArrayList<>());
  public final List<GroupKey> lost = Collections.synchronizedList(new ArrayList<>());
  public volatile Consumer<Event> onCommit = e -> {};

  @Override
  public void committed(Event event) {
    onCommit.accept(event);
    committed.add(event);
  }

  @Override
  public void event(Event event) {
    delivered.add(event);
  }

  @Override
  public void lost(GroupKey group) {
    this.lost.add(group);
  }

  /** The seqs of the committed reports, in order. */
  public List<Long> committedSeqs() {
    synchronized (committed) {
      return committed.stream().map(Event::seq).toList();
    }
  }

  /** The seqs of the events delivered for {@code group}, in order. */
  public List<Long> deliveredSeqs(GroupKey group) {
    synchronized (delivered) {
      return delivered.stream().filter(e -> e.group().equals(group)).map(Event::seq).toList();
    }
  }
}
