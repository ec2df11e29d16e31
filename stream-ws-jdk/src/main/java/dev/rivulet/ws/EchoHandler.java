package dev.rivulet.ws;

/** The {@code /echo} endpoint: every message comes back as it was sent (text or binary). */
final class EchoHandler implements WsHandler {
  static final EchoHandler INSTANCE = new EchoHandler();

  private EchoHandler() {}

  @Override
  public void onMessage(Connection connection, boolean text, byte[] data) {
    connection.send(FrameEncoder.frame(text ? FrameEncoder.OP_TEXT : FrameEncoder.OP_BINARY, data));
  }

  @Override
  public void onClosed(Connection connection) {}
}
