/**
 * Rivulet WebSocket server (RFC 6455 on JDK NIO), HTTP invoke, the standalone server, the client.
 */
module dev.rivulet.ws {
  requires transitive dev.rivulet.core;
  requires dev.rivulet.kv;
  requires dev.rivulet.redis;
  requires java.net.http;
  requires org.slf4j;

  exports dev.rivulet.ws;
}
