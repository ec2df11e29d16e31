package dev.rivulet.ws;

/** The application side of an upgraded connection. Called on the connection's selector thread. */
interface WsHandler {
  /** The connection is open and may send. */
  default void onOpen(Connection connection) {}

  void onMessage(Connection connection, boolean text, byte[] data);

  /** The connection is gone (called once); release everything it held. */
  void onClosed(Connection connection);
}
