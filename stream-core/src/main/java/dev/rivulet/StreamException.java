package dev.rivulet;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of Rivulet. {@link #code()} is the machine-readable error code named in
 * the specification, for example {@code deserialization_error}, {@code invalid_argument}, {@code
 * function_not_found} or {@code STREAM_SET_ERROR}; the message is meant for humans.
 */
public class StreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A required input field is missing, has the wrong JSON type, or an update op is unknown. */
  public static final String DESERIALIZATION_ERROR = "deserialization_error";

  /**
   * A name is empty, too long or holds a lone UTF-16 surrogate, a value nests too deep or holds a
   * non-finite number, a trigger config is unusable, a value cannot be converted by the engine's
   * mapper, a storage adapter builder value is out of range. ({@code StreamEngine.Builder} setters
   * throw {@link IllegalArgumentException} instead.)
   */
  public static final String INVALID_ARGUMENT = "invalid_argument";

  /** {@link StreamEngine#invoke} was called with an id that no function is registered under. */
  public static final String FUNCTION_NOT_FOUND = "function_not_found";

  /** A user function (or a trigger's function) threw something other than a StreamException. */
  public static final String FUNCTION_FAILED = "function_failed";

  /** The engine was closed. */
  public static final String ENGINE_CLOSED = "engine_closed";

  /**
   * The serialized JSON of an item value (the result of a set or update) or of a {@code
   * stream::send} payload is longer than the engine's {@code maxItemBytes}; nothing was written.
   */
  public static final String VALUE_TOO_LARGE = "value_too_large";

  /**
   * A conditional write's {@code if_version} did not match the item's current version (or the item
   * exists although {@code if_version} was 0); nothing was written. HTTP 409.
   */
  public static final String PRECONDITION_FAILED = "precondition_failed";

  /** A request without the configured auth token (WebSocket binding and HTTP invoke). */
  public static final String UNAUTHORIZED = "unauthorized";

  /** Storage failed a {@code stream::set}. */
  public static final String STREAM_SET_ERROR = "STREAM_SET_ERROR";

  /** Storage failed a {@code stream::get}. */
  public static final String STREAM_GET_ERROR = "STREAM_GET_ERROR";

  /** Storage failed a {@code stream::delete}. */
  public static final String STREAM_DELETE_ERROR = "STREAM_DELETE_ERROR";

  /** Storage failed a {@code stream::list} (the reference's name for it). */
  public static final String STREAM_GET_GROUP_ERROR = "STREAM_GET_GROUP_ERROR";

  /** Storage failed a {@code stream::list_groups}. */
  public static final String STREAM_LIST_GROUPS_ERROR = "STREAM_LIST_GROUPS_ERROR";

  /** Storage failed a {@code stream::list_all}. */
  public static final String STREAM_LIST_ALL_ERROR = "STREAM_LIST_ALL_ERROR";

  /** Storage failed a {@code stream::send}. */
  public static final String STREAM_SEND_ERROR = "STREAM_SEND_ERROR";

  /** Storage failed a {@code stream::update}. */
  public static final String STREAM_UPDATE_ERROR = "STREAM_UPDATE_ERROR";

  /** A storage adapter could not reach its server (e.g. Redis) when it was built. */
  public static final String STREAM_CONNECTION_ERROR = "STREAM_CONNECTION_ERROR";

  /** A storage adapter could not open its files (locked, missing, corrupt). */
  public static final String STORAGE_OPEN_ERROR = "STORAGE_OPEN_ERROR";

  /** A value could not be read or written as JSON by a storage adapter. */
  public static final String JSON_ERROR = "JSON_ERROR";

  /**
   * What is known about a write that failed (SPEC §9): whether it may still have been applied.
   * Retrying an {@link #UNKNOWN} write is only safe when the write is idempotent.
   */
  public enum Outcome {
    /** The request reached the store but no answer came back: it may or may not be applied. */
    UNKNOWN,
    /** The write was certainly not applied (refused before it was sent, or by the store). */
    NOT_APPLIED
  }

  /** The machine-readable error code; never null. */
  private final String code;

  /** What is known of a failed write's fate, or null when the error is not about one. */
  private final Outcome outcome;

  /**
   * An error with no cause and no write outcome.
   *
   * @param code the error code, one of the constants of this class or another code named in the
   *     specification; not null
   * @param message the human-readable message
   * @throws NullPointerException when {@code code} is null
   */
  public StreamException(String code, String message) {
    this(code, message, null, null);
  }

  /**
   * An error caused by another throwable, with no write outcome.
   *
   * @param code the error code; not null
   * @param message the human-readable message
   * @param cause the underlying failure, or null
   * @throws NullPointerException when {@code code} is null
   */
  public StreamException(String code, String message, Throwable cause) {
    this(code, message, cause, null);
  }

  /**
   * A failed write with what is known of its {@code outcome}; the message of an {@link
   * Outcome#UNKNOWN} one should say "outcome unknown".
   *
   * @param code the error code; not null
   * @param message the human-readable message
   * @param cause the underlying failure, or null
   * @param outcome whether the write may have been applied, or null when the error is not about a
   *     write's fate
   * @throws NullPointerException when {@code code} is null
   */
  public StreamException(String code, String message, Throwable cause, Outcome outcome) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.outcome = outcome;
  }

  /**
   * The error code, e.g. {@code deserialization_error} or {@code STREAM_GET_ERROR}.
   *
   * @return the machine-readable code; never null
   */
  public String code() {
    return code;
  }

  /**
   * For a failed write: whether it may have been applied; empty for reads and for errors that are
   * not about a write's fate (bad input is never applied and carries no outcome).
   *
   * @return the outcome given at construction, if any
   */
  public Optional<Outcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  static StreamException invalidArgument(String message) {
    return new StreamException(INVALID_ARGUMENT, message);
  }
}
