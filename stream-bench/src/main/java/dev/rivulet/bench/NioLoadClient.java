package dev.rivulet.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A WebSocket load client on JDK NIO: ONE selector thread ({@code rivulet-bench-client}) owns every
 * socket. Each connection does the RFC 6455 handshake (and checks {@code Sec-WebSocket-Accept}),
 * sends one masked text frame (the join message), takes the first message it receives as the sync,
 * and from then on hands every text message to a {@link Handler} on the selector thread, stamped
 * with one {@link System#nanoTime()} per read call. Pings are answered with masked pongs. Frames
 * from the server must be unmasked and unfragmented (both servers under test send small
 * unfragmented text frames); anything else is counted as a protocol error.
 */
final class NioLoadClient implements AutoCloseable {
  /** Receives the text messages after the sync (selector thread). */
  interface Handler {
    void message(byte[] buf, int off, int len, long receivedNanos);
  }

  private static final int MAX_HANDSHAKES_IN_FLIGHT = 200;
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final InetSocketAddress address;
  private final String path;
  private final Handler handler;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
  private final List<Conn> conns = new ArrayList<>();
  private final AtomicLong protocolErrors = new AtomicLong();
  private final AtomicLong closedByServer = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  private volatile boolean running = true;
  private volatile int lastMessageBytes;

  // opening state (selector thread)
  private int toOpen;
  private int inFlight;
  private IntFunction<String> joins;
  private int joinIndex;
  private volatile long readsWithMessages;
  private CountDownLatch synced;

  NioLoadClient(int port, Handler handler) throws IOException {
    this(port, "/", handler);
  }

  /**
   * A client whose connections upgrade on {@code path}.
   *
   * @param path the request path of the upgrade (the nchan baseline subscribes by path)
   */
  NioLoadClient(int port, String path, Handler handler) throws IOException {
    this.path = path;
    this.address = new InetSocketAddress("127.0.0.1", port);
    this.handler = handler;
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "rivulet-bench-client");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Opens {@code n} connections, each sending {@code join} once upgraded, and waits until every one
   * got its first message (the sync). With {@code join} null nothing is sent and a connection
   * counts as synced once upgraded (a server that subscribes by path and sends no sync).
   */
  void open(int n, String join, long timeoutSeconds) throws InterruptedException {
    open(n, i -> join, timeoutSeconds);
  }

  /** Like {@link #open(int, String, long)}, connection i (from 0) sending {@code join.apply(i)}. */
  void open(int n, IntFunction<String> join, long timeoutSeconds) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(n);
    execute(
        () -> {
          joins = join;
          joinIndex = 0;
          synced = latch;
          toOpen += n;
          openMore();
        });
    if (!latch.await(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          (n - latch.getCount())
              + " of "
              + n
              + " connections synced within "
              + timeoutSeconds
              + " s; protocol errors "
              + protocolErrors.get()
              + ", closed by server "
              + closedByServer.get());
    }
  }

  /** Closes every connection abortively (RST, so no TIME_WAIT piles up) and waits for it. */
  void closeAll() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    execute(
        () -> {
          toOpen = 0;
          for (Conn c : new ArrayList<>(conns)) {
            c.abort();
          }
          conns.clear();
          done.countDown();
        });
    done.await(30, TimeUnit.SECONDS);
  }

  long protocolErrors() {
    return protocolErrors.get();
  }

  long closedByServer() {
    return closedByServer.get();
  }

  long messages() {
    return messages.get();
  }

  /**
   * Socket reads that returned at least one message after the sync. Read it only after the handler
   * saw the last message (happens-before through the caller's own synchronization).
   */
  long readsWithMessages() {
    return readsWithMessages;
  }

  /** Payload size of the last message after the sync (to show both servers sent the same bytes). */
  int lastMessageBytes() {
    return lastMessageBytes;
  }

  private void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void run() {
    while (running) {
      try {
        selector.select(100);
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          c.ready(key);
        }
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
          task.run();
        }
      } catch (IOException e) {
        protocolErrors.incrementAndGet();
      }
    }
  }

  private void openMore() {
    while (toOpen > 0 && inFlight < MAX_HANDSHAKES_IN_FLIGHT) {
      toOpen--;
      inFlight++;
      Conn c = new Conn();
      String join = joins.apply(joinIndex++);
      c.joinPayload = join == null ? null : join.getBytes(StandardCharsets.UTF_8);
      conns.add(c);
      try {
        c.connect();
      } catch (IOException e) {
        c.fail("connect: " + e);
      }
    }
  }

  private void openedOne() {
    inFlight--;
    synced.countDown();
    openMore();
  }

  /** A client frame: FIN, {@code opcode}, masked with a random key. */
  static ByteBuffer maskedFrame(int opcode, byte[] payload) {
    int len = payload.length;
    int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
    ByteBuffer b = ByteBuffer.allocate(header + 4 + len);
    b.put((byte) (0x80 | opcode));
    if (len < 126) {
      b.put((byte) (0x80 | len));
    } else if (len < 65536) {
      b.put((byte) (0x80 | 126)).putShort((short) len);
    } else {
      b.put((byte) (0x80 | 127)).putLong(len);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    b.put(mask);
    for (int i = 0; i < len; i++) {
      b.put((byte) (payload[i] ^ mask[i & 3]));
    }
    return b.flip();
  }

  private static String acceptFor(String key) {
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-1")
              .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      closeAll();
      running = false;
      selector.wakeup();
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** One client connection (selector thread only). */
  private final class Conn {
    private SocketChannel channel;
    private SelectionKey key;
    private String expectedAccept;
    private boolean upgraded;
    private boolean synced;
    private boolean done;
    private byte[] joinPayload;
    private byte[] carry = new byte[0];
    private int carryLen;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

    void connect() throws IOException {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      key = channel.register(selector, SelectionKey.OP_CONNECT, this);
      if (channel.connect(address)) {
        connected();
      }
    }

    private void connected() throws IOException {
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      String wsKey = Base64.getEncoder().encodeToString(nonce);
      expectedAccept = acceptFor(wsKey);
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + address.getPort()
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
              + wsKey
              + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
      key.interestOps(SelectionKey.OP_READ);
      send(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
    }

    void ready(SelectionKey k) {
      try {
        if (!k.isValid()) {
          return;
        }
        if (k.isConnectable()) {
          if (channel.finishConnect()) {
            connected();
          }
          return;
        }
        if (k.isWritable()) {
          flush();
        }
        if (k.isValid() && k.isReadable()) {
          read();
        }
      } catch (IOException e) {
        fail("io: " + e);
      }
    }

    private void read() throws IOException {
      ByteBuffer buf = readBuffer;
      buf.clear();
      if (carryLen > 0) {
        buf.put(carry, 0, carryLen);
        carryLen = 0;
      }
      int n = channel.read(buf);
      long now = System.nanoTime();
      if (n < 0) {
        if (!done) {
          closedByServer.incrementAndGet();
        }
        abort();
        return;
      }
      int end = buf.position();
      byte[] a = buf.array();
      int p = upgraded ? 0 : handshake(a, end);
      if (p < 0) {
        return;
      }
      long before = messages.get();
      p = frames(a, p, end, now);
      if (messages.get() != before) {
        readsWithMessages++;
      }
      if (p >= 0 && p < end) {
        int rest = end - p;
        if (rest > readBuffer.capacity() / 2) {
          fail("frame larger than the read buffer");
          return;
        }
        if (carry.length < rest) {
          carry = new byte[Math.max(rest, 512)];
        }
        System.arraycopy(a, p, carry, 0, rest);
        carryLen = rest;
      }
    }

    /** Parses the 101 response; returns where frames start, or -1 (incomplete or failed). */
    private int handshake(byte[] a, int end) throws IOException {
      int headEnd = -1;
      for (int i = 3; i < end; i++) {
        if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
          headEnd = i + 1;
          break;
        }
      }
      if (headEnd < 0) {
        if (end > 16 * 1024) {
          fail("handshake response too long");
        } else {
          carry = java.util.Arrays.copyOf(a, Math.max(end, carry.length));
          carryLen = end;
        }
        return -1;
      }
      String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1);
      if (!head.startsWith("HTTP/1.1 101")
          || !head.toLowerCase(java.util.Locale.ROOT)
              .contains(
                  "sec-websocket-accept: " + expectedAccept.toLowerCase(java.util.Locale.ROOT))) {
        fail("bad handshake response: " + head.lines().findFirst().orElse(""));
        return -1;
      }
      upgraded = true;
      if (joinPayload == null) {
        synced = true;
        openedOne();
      } else {
        send(maskedFrame(0x1, joinPayload));
      }
      return headEnd;
    }

    /** Handles every complete frame in a[p, end); returns the start of an incomplete one. */
    private int frames(byte[] a, int p, int end, long now) throws IOException {
      while (end - p >= 2) {
        int b0 = a[p] & 0xff;
        int b1 = a[p + 1] & 0xff;
        if ((b1 & 0x80) != 0 || (b0 & 0x70) != 0) {
          fail("masked or RSV frame from the server");
          return -1;
        }
        long len = b1 & 0x7f;
        int h = 2;
        if (len == 126) {
          if (end - p < 4) {
            break;
          }
          len = ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
          h = 4;
        } else if (len == 127) {
          if (end - p < 10) {
            break;
          }
          len = 0;
          for (int i = 2; i < 10; i++) {
            len = (len << 8) | (a[p + i] & 0xff);
          }
          h = 10;
        }
        if (end - p - h < len) {
          break;
        }
        int op = b0 & 0x0f;
        if ((b0 & 0x80) == 0 || op == 0) {
          fail("fragmented frame (not expected from the servers under test)");
          return -1;
        }
        int off = p + h;
        int n = (int) len;
        switch (op) {
          case 0x1, 0x2 -> {
            if (!synced) {
              synced = true;
              openedOne();
            } else {
              messages.incrementAndGet();
              lastMessageBytes = n;
              handler.message(a, off, n, now);
            }
          }
          case 0x9 -> send(maskedFrame(0xA, java.util.Arrays.copyOfRange(a, off, off + n)));
          case 0xA -> {}
          case 0x8 -> {
            closedByServer.incrementAndGet();
            abort();
            return -1;
          }
          default -> {
            fail("reserved opcode " + op);
            return -1;
          }
        }
        p = off + n;
      }
      return p;
    }

    private void send(ByteBuffer b) throws IOException {
      if (pending.isEmpty()) {
        channel.write(b);
        if (!b.hasRemaining()) {
          return;
        }
      }
      pending.add(b);
      key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }

    private void flush() throws IOException {
      while (!pending.isEmpty()) {
        ByteBuffer b = pending.peek();
        channel.write(b);
        if (b.hasRemaining()) {
          return;
        }
        pending.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    void fail(String why) {
      if (!done) {
        protocolErrors.incrementAndGet();
        if (protocolErrors.get() <= 5) {
          System.err.println("load client: " + why);
        }
      }
      abort();
    }

    void abort() {
      if (done) {
        return;
      }
      done = true;
      if (!synced) {
        inFlight--;
        openMore();
      }
      try {
        if (channel != null) {
          if (channel.isOpen()) {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
          }
          channel.close();
        }
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
