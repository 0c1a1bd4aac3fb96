package dev.killboard.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal RESP2 client over a raw socket, so the Redis tests depend on nothing but the server.
 */
final class RespClient implements AutoCloseable {

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  RespClient(int port) throws IOException {
    this("127.0.0.1", port);
  }

  RespClient(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 2000);
    socket.setSoTimeout(5000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  /**
   * Sends a command; returns a simple/bulk/array reply, null for a nil bulk, or throws on an error
   * reply.
   */
  String call(String... args) throws IOException {
    StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      cmd.append('$')
          .append(a.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(a)
          .append("\r\n");
    }
    out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    return reply();
  }

  /** Reads one reply; an array reply comes back as its elements joined by single spaces. */
  private String reply() throws IOException {
    String line = in.readLine();
    if (line == null) {
      throw new IOException("connection closed");
    }
    switch (line.charAt(0)) {
      case '+':
      case ':':
        return line.substring(1);
      case '-':
        throw new IOException("redis error: " + line.substring(1));
      case '*':
        int n = Integer.parseInt(line.substring(1));
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < n; i++) {
          joined.append(i == 0 ? "" : " ").append(reply());
        }
        return joined.toString();
      case '$':
        int len = Integer.parseInt(line.substring(1));
        if (len < 0) {
          return null;
        }
        char[] buf = new char[len];
        int read = 0;
        while (read < len) {
          read += in.read(buf, read, len - read);
        }
        in.readLine();
        return new String(buf);
      default:
        throw new IOException("unexpected reply: " + line);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
