package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec on the exact frames npm {@code iii-sdk} 0.22.1 sends (recorded by {@code
 * src/test/node/record-frames.mjs}: the presence example, a reconnect with its replay, then
 * unregistering), and on the frames it must answer or ignore.
 */
class IiiCodecTest {
  private static List<String> recorded() throws Exception {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                IiiCodecTest.class.getResourceAsStream("iii-sdk-0.22.1-frames.jsonl"),
                StandardCharsets.UTF_8))) {
      return in.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  private static IiiCodec.Inbound decode(String frame) {
    return IiiCodec.decode(frame.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyRecordedSdkFrameDecodesToItsMessage() throws Exception {
    List<IiiCodec.Inbound> messages = recorded().stream().map(IiiCodecTest::decode).toList();
    assertThat(messages).noneMatch(m -> m instanceof IiiCodec.Malformed);
    assertThat(messages.stream().map(m -> m.getClass().getSimpleName()))
        .containsExactly(
            "InvokeFunction", // the void stream::set queued before the socket opened
            "InvokeFunction", // the awaited stream::get
            "InvokeFunction", // engine::workers::register (void)
            "RegisterFunction",
            "RegisterTrigger",
            "InvokeFunction",
            "Reattach", // reconnect: reattach, then the replay, then engine::workers::register
            "RegisterFunction",
            "RegisterTrigger",
            "InvokeFunction",
            "InvokeFunction",
            "UnregisterTrigger",
            "UnregisterFunction",
            "InvokeFunction");
  }

  @Test
  void theVoidSetHasNoInvocationIdAndTheAwaitedGetHasOne() throws Exception {
    List<String> frames = recorded();
    IiiCodec.InvokeFunction set = (IiiCodec.InvokeFunction) decode(frames.get(0));
    assertThat(set.invocationId()).isNull();
    assertThat(set.functionId()).isEqualTo("stream::set");
    assertThat(set.action()).isEqualTo("void");
    assertThat(set.data().get("data").get("name").asText()).isEqualTo("Alice");
    IiiCodec.InvokeFunction get = (IiiCodec.InvokeFunction) decode(frames.get(1));
    assertThat(get.invocationId()).isNotBlank();
    assertThat(get.action()).isNull();
    IiiCodec.InvokeFunction register = (IiiCodec.InvokeFunction) decode(frames.get(2));
    assertThat(register.functionId()).isEqualTo("engine::workers::register");
    assertThat(register.invocationId()).isNull();
    assertThat(register.data().get("runtime").asText()).isEqualTo("node");
  }

  @Test
  void registrationsKeepTheirIdsAcrossTheReplayAndIgnoreMessageType() throws Exception {
    List<String> frames = recorded();
    IiiCodec.RegisterFunction function = (IiiCodec.RegisterFunction) decode(frames.get(3));
    assertThat(function.id()).isEqualTo("presence::on-change");
    assertThat(function.httpInvoked()).isFalse();
    IiiCodec.RegisterTrigger trigger = (IiiCodec.RegisterTrigger) decode(frames.get(4));
    assertThat(frames.get(4)).contains("\"message_type\"");
    assertThat(trigger.triggerType()).isEqualTo("stream");
    assertThat(trigger.functionId()).isEqualTo("presence::on-change");
    assertThat(trigger.config().get("group_id").asText()).isEqualTo("room-1");
    IiiCodec.Reattach reattach = (IiiCodec.Reattach) decode(frames.get(6));
    assertThat(reattach.previousWorkerId()).isEqualTo("w-1");
    assertThat(reattach.token()).isEqualTo("t-1");
    IiiCodec.RegisterTrigger replayed = (IiiCodec.RegisterTrigger) decode(frames.get(8));
    assertThat(replayed.id()).isEqualTo(trigger.id());
    IiiCodec.UnregisterTrigger gone = (IiiCodec.UnregisterTrigger) decode(frames.get(11));
    assertThat(gone.id()).isEqualTo(trigger.id());
  }

  @Test
  void answersOfTheWorkerCarryResultOrError() {
    IiiCodec.InvocationResult ok =
        (IiiCodec.InvocationResult)
            decode(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i1\",\"function_id\":\"f\","
                    + "\"result\":{\"a\":1},\"traceparent\":\"00-x\"}");
    assertThat(ok.result().get("a").asInt()).isEqualTo(1);
    assertThat(ok.error()).isNull();
    IiiCodec.InvocationResult none =
        (IiiCodec.InvocationResult)
            decode(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i2\",\"function_id\":\"f\"}");
    assertThat(none.result()).isNull();
    IiiCodec.InvocationResult failed =
        (IiiCodec.InvocationResult)
            decode(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i3\",\"function_id\":\"f\","
                    + "\"error\":{\"code\":\"invocation_failed\",\"message\":\"boom\","
                    + "\"stacktrace\":\"Error: boom\"}}");
    assertThat(failed.error().get("code").asText()).isEqualTo("invocation_failed");
  }

  @Test
  void badFramesAreMalformedAndKeepTheInvocationIdToAnswer() {
    assertThat(decode("not json")).isInstanceOf(IiiCodec.Malformed.class);
    assertThat(decode("[1,2]")).isInstanceOf(IiiCodec.Malformed.class);
    assertThat(decode("{\"no\":\"type\"}")).isInstanceOf(IiiCodec.Malformed.class);
    assertThat(decode("{\"type\":\"invokefunction\",\"invocation_id\":\"i9\"}"))
        .isEqualTo(new IiiCodec.Malformed("invokefunction needs a function_id", "i9", null));
    assertThat(decode("{\"type\":\"teleport\",\"invocation_id\":\"i8\",\"function_id\":\"f\"}"))
        .isEqualTo(new IiiCodec.Malformed("unknown type teleport", "i8", "f"));
    assertThat(decode("{\"type\":\"invocationresult\"}")).isInstanceOf(IiiCodec.Malformed.class);
    assertThat(decode("{\"type\":\"registertrigger\",\"id\":\"t\"}"))
        .isInstanceOf(IiiCodec.Malformed.class);
    assertThat(decode("{\"type\":\"registertriggertype\",\"id\":\"x\",\"description\":\"d\"}"))
        .isEqualTo(new IiiCodec.Ignored("registertriggertype"));
    assertThat(decode("{\"type\":\"ping\"}")).isInstanceOf(IiiCodec.Ping.class);
  }

  @Test
  void engineFramesHaveTheShapesTheSdkReads() throws Exception {
    assertThat(IiiCodec.workerRegistered("w", "t"))
        .isEqualTo(
            json("{\"type\":\"workerregistered\",\"worker_id\":\"w\",\"reattach_token\":\"t\"}"));
    assertThat(IiiCodec.invocationResult("i", "f", null))
        .isEqualTo(
            json("{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\"}"));
    assertThat(IiiCodec.invocationError("i", "f", "function_not_found", "nope"))
        .isEqualTo(
            json(
                "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\","
                    + "\"error\":{\"code\":\"function_not_found\",\"message\":\"nope\"}}"));
    assertThat(IiiCodec.triggerRegistrationResult("t", "stream", "f", null, null))
        .isEqualTo(
            json(
                "{\"type\":\"triggerregistrationresult\",\"id\":\"t\",\"trigger_type\":\"stream\","
                    + "\"function_id\":\"f\"}"));
    assertThat(IiiCodec.invokeFunction(null, "f", json("{\"a\":1}")))
        .isEqualTo(json("{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":{\"a\":1}}"));
  }

  private static JsonNode json(String text) throws Exception {
    return JdkClient.MAPPER.readTree(text);
  }
}
