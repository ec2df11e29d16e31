/**
 * Rivulet core: the engine, its public API and the storage SPI. The internal package is open only
 * to Rivulet's own modules, for the one JSON configuration ({@code Json}) they share.
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
