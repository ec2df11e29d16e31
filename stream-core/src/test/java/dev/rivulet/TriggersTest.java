package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code stream}, {@code stream:join} and {@code stream:leave} triggers (SPEC §5.3). */
class TriggersTest {
  private final StreamEngine engine = StreamEngine.builder().build();
  private final List<JsonNode> payloads = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    engine.close();
  }

  private StreamFunction recorder() {
    return payload -> {
      payloads.add(payload);
      return null;
    };
  }

  private Trigger streamTrigger(String id, String config, StreamFunction handler) {
    return Trigger.toHandler(id, TriggerType.STREAM, json(config), handler);
  }

  @Test
  void streamTriggerGetsTheWrapperMessageForEveryKindOfChange() {
    engine.triggers().register(streamTrigger("t", "{'stream_name':'s'}", recorder()));
    engine.set("s", "g", "i", json("1"));
    engine.update("s", "g", "i", List.of(UpdateOp.increment("", 1)));
    engine.send("s", "g", "ping", json("{'x':1}"), null);
    engine.delete("s", "g", "i");
    engine.delete("s", "g", "i"); // missing: fires nothing
    await().atMost(Duration.ofSeconds(10)).until(() -> payloads.size() == 4);
    assertThat(payloads)
        .extracting(p -> p.get("event").get("type").asText())
        .containsExactly("create", "update", "event", "delete");
    JsonNode create = payloads.get(0);
    assertThat(create.get("type").asText()).isEqualTo("stream");
    assertThat(create.get("streamName").asText()).isEqualTo("s");
    assertThat(create.get("groupId").asText()).isEqualTo("g");
    assertThat(create.get("id").asText()).isEqualTo("i");
    assertThat(create.get("event").get("data")).isEqualTo(json("1"));
    assertThat(payloads.get(2).get("id").isNull()).isTrue();
    assertThat(payloads.get(2).get("event"))
        .isEqualTo(json("{'type':'event','event':{'type':'ping','data':{'x':1}}}"));
    assertThat(payloads.get(3).get("event").get("data")).isEqualTo(json("2"));
    assertThat(payloads).extracting(p -> p.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void groupAndItemFiltersMatchExactlyAndEmptyMeansAny() {
    AtomicInteger any = new AtomicInteger();
    AtomicInteger group = new AtomicInteger();
    AtomicInteger item = new AtomicInteger();
    engine
        .triggers()
        .register(
            streamTrigger(
                "any",
                "{'stream_name':'s','group_id':'','item_id':''}",
                p -> {
                  any.incrementAndGet();
                  return null;
                }));
    engine
        .triggers()
        .register(
            streamTrigger(
                "group",
                "{'stream_name':'s','group_id':'g1'}",
                p -> {
                  group.incrementAndGet();
                  return null;
                }));
    engine
        .triggers()
        .register(
            streamTrigger(
                "item",
                "{'stream_name':'s','item_id':'i1'}",
                p -> {
                  item.incrementAndGet();
                  return null;
                }));
    engine.set("s", "g1", "i1", json("1"));
    engine.set("s", "g1", "i2", json("1"));
    engine.set("s", "g2", "i1", json("1"));
    engine.set("other", "g1", "i1", json("1"));
    engine.send("s", "g1", "t", json("1"), null); // id-less send never matches an item filter
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> any.get() == 4 && group.get() == 3 && item.get() == 2);
    assertThat(List.of(any.get(), group.get(), item.get())).containsExactly(4, 3, 2);
  }

  @Test
  void conditionDecidesExactlyLikeTheReference() throws Exception {
    engine.functions().register("cond::false", p -> BooleanNode.FALSE);
    engine.functions().register("cond::none", p -> null);
    engine.functions().register("cond::string", p -> TextNode.valueOf("hello"));
    engine
        .functions()
        .register(
            "cond::throws",
            p -> {
              throw new IllegalStateException("boom");
            });
    AtomicInteger called = new AtomicInteger();
    StreamFunction counting =
        p -> {
          called.incrementAndGet();
          return null;
        };
    engine.triggers().register(streamTrigger("plain", "{'stream_name':'events'}", counting));
    engine
        .triggers()
        .register(
            streamTrigger(
                "false",
                "{'stream_name':'events','condition_function_id':'cond::false'}",
                counting));
    engine
        .triggers()
        .register(
            streamTrigger(
                "none", "{'stream_name':'events','condition_function_id':'cond::none'}", counting));
    engine
        .triggers()
        .register(
            streamTrigger(
                "string",
                "{'stream_name':'events','condition_function_id':'cond::string'}",
                counting));
    engine
        .triggers()
        .register(
            streamTrigger(
                "throws",
                "{'stream_name':'events','condition_function_id':'cond::throws'}",
                counting));
    engine
        .triggers()
        .register(
            streamTrigger(
                "missing",
                "{'stream_name':'events','condition_function_id':'cond::missing'}",
                counting));
    CountDownLatch done = new CountDownLatch(1);
    engine
        .triggers()
        .register(
            streamTrigger(
                "last",
                "{'stream_name':'events'}",
                p -> {
                  done.countDown();
                  return null;
                }));
    engine.set("events", "g", "i", json("1"));
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(called).hasValue(3);
    assertThat(engine.triggers().failures()).isEqualTo(2);
  }

  @Test
  void triggerBoundToAFunctionIdCallsIt() {
    engine.functions().register("react::it", recorder());
    engine
        .triggers()
        .register(
            Trigger.toFunction("t", TriggerType.STREAM, Trigger.streamConfig("s"), "react::it"));
    engine.set("s", "g", "i", json("1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> payloads.size() == 1);
  }

  @Test
  void handlerFailuresAreCountedAndNeverReachTheWriter() {
    engine
        .triggers()
        .register(
            streamTrigger(
                "bad",
                "{'stream_name':'s'}",
                p -> {
                  throw new IllegalStateException("handler bug");
                }));
    engine
        .triggers()
        .register(
            Trigger.toFunction("gone", TriggerType.STREAM, Trigger.streamConfig("s"), "no::such"));
    engine.set("s", "g", "i", json("1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.triggers().failures() == 2);
    assertThat(engine.get("s", "g", "i")).isEqualTo(json("1"));
  }

  @Test
  void theWriterNeverWaitsForAHandler() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    engine
        .triggers()
        .register(
            streamTrigger(
                "slow",
                "{'stream_name':'s'}",
                p -> {
                  entered.countDown();
                  release.await(30, TimeUnit.SECONDS);
                  return null;
                }));
    engine.set("s", "g", "i", json("1"));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 100; i++) {
      engine.set("s", "g", "i", json(String.valueOf(i)));
    }
    assertThat(engine.get("s", "g", "i")).isEqualTo(json("99"));
    release.countDown();
  }

  @Test
  void handlersOfOneGroupRunInSeqOrder() throws Exception {
    List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
    engine
        .triggers()
        .register(
            streamTrigger(
                "order",
                "{'stream_name':'s'}",
                p -> {
                  seqs.add(p.get("seq").asLong());
                  return null;
                }));
    int threads = 4;
    int each = 250;
    Thread[] writers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      writers[t] =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  engine.set("s", "g", "i" + id, json(String.valueOf(i)));
                }
              });
      writers[t].start();
    }
    for (Thread w : writers) {
      w.join();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> seqs.size() == threads * each);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1L);
    }
  }

  @Test
  void registeringTheSameIdReplacesInsteadOfFiringTwice() {
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    engine
        .triggers()
        .register(
            streamTrigger(
                "t",
                "{'stream_name':'old'}",
                p -> {
                  first.incrementAndGet();
                  return null;
                }));
    assertThat(
            engine
                .triggers()
                .register(
                    streamTrigger(
                        "t",
                        "{'stream_name':'s'}",
                        p -> {
                          second.incrementAndGet();
                          return null;
                        })))
        .isPresent();
    engine.set("old", "g", "i", json("1"));
    engine.set("s", "g", "i", json("1"));
    engine.set("s", "g", "i", json("2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> second.get() == 2);
    assertThat(first).hasValue(0);
  }

  @Test
  void unregisterWorksForEveryTypeAndUnknownIdsAreEmpty() throws Exception {
    engine.triggers().register(streamTrigger("s", "{'stream_name':'s'}", recorder()));
    engine
        .triggers()
        .register(
            Trigger.toHandler("j", TriggerType.JOIN, null, p -> json("{'unauthorized':true}")));
    engine.triggers().register(Trigger.toHandler("l", TriggerType.LEAVE, null, recorder()));
    assertThat(engine.triggers().remove("s")).isPresent();
    assertThat(engine.triggers().remove("j")).isPresent();
    assertThat(engine.triggers().remove("l")).isPresent();
    assertThat(engine.triggers().remove("unknown")).isEmpty();
    assertThat(engine.triggers().find("s")).isEmpty();
    engine.set("s", "g", "i", json("1"));
    JoinRequest request = new JoinRequest("sub", "s", "g", null, null);
    assertThat(engine.join(request).get(10, TimeUnit.SECONDS)).isTrue();
    engine.leave(request).get(10, TimeUnit.SECONDS);
    CountDownLatch marker = new CountDownLatch(1);
    engine
        .triggers()
        .register(
            streamTrigger(
                "marker",
                "{'stream_name':'s'}",
                p -> {
                  marker.countDown();
                  return null;
                }));
    engine.set("s", "g", "i", json("2"));
    assertThat(marker.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(payloads).isEmpty();
  }

  @Test
  void streamTriggerWithoutStreamNameIsARegistrationError() {
    for (String config : List.of("{}", "{'stream_name':''}", "{'group_id':'g'}")) {
      assertThatThrownBy(() -> engine.triggers().register(streamTrigger("t", config, recorder())))
          .isInstanceOf(StreamException.class)
          .hasMessageContaining("stream_name")
          .extracting(e -> ((StreamException) e).code())
          .isEqualTo("invalid_argument");
    }
    assertThat(engine.triggers().find("t")).isEmpty();
  }

  @Test
  void nonObjectOrWrongTypedConfigIsARegistrationError() {
    assertThatThrownBy(
            () -> engine.triggers().register(streamTrigger("t", "'not-an-object'", recorder())))
        .isInstanceOf(StreamException.class)
        .hasMessageContaining("config must be a JSON object");
    assertThatThrownBy(
            () -> engine.triggers().register(streamTrigger("t", "{'stream_name':5}", recorder())))
        .isInstanceOf(StreamException.class)
        .hasMessageContaining("stream_name must be a string");
  }

  @Test
  void unknownTriggerTypeNameIsAnInvalidArgument() {
    assertThat(TriggerType.fromWireName("stream:join")).isEqualTo(TriggerType.JOIN);
    assertThatThrownBy(() -> TriggerType.fromWireName("stream:explode"))
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("invalid_argument");
  }

  // ---- join and leave ----

  @Test
  void joinIsRefusedWhenAnyHandlerSaysUnauthorizedAndAllHandlersRun() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    engine
        .triggers()
        .register(
            Trigger.toHandler(
                "deny",
                TriggerType.JOIN,
                null,
                p -> {
                  calls.incrementAndGet();
                  return json("{'unauthorized':true}");
                }));
    engine
        .triggers()
        .register(
            Trigger.toHandler(
                "allow",
                TriggerType.JOIN,
                null,
                p -> {
                  calls.incrementAndGet();
                  payloads.add(p);
                  return json("{'unauthorized':false}");
                }));
    JoinRequest request =
        new JoinRequest("sub-1", "orders", "group-a", "item-1", json("{'user':'alice'}"));
    assertThat(engine.join(request).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(calls).hasValue(2);
    assertThat(payloads.get(0))
        .isEqualTo(
            json(
                "{'subscription_id':'sub-1','stream_name':'orders','group_id':'group-a','id':'item-1','context':{'user':'alice'}}"));
  }

  @Test
  void joinIsAllowedForEveryOtherAnswerAndForHandlerErrors() throws Exception {
    List<StreamFunction> answers =
        List.of(
            p -> json("{'unauthorized':'nope'}"),
            p -> json("{}"),
            p -> json("true"),
            p -> null,
            p -> {
              throw new IllegalStateException("join handler bug");
            });
    for (int i = 0; i < answers.size(); i++) {
      engine
          .triggers()
          .register(Trigger.toHandler("j" + i, TriggerType.JOIN, null, answers.get(i)));
    }
    JoinRequest request = new JoinRequest("sub", "s", "g", null, null);
    assertThat(engine.join(request).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(request.toJson())
        .isEqualTo(
            json(
                "{'subscription_id':'sub','stream_name':'s','group_id':'g','id':null,'context':null}"));
  }

  @Test
  void joinAndLeaveConfigsHonourStreamNameAndCondition() throws Exception {
    engine
        .functions()
        .register("cond::vip", p -> BooleanNode.valueOf(p.path("context").path("vip").asBoolean()));
    engine
        .triggers()
        .register(
            Trigger.toHandler(
                "only-secret",
                TriggerType.JOIN,
                json("{'stream_name':'secret','condition_function_id':'cond::vip'}"),
                p -> json("{'unauthorized':true}")));
    assertThat(
            engine
                .join(new JoinRequest("a", "public", "g", null, json("{'vip':true}")))
                .get(10, TimeUnit.SECONDS))
        .isTrue();
    assertThat(
            engine
                .join(new JoinRequest("b", "secret", "g", null, json("{'vip':false}")))
                .get(10, TimeUnit.SECONDS))
        .isTrue();
    assertThat(
            engine
                .join(new JoinRequest("c", "secret", "g", null, json("{'vip':true}")))
                .get(10, TimeUnit.SECONDS))
        .isFalse();
  }

  @Test
  void leaveRunsEveryLeaveHandlerWithThePayload() throws Exception {
    engine.triggers().register(Trigger.toHandler("l1", TriggerType.LEAVE, null, recorder()));
    engine
        .triggers()
        .register(
            Trigger.toHandler(
                "l2",
                TriggerType.LEAVE,
                null,
                p -> {
                  throw new IllegalStateException("ignored");
                }));
    engine.leave(new JoinRequest("sub-cleanup", "s", "g", "i", null)).get(10, TimeUnit.SECONDS);
    assertThat(payloads).hasSize(1);
    assertThat(payloads.get(0).get("subscription_id").asText()).isEqualTo("sub-cleanup");
  }
}
