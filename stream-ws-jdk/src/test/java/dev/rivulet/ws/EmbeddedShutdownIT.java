package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rivulet.StreamEngine;
import dev.rivulet.Trigger;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host that embeds the server and calls {@link StreamWebSocketServer#registerShutdownHook()}:
 * SIGTERM closes its clients with 1001 and fires their leave triggers (issue 10 §4).
 */
class EmbeddedShutdownIT {
  @TempDir Path dir;

  /** The host: prints its port, waits for SIGTERM; its leave trigger writes the left file. */
  public static void main(String[] args) throws Exception {
    Path left = Path.of(args[0]);
    StreamEngine engine = StreamEngine.builder().build();
    engine
        .triggers()
        .register(
            Trigger.onLeave().handle(request -> Files.writeString(left, request.subscriptionId())));
    StreamWebSocketServer server =
        StreamWebSocketServer.builder(engine).port(0).build().start().registerShutdownHook();
    System.out.println("port " + server.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  @Test
  void sigtermClosesClientsWith1001AndFiresLeaveTriggers() throws Exception {
    Path left = dir.resolve("left");
    Process host =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    EmbeddedShutdownIT.class.getName(),
                    left.toString()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("port ");
      int port = Integer.parseInt(line.substring(5));
      try (JdkClient client = new JdkClient(port, "/")) {
        client.join("sub-1", "s", "g", null);
        assertThat(client.next().path("event").path("type").asText()).isEqualTo("sync");
        host.destroy(); // SIGTERM
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
      }
      assertThat(host.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(left)).isEqualTo("sub-1");
    } finally {
      host.destroyForcibly();
    }
  }
}
