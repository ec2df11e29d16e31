package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server started from the reference engine's own config shape ({@code --config}, an
 * {@code iii-stream} worker entry with {@code ${VAR:default}}) and {@code --iii-workers}: the
 * seed's presence example runs unchanged in node with the real iii-sdk (issue 12, done means).
 */
class IiiConfigServerIT {
  @TempDir Path dir;

  @BeforeAll
  static void nodeAndSdk() throws Exception {
    NodeWorker.assumeAvailable();
  }

  @Test
  void thePresenceExampleRunsAgainstTheServerStartedFromTheReferenceConfig() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(
        config,
        """
        workers:
          - name: iii-stream
            config:
              port: ${RIVULET_TEST_PORT:0}
              host: 127.0.0.1
              adapter:
                name: kv
                config:
                  store_method: file_based # Options: in_memory, file_based
                  file_path: %s
        """
            .formatted(dir.resolve("data")));
    Process server = StreamServerIT.start("--config", config.toString(), "--iii-workers");
    try {
      int port = StreamServerIT.awaitListening(server);
      try (NodeWorker node = NodeWorker.start("presence.mjs", "ws://127.0.0.1:" + port + "/iii")) {
        assertThat(node.await("user").get("user").toString())
            .isEqualTo("{\"name\":\"Alice\",\"online\":true}");
        assertThat(node.await("events").get("filtered")).hasSize(1);
        assertThat(node.exitCode()).as(node.output()).isZero();
      }
      assertThat(Files.list(dir.resolve("data")).count())
          .as("the file store is in use")
          .isPositive();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
