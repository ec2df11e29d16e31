package dev.rivulet;

/** Wraps adapter failures in the reference's codes and wording. */
final class Failures {
  private Failures() {}

  /**
   * {@code Failed to <verb>: <cause>} with {@code code}; a {@link StreamException} from the adapter
   * keeps its own code when it already is a storage code or {@code precondition_failed}.
   */
  static StreamException storage(String code, String verb, RuntimeException cause) {
    if (cause instanceof StreamException e
        && (e.code().startsWith("STREAM_")
            || e.code().equals(StreamException.PRECONDITION_FAILED))) {
      return e;
    }
    String detail = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    return new StreamException(code, "Failed to " + verb + ": " + detail, cause);
  }
}
