/** Rivulet kv adapter: the in-memory store and a durable file-based store (write-ahead log). */
module dev.rivulet.kv {
  requires transitive dev.rivulet.core;
  requires org.slf4j;

  exports dev.rivulet.kv;
}
