package dev.rivulet.kv;

import dev.rivulet.spi.GroupKey;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Child-JVM sender for {@link KvSendTest}: opens the file store in {@code dir}, sends {@code
 * before} events to {@link KvSendTest#G}, compacts when asked, sends {@code after} more, printing
 * {@code SENT seq} for each, then {@code DONE}, and waits to be killed.
 *
 * <p>Arguments: dir, before, compact (true/false), after.
 */
public final class KvSendWriter {
  private KvSendWriter() {}

  public static void main(String[] args) throws Exception {
    FileStorage store = (FileStorage) KvAdapter.fileBased(Path.of(args[0])).build();
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    send(store, KvSendTest.G, Integer.parseInt(args[1]), out);
    if (Boolean.parseBoolean(args[2])) {
      store.compactNow();
    }
    send(store, KvSendTest.G, Integer.parseInt(args[3]), out);
    out.println("DONE");
    new CountDownLatch(1).await(); // until killed
  }

  private static void send(FileStorage store, GroupKey group, int n, PrintStream out) {
    for (int i = 0; i < n; i++) {
      out.println("SENT " + store.send(group, null, KvSendTest.PING).seq());
    }
  }
}
