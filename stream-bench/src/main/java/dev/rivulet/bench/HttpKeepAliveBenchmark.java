package dev.rivulet.bench;

import dev.rivulet.StreamEngine;
import dev.rivulet.ws.StreamWebSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.RunnerException;

/**
 * {@code POST /invoke/stream::set} of a small item on one kept-alive HTTP/1.1 connection, beside
 * the same request on a new TCP connection each time (what every request cost before keep-alive).
 * Server (in-memory engine) and client share the JVM; the client is a plain blocking socket that
 * writes the request and reads the response head and its {@code Content-Length} body. The fresh
 * connections close with SO_LINGER 0 so that TIME_WAIT cannot exhaust the ephemeral ports (this
 * flatters the baseline a little).
 *
 * <p>Run: {@code java -cp stream-bench/target/benchmarks.jar
 * dev.rivulet.bench.HttpKeepAliveBenchmark} for the side-by-side table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HttpKeepAliveBenchmark {
  private static final byte[] BODY =
      "{\"stream_name\":\"bench\",\"group_id\":\"g\",\"item_id\":\"i\",\"data\":{\"n\":1}}"
          .getBytes(StandardCharsets.US_ASCII);

  private StreamEngine engine;
  private StreamWebSocketServer server;
  private byte[] keptAliveRequest;
  private byte[] closingRequest;
  private Socket kept;
  private final byte[] buffer = new byte[64 * 1024];

  @Setup(Level.Trial)
  public void start() throws IOException {
    engine = StreamEngine.builder().build();
    // requests per connection far above one measurement's count: the kept connection never ends
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .httpInvoke(true)
            .maxRequestsPerConnection(Integer.MAX_VALUE)
            .build()
            .start();
    keptAliveRequest = request(false);
    closingRequest = request(true);
    kept = connect();
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    kept.close();
    server.close();
    engine.close();
  }

  /** One request on the connection kept open across the whole run. */
  @Benchmark
  public int keptAlive() throws IOException {
    return exchange(kept, keptAliveRequest);
  }

  /** Connect, one request with {@code Connection: close}, close. */
  @Benchmark
  public int newConnectionPerRequest() throws IOException {
    try (Socket socket = connect()) {
      socket.setSoLinger(true, 0);
      return exchange(socket, closingRequest);
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private byte[] request(boolean close) {
    String head =
        "POST /invoke/stream::set HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + BODY.length
            + "\r\n"
            + (close ? "Connection: close\r\n" : "")
            + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + BODY.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(BODY, 0, all, h.length, BODY.length);
    return all;
  }

  /** Writes the request, reads one whole response, returns its status code. */
  private int exchange(Socket socket, byte[] request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request);
    out.flush();
    InputStream in = socket.getInputStream();
    int filled = 0;
    int headEnd = -1;
    while (headEnd < 0) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        throw new IOException("connection closed before the response head");
      }
      filled += n;
      headEnd = indexOfBlankLine(filled);
    }
    String head = new String(buffer, 0, headEnd, StandardCharsets.US_ASCII);
    int length = contentLength(head);
    int bodyRead = filled - (headEnd + 4);
    while (bodyRead < length) {
      int n = in.read(buffer, 0, Math.min(buffer.length, length - bodyRead));
      if (n < 0) {
        throw new IOException("connection closed inside the response body");
      }
      bodyRead += n;
    }
    int status = Integer.parseInt(head.substring(9, 12));
    if (status != 200) {
      throw new IOException("unexpected response: " + head);
    }
    return status;
  }

  private int indexOfBlankLine(int filled) {
    for (int i = 3; i < filled; i++) {
      if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n') {
        return i - 3;
      }
    }
    return -1;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    throw new IllegalStateException("response without Content-Length: " + head);
  }

  /** Runs both benchmarks and prints them side by side with the ratio. */
  public static void main(String[] args) throws RunnerException {
    BenchTables.runAndPrint(
        HttpKeepAliveBenchmark.class,
        "HTTP invoke of stream::set, 1 client thread (requests/s)",
        "keptAlive",
        "newConnectionPerRequest",
        args);
  }
}
