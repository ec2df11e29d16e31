package dev.rivulet.ws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 server answering every request with one HTML page: a second, unrelated origin
 * for browser tests (the JDK's HTTP server is in a module this one does not read).
 */
final class PageServer implements AutoCloseable {
  private final ServerSocket socket;
  private final byte[] response;

  PageServer(String html, int port) throws IOException {
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    response = new byte[h.length + body.length];
    System.arraycopy(h, 0, response, 0, h.length);
    System.arraycopy(body, 0, response, h.length, body.length);
    socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serve, "page-server");
    t.setDaemon(true);
    t.start();
  }

  /** {@code http://127.0.0.1:PORT}: the origin of the served page. */
  String origin() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        InputStream in = s.getInputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0d0a0d0a && (b = in.read()) >= 0) {
          last4 = (last4 << 8) | b;
        }
        OutputStream out = s.getOutputStream();
        out.write(response);
        out.flush();
      } catch (IOException e) {
        // closed, or a client gone: serve the next one
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
