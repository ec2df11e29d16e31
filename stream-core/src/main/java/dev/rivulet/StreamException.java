package dev.rivulet;

import java.util.Objects;

/**
 * The one exception type of Rivulet. {@link #code()} is the machine-readable error code named in
 * the specification, for example {@code deserialization_error}, {@code invalid_argument}, {@code
 * function_not_found} or {@code STREAM_SET_ERROR}; the message is meant for humans.
 */
public class StreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A required input field is missing, has the wrong JSON type, or an update op is unknown. */
  public static final String DESERIALIZATION_ERROR = "deserialization_error";

  /** A name is empty or too long, a trigger config is unusable, a builder value is out of range. */
  public static final String INVALID_ARGUMENT = "invalid_argument";

  /** {@link StreamEngine#invoke} was called with an id that no function is registered under. */
  public static final String FUNCTION_NOT_FOUND = "function_not_found";

  private final String code;

  public StreamException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public StreamException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The error code, e.g. {@code deserialization_error} or {@code STREAM_GET_ERROR}. */
  public String code() {
    return code;
  }

  static StreamException invalidArgument(String message) {
    return new StreamException(INVALID_ARGUMENT, message);
  }
}
