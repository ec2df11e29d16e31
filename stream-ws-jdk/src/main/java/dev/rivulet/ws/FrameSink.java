package dev.rivulet.ws;

/** What {@link FrameDecoder} found: complete messages and control frames. */
interface FrameSink {
  void onMessage(boolean text, byte[] data) throws ProtocolException;

  void onPing(byte[] payload);

  void onPong(byte[] payload);

  /** A close frame; {@code code} is 1005 when it carried none. */
  void onClose(int code, String reason);
}
