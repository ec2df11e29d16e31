package dev.rivulet.ws;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The effective connection limit: the configured one, lowered so that open sockets leave a reserve
 * of file descriptors (files, Redis, logs) below the process's limit.
 */
final class ConnectionLimit {
  private ConnectionLimit() {}

  /** min(configured, fdLimit - max(64, 10 %)); the configured limit when fdLimit is unknown. */
  static int effective(int configured, long fdLimit) {
    if (fdLimit <= 0) {
      return configured;
    }
    long reserve = Math.max(64, fdLimit / 10);
    return (int) Math.max(1, Math.min(configured, fdLimit - reserve));
  }

  /** The process's file-descriptor limit ({@code ulimit -n}), or -1 when it cannot be read. */
  static long processFdLimit() {
    try {
      OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
        return unix.getMaxFileDescriptorCount();
      }
    } catch (LinkageError | RuntimeException e) {
      // jdk.management absent or not a Unix system: no fd-based lowering
    }
    return -1;
  }
}
