package dev.weft.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a plain socket, for what real clients refuse to send:
 * malformed and ambiguous requests, oversize headers, pipelined batches, slow trickles. Reads time
 * out after 5 seconds, so a test can never hang on a server that does not answer.
 */
public final class RawHttpClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttpClient(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(5_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public Socket socket() {
    return socket;
  }

  public RawHttpClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttpClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one response: status line, headers, and a body framed by Content-Length, chunks, or the close. */
  public RawResponse readResponse() throws IOException {
    return readResponse(false);
  }

  /** Reads the response to a HEAD request, which never has a body. */
  public RawResponse readHeadResponse() throws IOException {
    return readResponse(true);
  }

  private RawResponse readResponse(boolean toHead) throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("the server closed the connection before a response");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    byte[] body;
    if (toHead || status == 100 || status == 204 || status == 304) {
      body = new byte[0];
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length").get(0)));
    } else if (headers.containsKey("transfer-encoding")) {
      body = readChunks();
    } else {
      body = in.readAllBytes();
    }
    return new RawResponse(statusLine, status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** Whether the server closes the connection (end of stream, or a reset) before {@code timeoutMillis}. */
  public boolean closedByServerWithin(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(5_000);
      }
    }
  }

  private byte[] readChunks() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers: none expected, skipped
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** A parsed response. */
  public record RawResponse(String statusLine, int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }
}
