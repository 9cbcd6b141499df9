package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LegacyClientExampleTest {

  @Test
  void wrappedBlockingClientQuotesBothSymbols() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/quote/", exchange -> {
      String symbol = exchange.getRequestURI().getPath().substring("/quote/".length());
      byte[] body = (symbol + "=" + symbol.length() * 10).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      assertThat(LegacyClientExample.quoteTwo(base)).isEqualTo("ACME=40,INTC=40");
    } finally {
      server.stop(0);
    }
  }
}
