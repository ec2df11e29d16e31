package dev.rivulet.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.PresenceEntry;
import dev.rivulet.spi.Receipt;
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
  public void start(EventSink sink) {
    delegate.start(sink);
  }

  @Override
  public JsonNode get(GroupKey group, String item) {
    return delegate.get(group, item);
  }

  @Override
  public Change set(GroupKey group, String item, JsonNode value) {
    return delegate.set(group, item, value);
  }

  @Override
  public Change delete(GroupKey group, String item) {
    return delegate.delete(group, item);
  }

  @Override
  public Change update(GroupKey group, String item, ItemUpdater updater) {
    return delegate.update(group, item, updater);
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice) {
    return delegate.send(group, item, notice);
  }

  // Unguarded writes go through the plain methods, so a subclass that overrides only those still
  // sees every plain write; guarded ones are forwarded as they are.

  @Override
  public Receipt set(GroupKey group, String item, JsonNode value, Guard guard) {
    return guard.isNone()
        ? Receipt.of(set(group, item, value))
        : delegate.set(group, item, value, guard);
  }

  @Override
  public Receipt delete(GroupKey group, String item, Guard guard) {
    return guard.isNone() ? Receipt.of(delete(group, item)) : delegate.delete(group, item, guard);
  }

  @Override
  public Receipt update(GroupKey group, String item, ItemUpdater updater, Guard guard) {
    return guard.isNone()
        ? Receipt.of(update(group, item, updater))
        : delegate.update(group, item, updater, guard);
  }

  @Override
  public Receipt send(GroupKey group, String item, Notice notice, Guard guard) {
    return guard.isNone()
        ? Receipt.of(send(group, item, notice))
        : delegate.send(group, item, notice, guard);
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
  public Optional<List<Event>> eventsSince(GroupKey group, long since) {
    return delegate.eventsSince(group, since);
  }

  @Override
  public void subscribe(GroupKey group) {
    delegate.subscribe(group);
  }

  @Override
  public void unsubscribe(GroupKey group) {
    delegate.unsubscribe(group);
  }

  @Override
  public void presenceJoined(GroupKey group, PresenceEntry entry) {
    delegate.presenceJoined(group, entry);
  }

  @Override
  public void presenceLeft(GroupKey group, PresenceEntry entry) {
    delegate.presenceLeft(group, entry);
  }

  @Override
  public Optional<List<PresenceEntry>> presence(GroupKey group) {
    return delegate.presence(group);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
