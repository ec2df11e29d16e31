package example.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostEmbeddingTest {
  @Test
  void embedsOnTheModulePathWithoutAdaptersOrALoggingBinding() throws Exception {
    assertEquals("example.host", Host.class.getModule().getName(), "runs as a named module");
    assertTrue(ModuleLayer.boot().findModule("dev.rivulet.ws").isPresent());
    for (String absent :
        List.of(
            "dev.rivulet.kv",
            "dev.rivulet.redis",
            "redis.clients.jedis",
            "com.github.benmanes.caffeine",
            "org.slf4j.simple")) {
      assertTrue(ModuleLayer.boot().findModule(absent).isEmpty(), absent + " is not on the path");
    }
    String sync = Host.firstMessage();
    assertTrue(sync.contains("\"type\":\"sync\""), sync);
    assertTrue(sync.contains("{\"id\":\"o-1\",\"total\":5}"), sync);
  }
}
