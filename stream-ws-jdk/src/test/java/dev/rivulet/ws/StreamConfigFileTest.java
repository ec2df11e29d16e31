package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config FILE}: the iii engine's YAML for its iii-stream worker (SPEC §12). */
class StreamConfigFileTest {
  @TempDir Path dir;

  private String file(String yaml) throws Exception {
    Path p = dir.resolve("config.yaml");
    Files.writeString(p, yaml);
    return p.toString();
  }

  /** The shape of the reference engine's config.yaml: other workers, comments, ${VAR:default}. */
  private static final String ENGINE_CONFIG =
      """
      registration_namespace_grace_ms: 5000

      workers:
        - name: iii-stream
          config:
            port: ${STREAM_PORT:3112}
            host: 0.0.0.0
            auth_function: "auth::ws"   # called at each upgrade
            adapter:
              # name: redis
              name: kv
              config:
                store_method: file_based # Options: in_memory, file_based
                file_path: ./data/stream_store

        - name: iii-state
          config:
            adapter:
              name: kv
              config: {}
      """;

  @Test
  void theEngineConfigsIiiStreamEntryConfiguresTheServer() throws Exception {
    ServerFlags f = ServerFlags.parse(new String[] {"--config", file(ENGINE_CONFIG)}, Map.of());
    assertThat(f.port).isEqualTo(3112);
    assertThat(f.host).isEqualTo("0.0.0.0");
    assertThat(f.authFunction).isEqualTo("auth::ws");
    assertThat(f.store).isEqualTo("file");
    assertThat(f.dataDir).isEqualTo("./data/stream_store");
    assertThat(f.redisUrl).isNull();
  }

  @Test
  void variablesExpandFromTheEnvironmentAndFlagsOverrideTheFile() throws Exception {
    String config = file(ENGINE_CONFIG);
    assertThat(
            ServerFlags.parse(new String[] {"--config", config}, Map.of("STREAM_PORT", "4000"))
                .port)
        .isEqualTo(4000);
    ServerFlags f =
        ServerFlags.parse(
            new String[] {"--port", "0", "--config", config, "--store", "memory"}, Map.of());
    assertThat(f.port).isZero();
    assertThat(f.store).isEqualTo("memory");
    assertThat(f.host).isEqualTo("0.0.0.0");
  }

  @Test
  void aWorkerFileAndARedisAdapterAreRead() throws Exception {
    String worker =
        file(
            """
            iii: v1
            name: iii-stream
            config:
              port: 3200
              host: 127.0.0.1
              adapter:
                name: redis
                config:
                  redis_url: ${REDIS_URL:redis://localhost:6379}
            """);
    ServerFlags f = ServerFlags.parse(new String[] {"--config", worker}, Map.of());
    assertThat(f.port).isEqualTo(3200);
    assertThat(f.redisUrl).isEqualTo("redis://localhost:6379");
  }

  @Test
  void badFilesAreOneLineErrors() throws Exception {
    assertThatThrownBy(
            () -> ServerFlags.parse(new String[] {"--config", "/no/such.yaml"}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("--config /no/such.yaml");
    String badPort = file("port: lots\n");
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--config", badPort}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("port");
    String badAdapter = file("adapter:\n  name: bridge\n");
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--config", badAdapter}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("unsupported adapter bridge");
    String broken = file("port: 1\nadapter: [kv\n");
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--config", broken}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("not YAML")
        .hasMessageContaining("line");
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--config"}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class);
  }

  @Test
  void anyYamlTheReferenceAcceptsIsRead() throws Exception {
    String flow =
        file(
            """
            # flow style and quotes
            name: iii-stream
            config:
              port: 3300
              adapter: {name: kv, config: {store_method: 'file_based', file_path: "/tmp/x # y"}}
            """);
    ServerFlags f = ServerFlags.parse(new String[] {"--config", flow}, Map.of());
    assertThat(f.port).isEqualTo(3300);
    assertThat(f.store).isEqualTo("file");
    assertThat(f.dataDir).isEqualTo("/tmp/x # y");
  }

  @Test
  void expansionUsesTheDefaultOnlyWhenTheVariableIsUnset() {
    assertThat(StreamConfigFile.expand("${A:1}-${B}-${C:x}", Map.of("A", "9"))).isEqualTo("9--x");
  }
}
