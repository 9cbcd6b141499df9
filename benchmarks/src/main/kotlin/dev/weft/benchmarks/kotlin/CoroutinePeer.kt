package dev.weft.benchmarks.kotlin

import java.util.concurrent.Callable
import java.util.concurrent.CompletableFuture
import java.util.concurrent.Executor
import java.util.function.BiConsumer
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.future.future
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * Kotlin coroutines as a peer of Weft: what a Kotlin service writes instead of a Weft adapter
 * (`withContext(Dispatchers.IO) { blocking() }`) and instead of a task group
 * (`coroutineScope { async { .. }; async { .. } }`).
 *
 * The coroutines run on a single-threaded dispatcher made of [loop] (the benchmarks give it the
 * harness's Weft loop, as for every peer without a loop of its own), and start undispatched: the
 * caller is already on that thread, as code inside a coroutine would be. `Dispatchers.IO` keeps its
 * defaults (64 threads, the size of every pool in the benchmarks).
 *
 * Plain functions around the suspending code, so that the Java JMH classes (and JMH's annotation
 * processor, which sees Java only) call them like any other peer.
 */
class CoroutinePeer(loop: Executor) : AutoCloseable {
  private val scope = CoroutineScope(loop.asCoroutineDispatcher() + SupervisorJob())

  /**
   * One blocking call from the loop and back: `withContext(Dispatchers.IO) { work.call() }`, its
   * outcome given to [done] on the loop (a value and null, or null and the failure).
   */
  fun callBlocking(work: Callable<Any?>, done: BiConsumer<Any?, Throwable?>) {
    scope.launch(start = CoroutineStart.UNDISPATCHED) {
      val result = try {
        withContext(Dispatchers.IO) { work.call() }
      } catch (failure: Throwable) {
        done.accept(null, failure)
        return@launch
      }
      done.accept(result, null)
    }
  }

  /**
   * A structured fork/join on the loop: `coroutineScope { async { child.call() } x children }`,
   * which waits for every child and fails with the first failure; the future completes with
   * [result] on the loop. Each `async` starts with Kotlin's default (dispatched: queued on the loop).
   */
  fun forkJoin(children: Int, child: Callable<Any?>, result: Any?): CompletableFuture<Any?> =
    scope.future(start = CoroutineStart.UNDISPATCHED) {
      coroutineScope {
        repeat(children) { async { child.call() } }
      }
      result
    }

  /**
   * The same with blocking children: `coroutineScope { async(Dispatchers.IO) { child.call() } x
   * children }`, started and completed on the loop.
   */
  fun forkJoinBlocking(children: Int, child: Callable<Any?>, result: Any?): CompletableFuture<Any?> =
    scope.future(start = CoroutineStart.UNDISPATCHED) {
      coroutineScope {
        repeat(children) { async(Dispatchers.IO) { child.call() } }
      }
      result
    }

  /** Cancels whatever still runs. */
  override fun close() {
    scope.cancel()
  }
}
