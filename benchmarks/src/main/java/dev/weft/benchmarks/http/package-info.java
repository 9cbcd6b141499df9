/**
 * The servers of the HTTP scenario ({@code scripts/http-scenario.sh}): each a {@code main(port)}
 * that listens on 127.0.0.1, prints {@code READY} once it does, and serves until it is killed. The
 * script drives them with wrk and samples their threads, memory and CPU from {@code /proc}.
 *
 * <p>{@code GET /work} waits 50 ms on a simulated backend, then answers {@code 200 ok}:
 * {@link dev.weft.benchmarks.http.JdkThreadPerRequestServer} sleeps on one of 200 threads,
 * {@link dev.weft.benchmarks.http.WeftAsyncServer} waits on a loop timer,
 * {@link dev.weft.benchmarks.http.WeftBlockingServer} sleeps on a bounded pool of 200 threads and
 * sheds the excess with {@code 503}. {@code GET /hello} answers at once, for the hello-world
 * comparison of {@link dev.weft.benchmarks.http.WeftAsyncServer} with
 * {@link dev.weft.benchmarks.http.RawNettyServer}.
 *
 * <p>Also a JMH benchmark of HTTP clients against one of those servers started in-process,
 * {@link dev.weft.benchmarks.http.HttpClientThroughputBenchmark}: Weft's client against the JDK's.
 */
package dev.weft.benchmarks.http;
