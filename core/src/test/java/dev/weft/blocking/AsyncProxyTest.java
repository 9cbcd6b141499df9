package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Adapters.proxy: an async interface over a blocking client, matched method by method. */
class AsyncProxyTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;
  private static BlockingAdapter dao;

  /** The legacy, blocking client. */
  public static final class LegacyUserDao {
    static final IOException NOT_FOUND = new IOException("no user -1");
    final Queue<String> saved = new ConcurrentLinkedQueue<>();
    final Queue<String> threads = new ConcurrentLinkedQueue<>();

    public String find(long id) throws IOException {
      threads.add(Thread.currentThread().getName());
      if (id < 0) {
        throw NOT_FOUND;
      }
      return "user-" + id;
    }

    public void save(String user) {
      threads.add(Thread.currentThread().getName());
      saved.add(user);
    }

    public int count() {
      return saved.size();
    }

    public List<String> all() {
      return List.copyOf(saved);
    }
  }

  /** Its asynchronous mirror; package-private, as interfaces in application code often are. */
  interface AsyncUserDao {
    Future<String> find(long id);

    Future<Void> save(String user);

    Future<Integer> count();

    Future<List<String>> all();

    default Future<String> findOrUnknown(long id) {
      return find(id).recover(failure -> "unknown");
    }
  }

  interface WithoutTwin {
    Future<String> find(long id);

    Future<Void> delete(long id);
  }

  interface WrongParameterType {
    Future<String> find(int id);
  }

  interface WrongResultType {
    Future<Integer> find(long id);
  }

  interface NotAFuture {
    String find(long id);
  }

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-proxy").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .bulkhead(Adapters.boundedPool("dao").maxThreads(2).maxQueue(0)).build();
    dao = runtime.adapter("dao");
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void eachMethodRunsItsBlockingTwinOnTheAdapter() throws Exception {
    LegacyUserDao legacy = new LegacyUserDao();
    AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, legacy, dao);
    assertThat(users.find(7).join(WAIT)).as("find(7)").isEqualTo("user-7");
    assertThat(legacy.threads).as("threads the twin ran on").singleElement(STRING).startsWith("bt-proxy-dao-");
  }

  @Test
  void aVoidTwinMapsToAFutureOfVoid() throws Exception {
    LegacyUserDao legacy = new LegacyUserDao();
    AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, legacy, dao);
    assertThat(users.save("ada").join(WAIT)).as("save's result").isNull();
    assertThat(legacy.saved).as("saved").containsExactly("ada");
  }

  @Test
  void primitiveAndGenericResultsMapToTheirFutures() throws Exception {
    LegacyUserDao legacy = new LegacyUserDao();
    AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, legacy, dao);
    users.save("ada").join(WAIT);
    users.save("bob").join(WAIT);
    assertThat(users.count().join(WAIT)).as("count(), an int twin").isEqualTo(2);
    assertThat(users.all().join(WAIT)).as("all()").containsExactly("ada", "bob");
  }

  @Test
  void whatTheTwinThrowsFailsTheFutureAsItIs() {
    AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, new LegacyUserDao(), dao);
    Future<String> missing = users.find(-1);
    assertThatThrownBy(() -> missing.join(WAIT)).as("the checked exception, not wrapped")
        .isSameAs(LegacyUserDao.NOT_FOUND);
  }

  @Test
  void defaultMethodsRunAsWritten() throws Exception {
    AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, new LegacyUserDao(), dao);
    assertThat(users.findOrUnknown(-1).join(WAIT)).as("a default method of a package-private interface")
        .isEqualTo("unknown");
    assertThat(users.findOrUnknown(3).join(WAIT)).isEqualTo("user-3");
  }

  @Test
  void objectMethodsAreTheProxysOwn() {
    LegacyUserDao legacy = new LegacyUserDao();
    AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, legacy, dao);
    AsyncUserDao others = Adapters.proxy(AsyncUserDao.class, legacy, dao);
    assertThat(users.equals(users)).as("equal to itself").isTrue();
    assertThat(users.equals(others)).as("equal to another proxy of the same client").isFalse();
    assertThat(users.hashCode()).as("hashCode").isEqualTo(System.identityHashCode(users));
    assertThat(users.toString()).as("toString").contains("AsyncUserDao").contains("bounded pool 'dao'");
  }

  @Test
  void callsAreBoundedByTheAdapter() throws Exception {
    Gate gate = new Gate();
    Future<String> first = dao.call(gate.call("1"));
    Future<String> second = dao.call(gate.call("2"));
    gate.awaitEntered(2);
    AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, new LegacyUserDao(), dao);
    assertThatThrownBy(() -> users.find(1).join(Duration.ZERO)).as("a proxy call to a saturated adapter")
        .isInstanceOf(RejectedException.class);
    gate.open();
    first.join(WAIT);
    second.join(WAIT);
  }

  @Test
  void aMethodWithoutATwinFailsAtCreationNamingIt() {
    assertThatThrownBy(() -> Adapters.proxy(WithoutTwin.class, new LegacyUserDao(), dao))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WithoutTwin.delete(long) has no twin in " + LegacyUserDao.class.getName());
  }

  @Test
  void parameterTypesMustMatchExactly() {
    assertThatThrownBy(() -> Adapters.proxy(WrongParameterType.class, new LegacyUserDao(), dao))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WrongParameterType.find(int) has no twin");
  }

  @Test
  void aResultTypeMismatchFailsAtCreationNamingTheMethod() {
    assertThatThrownBy(() -> Adapters.proxy(WrongResultType.class, new LegacyUserDao(), dao))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WrongResultType.find(long) returns Future<Integer> but its twin")
        .hasMessageContaining("returns String");
  }

  @Test
  void aMethodThatDoesNotReturnAFutureFailsAtCreation() {
    assertThatThrownBy(() -> Adapters.proxy(NotAFuture.class, new LegacyUserDao(), dao))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NotAFuture.find(long) must return dev.weft.future.Future<X>");
  }

  @Test
  void onlyInterfacesCanBeProxied() {
    assertThatThrownBy(() -> Adapters.proxy(LegacyUserDao.class, new LegacyUserDao(), dao))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an interface");
  }
}
