package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The typed handles of SPEC §10: Stream, Group, Item with POJO values. */
class HandlesTest {
  record Order(String id, int total, String status) {}

  record Stamped(String name, Instant at) {}

  /** A bean whose getter fails: conversion to JSON must be refused cleanly. */
  public static final class Broken {
    public String getValue() {
      throw new IllegalStateException("no value");
    }
  }

  private final StreamEngine engine = StreamEngine.builder().build();
  private final Group open = engine.stream("orders").group("open");

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void recordsRoundTripThroughTheStoredJson() {
    Item o1 = open.item("o-1");
    SetResult first = o1.set(new Order("o-1", 5, "new"));
    assertThat(first.oldValue()).isNull();
    assertThat(o1.get()).isEqualTo(json("{'id':'o-1','total':5,'status':'new'}"));

    UpdateResult r = o1.update(UpdateOp.increment("total", 2), UpdateOp.set("status", "paid"));
    assertThat(r.errors()).isEmpty();
    assertThat(o1.get(Order.class)).isEqualTo(new Order("o-1", 7, "paid"));
    assertThat(engine.get("orders", "open", "o-1")).isEqualTo(o1.get());

    assertThat(o1.delete()).isEqualTo(json("{'id':'o-1','total':7,'status':'paid'}"));
    assertThat(o1.get()).isNull();
    assertThat(o1.get(Order.class)).isNull();
  }

  @Test
  void anyValueKindIsStoredAsItsJson() {
    open.item("m").set(Map.of("a", 1));
    open.item("s").set("text");
    open.item("n").set(42);
    open.item("null").set(null);
    assertThat(open.item("m").get()).isEqualTo(json("{'a':1}"));
    assertThat(open.item("s").get()).isEqualTo(json("'text'"));
    assertThat(open.item("n").get(Integer.class)).isEqualTo(42);
    assertThat(open.item("null").get()).isEqualTo(json("null"));
    assertThat(open.item("null").get(String.class)).isNull();
  }

  @Test
  void aJsonNodeIsCopiedNotShared() {
    ObjectNode node = (ObjectNode) json("{'v':1}");
    open.item("i").set(node);
    node.put("v", 2);
    assertThat(open.item("i").get()).isEqualTo(json("{'v':1}"));
  }

  @Test
  void itemsKeepIdsInListOrderAndGroupsAreListed() {
    open.item("b").set(new Order("b", 2, "new"));
    open.item("a").set(new Order("a", 1, "new"));
    engine.stream("orders").group("closed").item("c").set(new Order("c", 3, "done"));

    Map<String, Order> items = open.items(Order.class);
    assertThat(items.keySet()).containsExactly("b", "a");
    assertThat(items.get("a")).isEqualTo(new Order("a", 1, "new"));
    assertThat(open.items().keySet()).containsExactly("b", "a");
    assertThat(open.list(Order.class)).extracting(Order::id).containsExactly("b", "a");
    assertThat(engine.stream("orders").groups()).containsExactly("closed", "open");
  }

  @Test
  void conversionFailuresAreInvalidArgumentAndWriteNothing() {
    Item i = open.item("i");
    assertThatThrownBy(() -> i.set(new Broken()))
        .isInstanceOfSatisfying(
            StreamException.class,
            e -> assertThat(e.code()).isEqualTo(StreamException.INVALID_ARGUMENT))
        .hasMessageContaining("Cannot convert");
    assertThat(i.get()).isNull();
    assertThat(open.snapshot().seq()).isZero();

    i.set(Map.of("not", "a number"));
    assertThatThrownBy(() -> i.get(Integer.class))
        .isInstanceOfSatisfying(
            StreamException.class,
            e -> assertThat(e.code()).isEqualTo(StreamException.INVALID_ARGUMENT))
        .hasMessageContaining("java.lang.Integer");
  }

  @Test
  void invalidNamesAreRefusedWhenTheHandleIsMade() {
    assertThatThrownBy(() -> engine.stream(""))
        .isInstanceOfSatisfying(
            StreamException.class,
            e -> assertThat(e.code()).isEqualTo(StreamException.INVALID_ARGUMENT));
    assertThatThrownBy(() -> open.item("x".repeat(600)))
        .isInstanceOfSatisfying(
            StreamException.class,
            e -> assertThat(e.code()).isEqualTo(StreamException.INVALID_ARGUMENT));
  }

  @Test
  void lambdaListenersGetEveryEventOfGroupAndItem() {
    List<StreamEvent> group = Collections.synchronizedList(new ArrayList<>());
    List<StreamEvent> item = Collections.synchronizedList(new ArrayList<>());
    Item a = open.item("a");
    Subscription g = open.subscribe(group::add);
    Subscription i = a.subscribe(item::add);
    try {
      a.set(new Order("a", 1, "new"));
      open.item("b").set(new Order("b", 2, "new"));
      open.send("typing", Map.of("user", "ada"));
      a.send("poke", "hi");
      await().atMost(Duration.ofSeconds(10)).until(() -> group.size() == 4 && item.size() == 2);
    } finally {
      g.close();
      i.close();
    }
    assertThat(group)
        .extracting(e -> e.kind().wireName())
        .containsExactly("create", "create", "event", "event");
    assertThat(group.get(2).data()).isEqualTo(json("{'user':'ada'}"));
    assertThat(item).extracting(StreamEvent::itemId).containsExactly("a", "a");
    assertThat(item.get(1).eventType()).isEqualTo("poke");
  }

  @Test
  void asyncFormsCompleteWithTheResultOrTheError() throws Exception {
    Item i = open.item("i");
    assertThat(i.setAsync(new Order("i", 1, "new")).get().newValue())
        .isEqualTo(json("{'id':'i','total':1,'status':'new'}"));
    assertThat(i.updateAsync(UpdateOp.increment("total", 4)).get().newValue().get("total").asInt())
        .isEqualTo(5);
    CompletableFuture<SetResult> failed = i.setAsync(new Broken());
    assertThatThrownBy(failed::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StreamException.class);
    assertThat(i.get(Order.class).total()).isEqualTo(5);
  }

  @Test
  void theDefaultMapperWritesJavaTimeAsIsoText() {
    Instant at = Instant.parse("2026-12-04T10:15:30Z");
    Item i = open.item("t");
    i.set(new Stamped("ada", at));
    assertThat(i.get()).isEqualTo(json("{'name':'ada','at':'2026-12-04T10:15:30Z'}"));
    assertThat(i.get(Stamped.class)).isEqualTo(new Stamped("ada", at));
  }

  @Test
  void aGivenObjectMapperConvertsValues() {
    try (StreamEngine snake =
        StreamEngine.builder()
            .objectMapper(
                JsonMapper.builder()
                    .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .build())
            .build()) {
      record Person(String firstName) {}
      Item p = snake.stream("s").group("g").item("p");
      p.set(new Person("Ada"));
      assertThat(p.get()).isEqualTo(json("{'first_name':'Ada'}"));
      assertThat(p.get(Person.class)).isEqualTo(new Person("Ada"));
    }
  }

  @Test
  void itemsIsRefusedWhereAListOverrideReturnsValuesWithoutIds() {
    engine.functions().register("stream::list(orders)", input -> json("[1,2]"));
    assertThat(open.list()).containsExactly(json("1"), json("2"));
    assertThatThrownBy(open::items)
        .isInstanceOfSatisfying(
            StreamException.class,
            e -> assertThat(e.code()).isEqualTo(StreamException.INVALID_ARGUMENT))
        .hasMessageContaining("use list()");
  }

  @Test
  void handlesAreValuesAndNameTheirPlace() {
    assertThat(engine.stream("orders").group("open").item("x"))
        .isEqualTo(open.item("x"))
        .hasToString("Item[orders/open/x]");
    assertThat(open.item("x").group()).isEqualTo(open);
    assertThat(open.stream().name()).isEqualTo("orders");
    assertThat(open.key().group()).isEqualTo("open");
  }

  @Test
  void typedTriggersGetEventsAndJoinRequests() throws Exception {
    List<StreamEvent> audited = Collections.synchronizedList(new ArrayList<>());
    List<JoinRequest> left = Collections.synchronizedList(new ArrayList<>());
    engine
        .triggers()
        .register(Trigger.onStream("orders").group("open").id("audit").handle(audited::add));
    engine
        .triggers()
        .register(
            Trigger.onJoin().stream("orders")
                .id("gate")
                .authorize(request -> request.context() != null));
    engine.triggers().register(Trigger.onLeave().handle(left::add));

    open.item("a").set(1);
    engine.stream("orders").group("closed").item("b").set(2);
    open.item("a").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> audited.size() == 2);
    assertThat(audited).extracting(e -> e.kind().wireName()).containsExactly("create", "delete");
    assertThat(audited).extracting(StreamEvent::seq).containsExactly(1L, 2L);
    assertThat(engine.triggers().find("audit")).isPresent();

    JoinRequest anonymous = new JoinRequest("s1", "orders", "open", null, null);
    JoinRequest known = new JoinRequest("s2", "orders", "open", "a", json("{'user':'ada'}"));
    assertThat(engine.join(anonymous).get()).isFalse();
    assertThat(engine.join(known).get()).isTrue();
    engine.leave(known).get();
    assertThat(left).containsExactly(known);
  }
}
