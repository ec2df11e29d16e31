package dev.rivulet.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.CommitListener;
import dev.rivulet.spi.EventTransport;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A {@link StorageAdapter} that forwards every call to another one; tests override the calls they
 * want to observe or break (record acknowledged changes, fail snapshots, drop events, …).
 */
public abstract class ForwardingStorageAdapter implements StorageAdapter {
  protected final StorageAdapter delegate;

  protected ForwardingStorageAdapter(StorageAdapter delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public JsonNode get(GroupKey group, String item) {
    return delegate.get(group, item);
  }

  @Override
  public Change set(GroupKey group, String item, JsonNode value, CommitListener listener) {
    return delegate.set(group, item, value, listener);
  }

  @Override
  public Change delete(GroupKey group, String item, CommitListener listener) {
    return delegate.delete(group, item, listener);
  }

  @Override
  public Change update(GroupKey group, String item, ItemUpdater updater, CommitListener listener) {
    return delegate.update(group, item, updater, listener);
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice, CommitListener listener) {
    return delegate.send(group, item, notice, listener);
  }

  @Override
  public List<JsonNode> list(GroupKey group) {
    return delegate.list(group);
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group) {
    return delegate.snapshot(group);
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group, String item) {
    return delegate.snapshot(group, item);
  }

  @Override
  public List<String> listGroups(String stream) {
    return delegate.listGroups(stream);
  }

  @Override
  public SortedMap<String, List<String>> listAll() {
    return delegate.listAll();
  }

  @Override
  public void remember(StreamEvent event) {
    delegate.remember(event);
  }

  @Override
  public Optional<List<StreamEvent>> eventsSince(GroupKey group, long since) {
    return delegate.eventsSince(group, since);
  }

  @Override
  public EventTransport transport() {
    return delegate.transport();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
