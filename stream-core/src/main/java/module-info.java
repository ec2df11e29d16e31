/**
 * Rivulet core: the public API (with its engine, package-private) and the storage SPI. The internal
 * packages are exported only to Rivulet's own modules: {@code internal} for what they share with
 * the engine ({@code Json}, {@code Wire}, {@code NameCheck}), {@code internal.store} for the
 * in-process store the kv module builds on.
 */
@SuppressWarnings("module") // the targets of the qualified export are built after this module
module dev.rivulet.core {
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  // the default handle mapper registers the Jackson modules found on the path (e.g. Java time)
  uses com.fasterxml.jackson.databind.Module;

  exports dev.rivulet;
  exports dev.rivulet.spi;
  exports dev.rivulet.internal.store to
      dev.rivulet.kv;
  exports dev.rivulet.internal to
      dev.rivulet.kv,
      dev.rivulet.redis,
      dev.rivulet.ws;
}
