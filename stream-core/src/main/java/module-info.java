/** Rivulet core: the engine, its public API and the storage SPI. */
module dev.rivulet.core {
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.rivulet;
  exports dev.rivulet.spi;
}
