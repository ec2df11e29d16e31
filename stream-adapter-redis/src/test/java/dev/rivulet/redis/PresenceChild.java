package dev.rivulet.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rivulet.JoinRequest;
import dev.rivulet.StreamEngine;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The instance that crashes in {@link RedisPresenceTest}: an engine on Redis (args: url, presence
 * TTL in ms) with one subscriber in {@code chat/room}; prints {@code present} and waits for its
 * SIGKILL, so it never leaves.
 */
final class PresenceChild {
  private PresenceChild() {}

  public static void main(String[] args) throws Exception {
    StreamEngine engine =
        StreamEngine.builder()
            .storage(
                RedisAdapter.builder()
                    .url(args[0])
                    .presenceTtl(Duration.ofMillis(Long.parseLong(args[1])))
                    .build())
            .build();
    engine.present(
        new JoinRequest(
            "child-sub",
            "chat",
            "room",
            null,
            new ObjectMapper().createObjectNode().put("pid", ProcessHandle.current().pid())));
    System.out.println("present");
    System.out.flush();
    new CountDownLatch(1).await(); // until killed
  }
}
