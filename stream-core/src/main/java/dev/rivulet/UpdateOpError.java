package dev.rivulet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Wire;
import java.util.Objects;

/**
 * A failed (skipped) op of one {@code stream::update} call, e.g. code {@code increment.not_number}.
 * The other ops of the call still ran.
 *
 * @param opIndex the zero-based position of the failed op in the call's op list
 * @param code the machine-readable code, {@code <op>.<reason>} (e.g. {@code set.target_not_object},
 *     {@code merge.path.too_deep}); not null
 * @param message the human-readable explanation, in the reference's wording; not null
 */
public record UpdateOpError(int opIndex, String code, String message) {
  /** The documentation link every error carries on the wire, as the reference does. */
  public static final String DOC_URL = "https://iii.dev/docs/workers/iii-state#error-codes";

  /**
   * Checks that {@code code} and {@code message} are given.
   *
   * @param opIndex the zero-based position of the failed op
   * @param code the error code; not null
   * @param message the human-readable explanation; not null
   * @throws NullPointerException when {@code code} or {@code message} is null
   */
  public UpdateOpError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The wire form of the error.
   *
   * @return a new object {@code {"op_index":i,"code":c,"message":m,"doc_url":…}} with {@link
   *     #DOC_URL}
   */
  public ObjectNode toJson() {
    return Wire.opError(opIndex, code, message, DOC_URL);
  }
}
