package dev.rivulet.redis.testing;

import dev.rivulet.StreamEngine;
import dev.rivulet.redis.RedisAdapter;
import dev.rivulet.spi.StorageAdapter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * A real Redis for a test class: starts a {@link RedisServerProcess} (or a {@link
 * RedisClusterProcess}), hands out adapters and engines on it and closes every one of them after
 * the test, newest first, before the server itself goes.
 *
 * <ul>
 *   <li>{@link #perClass(String...)} in a {@code static} field: one server for the class, emptied
 *       ({@code FLUSHALL}) before each test.
 *   <li>{@link #perTest(String...)} in an instance field: a fresh server for each test, stopped
 *       after it.
 *   <li>{@link #clusterPerClass()} in a {@code static} field: one 3-node cluster for the class,
 *       emptied before each test.
 * </ul>
 *
 * <p>Register it with {@code @RegisterExtension}; its before-each step runs before the class's
 * {@code @BeforeEach} methods and its after-each step after the class's {@code @AfterEach} methods.
 * A test may close what it was given earlier (every {@code close()} here is idempotent).
 */
public final class RedisExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private enum Kind {
    SERVER_PER_CLASS,
    SERVER_PER_TEST,
    CLUSTER_PER_CLASS
  }

  private final Kind kind;
  private final String[] serverArgs;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private RedisServerProcess server;
  private RedisClusterProcess cluster;

  private RedisExtension(Kind kind, String... serverArgs) {
    this.kind = kind;
    this.serverArgs = serverArgs.clone();
  }

  /** One standalone server for the whole class (use in a {@code static} field). */
  public static RedisExtension perClass(String... serverArgs) {
    return new RedisExtension(Kind.SERVER_PER_CLASS, serverArgs);
  }

  /** A fresh standalone server for every test (use in an instance field). */
  public static RedisExtension perTest(String... serverArgs) {
    return new RedisExtension(Kind.SERVER_PER_TEST, serverArgs);
  }

  /** One 3-node Redis Cluster for the whole class (use in a {@code static} field). */
  public static RedisExtension clusterPerClass() {
    return new RedisExtension(Kind.CLUSTER_PER_CLASS);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    switch (kind) {
      case SERVER_PER_CLASS -> server = RedisServerProcess.start(serverArgs);
      case CLUSTER_PER_CLASS -> cluster = RedisClusterProcess.start();
      case SERVER_PER_TEST ->
          throw new ExtensionConfigurationException(
              "RedisExtension.perTest() belongs in an instance field, not a static one");
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (kind == Kind.SERVER_PER_TEST) {
      server = RedisServerProcess.start(serverArgs);
      return;
    }
    if (server == null && cluster == null) {
      throw new ExtensionConfigurationException(
          "RedisExtension." + kind + " belongs in a static field");
    }
    flushAll();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    closeOpened(kind == Kind.SERVER_PER_TEST);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    closeOpened(true);
  }

  /** The standalone server (not for {@link #clusterPerClass()}). */
  public RedisServerProcess server() {
    if (server == null) {
      throw new IllegalStateException("no standalone Redis server is running (" + kind + ")");
    }
    return server;
  }

  /** {@code redis://127.0.0.1:port} of the standalone server. */
  public String url() {
    return server().url();
  }

  /** A new plain connection to the standalone server; the caller closes it. */
  public Jedis jedis() {
    return server().jedis();
  }

  /** Deletes every key on the server or on every cluster node. */
  public void flushAll() {
    if (cluster != null) {
      cluster.flushAll();
    } else {
      try (Jedis jedis = jedis()) {
        jedis.flushAll();
      }
    }
  }

  /** An adapter on this Redis with the default settings, closed after the test. */
  public StorageAdapter adapter() {
    return adapter(UnaryOperator.identity());
  }

  /** An adapter on this Redis, the builder adjusted by {@code settings}; closed after the test. */
  public StorageAdapter adapter(UnaryOperator<RedisAdapter.Builder> settings) {
    RedisAdapter.Builder builder = RedisAdapter.builder();
    if (cluster != null) {
      builder.cluster(cluster.seeds());
    } else {
      builder.url(url());
    }
    return closeAfterTest(settings.apply(builder).build());
  }

  /** An engine on a default adapter on this Redis; both closed after the test. */
  public StreamEngine engine() {
    return engine(UnaryOperator.identity());
  }

  /** An engine on {@link #adapter(UnaryOperator) adapter(settings)}; closed after the test. */
  public StreamEngine engine(UnaryOperator<RedisAdapter.Builder> settings) {
    return closeAfterTest(StreamEngine.builder().storage(adapter(settings)).build());
  }

  /** Closes {@code resource} after the test, before everything handed out earlier. */
  public <T extends AutoCloseable> T closeAfterTest(T resource) {
    synchronized (opened) {
      opened.push(resource);
    }
    return resource;
  }

  /** Closes what was handed out, newest first, then the servers if {@code andServers}. */
  private void closeOpened(boolean andServers) throws Exception {
    Exception failure = null;
    while (true) {
      AutoCloseable next;
      synchronized (opened) {
        next = opened.poll();
      }
      if (next == null) {
        break;
      }
      try {
        next.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (andServers) {
      stopServers();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void stopServers() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
