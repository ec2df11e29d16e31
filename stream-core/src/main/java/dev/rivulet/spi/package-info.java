/**
 * The storage SPI: what a store implements to hold Rivulet's items and to report its commits and
 * deliver its events ({@link dev.rivulet.spi.StorageAdapter}, reporting to the engine's {@link
 * dev.rivulet.spi.EventSink}), with the value types of its signatures (among them the committed
 * {@link dev.rivulet.spi.Event}) and the bounded per-group {@link dev.rivulet.spi.EventHistory}. It
 * depends on no other Rivulet package. The engine's default store keeps everything in memory; the
 * kv ({@code KvAdapter.inMemory()}, {@code KvAdapter.fileBased(..)}) and Redis stores are in their
 * own modules. Every adapter passes the contract kit in {@code stream-core}'s test jar.
 */
package dev.rivulet.spi;
