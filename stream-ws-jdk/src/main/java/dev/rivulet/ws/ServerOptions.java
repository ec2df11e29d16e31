package dev.rivulet.ws;

import java.time.Duration;

/** The validated settings of a {@link StreamWebSocketServer}; {@code iii} null = no /iii. */
record ServerOptions(
    String host,
    int port,
    String authFunction,
    String authToken,
    boolean httpInvoke,
    boolean echo,
    boolean inspector,
    boolean statusEndpoints,
    int maxMessageSize,
    int outboundQueueBytes,
    Duration idleTimeout,
    Duration pingInterval,
    Duration closeTimeout,
    int maxConnections,
    int maxSubscriptionsPerConnection,
    int maxMessagesPerSecond,
    int selectorThreads,
    int socketSendBuffer,
    long maxPendingRequestBytes,
    Duration requestTimeout,
    int maxRequestsPerConnection,
    int workerThreads,
    int workerQueue,
    Duration callTimeout,
    Duration joinRetryTimeout,
    OriginPolicy origins,
    IiiOptions iii) {

  /** Messages of the {@code /echo} endpoint may be this large. */
  static final int ECHO_MAX_MESSAGE = 16 * 1024 * 1024;
}
