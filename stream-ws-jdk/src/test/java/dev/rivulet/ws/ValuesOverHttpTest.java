package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Item values over {@code POST /invoke} (SPEC §9 "Item size", "Values"). */
class ValuesOverHttpTest {
  private static final String ITEM = "\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\"";

  StreamEngine engine;
  StreamWebSocketServer server;

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
    server = StreamWebSocketServer.builder(engine).port(0).httpInvoke(true).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private HttpResponse<String> post(String function, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/invoke/" + function))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return JdkClient.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private long seq() {
    return engine.snapshot("s", "g", null).seq();
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "1" + "]".repeat(depth);
  }

  /** obs 3: repeated 900 KB appends grew one item to 75 MB. */
  @Test
  void anUpdateOverMaxItemBytesIs413AndWritesNothing() throws Exception {
    assertThat(post("stream::set", "{" + ITEM + ",\"data\":\"\"}").statusCode()).isEqualTo(200);
    String append =
        "{"
            + ITEM
            + ",\"ops\":[{\"type\":\"append\",\"value\":\""
            + "z".repeat(900 * 1024)
            + "\"}]}";
    assertThat(post("stream::update", append).statusCode()).isEqualTo(200);
    long seq = seq();
    HttpResponse<String> second = post("stream::update", append);
    assertThat(second.statusCode()).isEqualTo(413);
    assertThat(StreamProtocolTest.json(second.body()).path("code").asText())
        .isEqualTo("value_too_large");
    assertThat(seq()).isEqualTo(seq);
    assertThat(engine.get("s", "g", "i").textValue()).hasSize(900 * 1024);
  }

  /** obs 2: answered 500 but committed; stream::list of the group failed from then on. */
  @Test
  void anUpdateNestingTooDeepIs400AndTheGroupStaysListable() throws Exception {
    assertThat(post("stream::set", "{" + ITEM + ",\"data\":{}}").statusCode()).isEqualTo(200);
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      path.append(i == 0 ? "" : ",").append("\"p").append(i).append('"');
    }
    String update =
        "{"
            + ITEM
            + ",\"ops\":[{\"type\":\"append\",\"path\":["
            + path
            + "],\"value\":"
            + nested(990)
            + "}]}";
    long seq = seq();
    HttpResponse<String> refused = post("stream::update", update);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(StreamProtocolTest.json(refused.body()).path("code").asText())
        .isEqualTo("invalid_argument");
    assertThat(seq()).isEqualTo(seq);
    HttpResponse<String> list = post("stream::list", "{\"stream_name\":\"s\",\"group_id\":\"g\"}");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).isEqualTo("[{}]");
  }

  @Test
  void theDeepestValueAllowedTravelsBothWays() throws Exception {
    assertThat(post("stream::set", "{" + ITEM + ",\"data\":" + nested(1000) + "}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> get = post("stream::get", "{" + ITEM + "}");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(nested(1000));
    HttpResponse<String> deeper =
        post("stream::set", "{" + ITEM + ",\"data\":" + nested(1001) + "}");
    assertThat(deeper.statusCode()).isEqualTo(400);
    assertThat(StreamProtocolTest.json(deeper.body()).path("code").asText())
        .isEqualTo("invalid_argument");
  }

  /** obs 10: 1e400 was stored as the string "Infinity". */
  @Test
  void numbersOutsideTheDoubleRangeAreInvalidJsonAndBigIntegersStayExact() throws Exception {
    HttpResponse<String> huge = post("stream::set", "{" + ITEM + ",\"data\":{\"n\":1e400}}");
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(StreamProtocolTest.json(huge.body()).path("code").asText())
        .isEqualTo("invalid_json");
    assertThat(engine.get("s", "g", "i")).isNull();

    String exact = "{\"n\":123456789012345678901234567890123,\"d\":1.5E300}";
    assertThat(post("stream::set", "{" + ITEM + ",\"data\":" + exact + "}").statusCode())
        .isEqualTo(200);
    JsonNode got = StreamProtocolTest.json(post("stream::get", "{" + ITEM + "}").body());
    assertThat(got.get("n").bigIntegerValue().toString())
        .isEqualTo("123456789012345678901234567890123");
    assertThat(got.get("d").doubleValue()).isEqualTo(1.5e300);
  }

  @Test
  void aLoneSurrogateNameIs400() throws Exception {
    HttpResponse<String> bad =
        post(
            "stream::set",
            "{\"stream_name\":\"s\",\"group_id\":\"\\ud800\",\"item_id\":\"i\",\"data\":1}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(StreamProtocolTest.json(bad.body()).path("code").asText())
        .isEqualTo("invalid_argument");
    assertThat(engine.listAll()).isEmpty();
  }
}
