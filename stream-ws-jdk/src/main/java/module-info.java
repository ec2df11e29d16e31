/**
 * Rivulet WebSocket server (RFC 6455 on JDK NIO), HTTP invoke, the standalone server, the client.
 */
module dev.rivulet.ws {
  requires transitive dev.rivulet.core;
  // only the standalone server (StreamServer) uses the adapters; a host adds the one it wants
  requires static dev.rivulet.kv;
  requires static dev.rivulet.redis;
  // only the standalone server's --config reads YAML
  requires static com.fasterxml.jackson.dataformat.yaml;
  requires java.management;
  // the fd limit for the connection limit; guarded where the module is absent
  requires static jdk.management;
  requires java.net.http;
  requires org.slf4j;

  exports dev.rivulet.ws;
}
