package dev.rivulet;

import java.util.Arrays;

/** The three trigger types of the stream worker. */
public enum TriggerType {
  /**
   * Fires for set, update, delete (of an existing item) and send, with the event message as
   * payload; handlers of one group run in {@code seq} order.
   */
  STREAM("stream"),
  /**
   * Fires when a subscriber joins (a WebSocket join, or {@link StreamEngine#join}; in-process
   * {@link Group#subscribe subscriptions} do not fire it); a handler returning {@code
   * {"unauthorized":true}} refuses it, any other result or a failure lets it in.
   */
  JOIN("stream:join"),
  /**
   * Fires when a subscriber leaves or its connection ends (WebSocket subscribers and {@link
   * StreamEngine#leave}; closing an in-process {@link Subscription} does not fire it).
   */
  LEAVE("stream:leave");

  private final String wireName;

  TriggerType(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The name of the type in JSON configs and on the wire.
   *
   * @return {@code stream}, {@code stream:join} or {@code stream:leave}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * The type of a wire name; the inverse of {@link #wireName()}.
   *
   * @param name {@code stream}, {@code stream:join} or {@code stream:leave} (case-sensitive)
   * @return the matching type
   * @throws StreamException {@code invalid_argument} for an unknown (or null) name
   */
  public static TriggerType fromWireName(String name) {
    return Arrays.stream(values())
        .filter(t -> t.wireName.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                StreamException.invalidArgument(
                    "Unknown trigger type '"
                        + name
                        + "', expected stream, stream:join or stream:leave"));
  }
}
