package dev.weft.jdbc;

import dev.weft.internal.WeftLoggers;
import java.lang.reflect.Method;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.slf4j.Logger;

/**
 * Reads a pool's maximum size from its DataSource, without depending on the pool: HikariCP's
 * {@code HikariDataSource} (and any DataSource with a public {@code int getMaximumPoolSize()}) says it.
 */
final class PoolSize {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);

  private PoolSize() {}

  static OptionalInt of(DataSource dataSource) {
    try {
      Method getter = dataSource.getClass().getMethod("getMaximumPoolSize");
      if (getter.getReturnType() == int.class) {
        int size = (int) getter.invoke(dataSource);
        if (size > 0) {
          return OptionalInt.of(size);
        }
      }
    } catch (NoSuchMethodException notAPool) {
      // fall through: the caller explains what to set
    } catch (ReflectiveOperationException | RuntimeException unreadable) {
      LOG.debug("could not read getMaximumPoolSize() of {}", dataSource.getClass().getName(), unreadable);
    }
    return OptionalInt.empty();
  }
}
