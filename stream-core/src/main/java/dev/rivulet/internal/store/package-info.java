/**
 * The in-process store shared by the core's in-memory store and the kv file store ({@link
 * dev.rivulet.internal.store.TableStore} over a {@link dev.rivulet.internal.store.GroupTable}). Not
 * SPI: exported only to the kv module.
 */
package dev.rivulet.internal.store;
