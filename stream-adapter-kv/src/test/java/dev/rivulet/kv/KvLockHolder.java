package dev.rivulet.kv;

import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.nio.file.Path;

/** Child-JVM main for {@link KvLockIT}: opens the directory, prints LOCKED, waits for stdin EOF. */
public final class KvLockHolder {
  private KvLockHolder() {}

  public static void main(String[] args) throws IOException {
    try (StorageAdapter store = KvAdapter.fileBased(Path.of(args[0])).build()) {
      System.out.println("LOCKED " + store.listAll().size());
      System.out.flush();
      System.in.read();
    }
  }
}
