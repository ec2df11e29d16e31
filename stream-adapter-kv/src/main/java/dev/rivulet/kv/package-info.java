/**
 * The kv store for one process: in memory, or durable in a directory (a write-ahead log with group
 * commit, snapshots, compaction and crash recovery). Build one with {@link
 * dev.rivulet.kv.KvAdapter#inMemory()} or {@link dev.rivulet.kv.KvAdapter#fileBased}.
 */
package dev.rivulet.kv;
