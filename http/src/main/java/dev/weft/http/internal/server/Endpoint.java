package dev.weft.http.internal.server;

import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.http.server.BlockingHandler;
import dev.weft.http.server.Handler;
import dev.weft.http.server.Request;
import dev.weft.http.server.Response;
import dev.weft.http.server.StreamingHandler;
import dev.weft.internal.blocking.ThreadsStarting;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/** What a route calls: the three kinds of handler behind one shape. */
public final class Endpoint {

  /**
   * Calls a handler; {@code body} is {@code null} unless the endpoint streams; {@code began} is set
   * once a blocking handler starts on its bulkhead's thread (never, if the bulkhead refused it).
   */
  @FunctionalInterface
  interface Invoker {
    Future<Response> invoke(Request request, Flow.Publisher<ByteBuffer> body, AtomicBoolean began);
  }

  private final boolean streaming;
  private final BlockingAdapter bulkhead; // the adapter a blocking route calls; null for the others
  private final Invoker invoker;

  private Endpoint(boolean streaming, BlockingAdapter bulkhead, Invoker invoker) {
    this.streaming = streaming;
    this.bulkhead = bulkhead;
    this.invoker = invoker;
  }

  public static Endpoint async(Handler handler) {
    return new Endpoint(false, null, (request, body, began) -> handler.handle(request));
  }

  public static Endpoint blocking(BlockingHandler handler, BlockingAdapter adapter) {
    // the adapter homes the future on the calling loop: the connection's
    return new Endpoint(false, adapter, (request, body, began) -> adapter.call(() -> {
      began.set(true); // a RejectedException from here on is the handler's, not a refusal of this call
      return handler.handle(request);
    }));
  }

  public static Endpoint streaming(StreamingHandler handler) {
    return new Endpoint(true, null, (request, body, began) -> handler.handle(request, body));
  }

  /**
   * Whether the server itself hands each call to a bulkhead (a blocking route): a refusal then
   * means the bulkhead was full when the call came, and trying again shortly may succeed.
   */
  boolean bulkheaded() {
    return bulkhead != null;
  }

  /** The adapter a blocking route calls; null for the others. */
  BlockingAdapter bulkhead() {
    return bulkhead;
  }

  /**
   * Whether this route's bulkhead, full just now, is still bringing threads into service (a cold
   * start, threads not yet given a core) rather than running every thread it may have.
   */
  boolean bulkheadStarting() {
    return bulkhead != null && ThreadsStarting.in(bulkhead);
  }

  /** Whether the handler takes the body as a publisher, called as soon as the headers arrived. */
  boolean streaming() {
    return streaming;
  }

  Future<Response> invoke(Request request, Flow.Publisher<ByteBuffer> body, AtomicBoolean began) {
    return invoker.invoke(request, body, began);
  }
}
