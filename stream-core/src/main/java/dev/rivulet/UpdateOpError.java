package dev.rivulet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Wire;
import java.util.Objects;

/**
 * A failed (skipped) op of one {@code stream::update} call, e.g. code {@code increment.not_number}.
 * The other ops of the call still ran.
 */
public record UpdateOpError(int opIndex, String code, String message) {
  /** The documentation link every error carries on the wire, as the reference does. */
  public static final String DOC_URL = "https://iii.dev/docs/workers/iii-state#error-codes";

  public UpdateOpError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** {@code {"op_index":i,"code":c,"message":m,"doc_url":…}}. */
  public ObjectNode toJson() {
    return Wire.opError(opIndex, code, message, DOC_URL);
  }
}
