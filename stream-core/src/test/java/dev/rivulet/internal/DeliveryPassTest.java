package dev.rivulet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryPassTest {

  @Test
  void outsideAPassNothingIsDeferred() {
    assertThat(DeliveryPass.defer(() -> {})).isFalse();
  }

  @Test
  void deferredWorkRunsOnceAtTheEndOfThePassInOrder() {
    List<String> log = new ArrayList<>();
    Runnable wakeA = () -> log.add("a");
    Runnable wakeB = () -> log.add("b");
    DeliveryPass.run(
        () -> {
          for (int i = 0; i < 100; i++) {
            assertThat(DeliveryPass.defer(wakeA)).isTrue();
            DeliveryPass.run(() -> DeliveryPass.defer(wakeB)); // nested: same pass
            log.add("deliver");
          }
          assertThat(log).doesNotContain("a", "b");
        });
    assertThat(log).hasSize(102).endsWith("a", "b");
    assertThat(DeliveryPass.defer(wakeA)).isFalse(); // the pass is over
  }
}
