package dev.rivulet;

import java.util.Arrays;

/** The three trigger types of the stream worker. */
public enum TriggerType {
  /** Fires for set, update, delete (of an existing item) and send. */
  STREAM("stream"),
  /**
   * Fires when a subscriber joins; a handler returning {@code {"unauthorized":true}} refuses it.
   */
  JOIN("stream:join"),
  /** Fires when a subscriber leaves or its connection ends. */
  LEAVE("stream:leave");

  private final String wireName;

  TriggerType(String wireName) {
    this.wireName = wireName;
  }

  /** {@code stream}, {@code stream:join} or {@code stream:leave}. */
  public String wireName() {
    return wireName;
  }

  /**
   * @throws StreamException {@code invalid_argument} for an unknown name
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
