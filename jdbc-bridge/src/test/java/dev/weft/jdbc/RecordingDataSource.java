package dev.weft.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A DataSource that wraps another and records what the bridge does to its connections: their
 * auto-commit and isolation when they are closed, the query timeouts set on statements. It can also
 * make chosen connection methods fail, to drive failure paths.
 */
final class RecordingDataSource {
  final DataSource dataSource;
  final List<String> statesAtClose = Collections.synchronizedList(new ArrayList<>());
  final List<Integer> queryTimeouts = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger openStatements = new AtomicInteger();
  final AtomicInteger openResultSets = new AtomicInteger();
  final Set<String> failing = ConcurrentHashMap.newKeySet(); // DataSource or Connection method names that throw

  RecordingDataSource(DataSource target) {
    this.dataSource = proxy(DataSource.class, (proxy, method, args) -> {
      if (failing.contains(method.getName())) {
        throw new SQLException("injected failure of DataSource." + method.getName(), "08001", 4242);
      }
      Object result = invoke(target, method, args);
      return method.getName().equals("getConnection") ? connection((Connection) result) : result;
    });
  }

  private Connection connection(Connection target) {
    return proxy(Connection.class, (proxy, method, args) -> {
      String name = method.getName();
      if (failing.contains(name)) {
        throw new SQLException("injected failure of Connection." + name, "08999", 4242);
      }
      if (name.equals("close")) {
        statesAtClose.add("autoCommit=" + target.getAutoCommit() + " isolation=" + target.getTransactionIsolation());
      }
      Object result = invoke(target, method, args);
      return name.equals("prepareStatement") ? statement((PreparedStatement) result) : result;
    });
  }

  private PreparedStatement statement(PreparedStatement target) {
    openStatements.incrementAndGet();
    AtomicBoolean closed = new AtomicBoolean();
    return proxy(PreparedStatement.class, (proxy, method, args) -> {
      String name = method.getName();
      if (name.equals("setQueryTimeout")) {
        queryTimeouts.add((Integer) args[0]);
      } else if (name.equals("close") && closed.compareAndSet(false, true)) {
        openStatements.decrementAndGet();
      }
      Object result = invoke(target, method, args);
      return name.equals("executeQuery") ? resultSet((ResultSet) result) : result;
    });
  }

  private ResultSet resultSet(ResultSet target) {
    openResultSets.incrementAndGet();
    AtomicBoolean closed = new AtomicBoolean();
    return proxy(ResultSet.class, (proxy, method, args) -> {
      if (method.getName().equals("close") && closed.compareAndSet(false, true)) {
        openResultSets.decrementAndGet();
      }
      return invoke(target, method, args);
    });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(RecordingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
