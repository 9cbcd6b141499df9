package dev.weft.examples;

// The README's example, compiled and run by ReadmeExampleTest so it cannot rot.
import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.time.Duration;

public class ReadmeExample {
  public static void main(String[] args) throws Exception {
    String answer = AsyncRuntime.run(runtime -> {
      Future<String> user = runtime.nextLoop().schedule(Duration.ofMillis(20), () -> "ada");
      Future<Integer> score = runtime.nextLoop().schedule(Duration.ofMillis(30), () -> 42);
      return Future.all(java.util.List.of(user, score))          // both at once, no thread blocked
          .map(both -> both.get(0) + " scored " + both.get(1))   // runs on the loop of this future
          .orTimeout(Duration.ofSeconds(1));                     // a late answer is cancelled
    });
    System.out.println(answer);                                  // prints "ada scored 42"
  }
}
