/**
 * The storage SPI: what a store implements to hold Rivulet's items ({@link
 * dev.rivulet.spi.StorageAdapter}) and to carry events between engine instances ({@link
 * dev.rivulet.spi.EventTransport}). The in-memory store is here; the kv and Redis stores are in
 * their own modules. Every adapter passes the contract kit in {@code stream-core}'s test jar.
 */
package dev.rivulet.spi;
