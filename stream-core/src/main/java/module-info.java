/** Rivulet core: the engine, its public API and the storage SPI. */
module dev.rivulet.core {
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  // the default handle mapper registers the Jackson modules found on the path (e.g. Java time)
  uses com.fasterxml.jackson.databind.Module;

  exports dev.rivulet;
  exports dev.rivulet.spi;
}
