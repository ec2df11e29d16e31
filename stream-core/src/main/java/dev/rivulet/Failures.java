package dev.rivulet;

import dev.rivulet.spi.PreconditionFailedException;

/** Wraps adapter failures in the reference's codes and wording. */
final class Failures {
  private Failures() {}

  /**
   * {@code Failed to <verb>: <cause>} with {@code code}; a {@link StreamException} from the adapter
   * keeps its own code when it already is a storage code or {@code precondition_failed}; a failed
   * version condition becomes {@code precondition_failed}, a guard the adapter does not support
   * {@code invalid_argument}.
   */
  static StreamException storage(String code, String verb, RuntimeException cause) {
    if (cause instanceof PreconditionFailedException) {
      return new StreamException(StreamException.PRECONDITION_FAILED, cause.getMessage(), cause);
    }
    if (cause instanceof UnsupportedOperationException) { // Guard.unsupported(): a guard refused
      return new StreamException(StreamException.INVALID_ARGUMENT, cause.getMessage(), cause);
    }
    if (cause instanceof StreamException e
        && (e.code().startsWith("STREAM_")
            || e.code().equals(StreamException.PRECONDITION_FAILED))) {
      return e;
    }
    String detail = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    return new StreamException(code, "Failed to " + verb + ": " + detail, cause);
  }
}
