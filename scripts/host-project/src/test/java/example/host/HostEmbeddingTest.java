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
    assertTrue(sync.contains("{\"id\":\"o-1\",\"total\":5,\"status\":\"new\"}"), sync);
  }

  @Test
  void runsTheSpecExampleWithARecordType() throws Exception {
    assertEquals(
        List.of(
            "errors 0",
            "get Order[id=o-1, total=7, status=paid]",
            "items [o-1]",
            "groups [open]",
            "event create",
            "event update",
            "event event",
            "writes 2 events 3"),
        sorted(Host.example()));
  }

  /** The listener's lines arrive on another thread: compare them after the synchronous ones. */
  private static List<String> sorted(List<String> seen) {
    List<String> sync = new java.util.ArrayList<>();
    List<String> events = new java.util.ArrayList<>();
    for (String line : seen) {
      (line.startsWith("event ") ? events : sync).add(line);
    }
    List<String> result = new java.util.ArrayList<>(sync.subList(0, sync.size() - 1));
    result.addAll(events);
    result.add(sync.get(sync.size() - 1));
    return result;
  }
}
