package dev.rivulet.redis;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.NoSuchElementException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Whether a write that failed with a Jedis exception may still have reached Redis. */
final class WriteOutcome {
  private WriteOutcome() {}

  /** Error replies with which Redis refuses a command before running any of it. */
  private static final List<String> REFUSALS =
      List.of(
          "OOM",
          "READONLY",
          "NOSCRIPT",
          "LOADING",
          "BUSY",
          "MASTERDOWN",
          "CLUSTERDOWN",
          "MOVED",
          "ASK",
          "TRYAGAIN",
          "NOAUTH",
          "WRONGPASS",
          "NOPERM",
          "MISCONF",
          "NOREPLICAS");

  /**
   * False when the command certainly never ran: no connection could be borrowed from the pool or
   * opened, or Redis refused the command with an error reply before running it. True otherwise: a
   * timeout or a broken connection after the command may have been sent, and a script that failed
   * while running may have written part of its effect.
   */
  static boolean mayBeApplied(JedisException e) {
    if (e instanceof JedisDataException) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      return REFUSALS.stream().noneMatch(r -> message.startsWith(r + " ") || message.equals(r));
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NoSuchElementException // pool exhausted: borrow timed out
          || t instanceof ConnectException
          || t instanceof UnknownHostException) {
        return false;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (e instanceof JedisConnectionException
        && e.getMessage() != null
        && e.getMessage().startsWith("Could not get a resource")) {
      return false;
    }
    return true;
  }
}
