package dev.weft.jdbc.examples;

// The README's JDBC example, compiled and run by JdbcReadmeExampleTest so it cannot rot.
import dev.weft.AsyncRuntime;
import dev.weft.jdbc.AsyncJdbc;
import dev.weft.jdbc.JdbcOptions;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;

public class JdbcReadmeExample {
  public static void main(String[] args) throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();                      // any DataSource; HikariCP in production
    h2.setURL("jdbc:h2:mem:readme;DB_CLOSE_DELAY=-1");
    String names = AsyncRuntime.run(runtime -> {
      AsyncJdbc db = AsyncJdbc.create(runtime, h2, JdbcOptions.builder().maxConnections(4).build());
      return db.inTransaction(tx -> tx.update("CREATE TABLE users(id INT PRIMARY KEY, name VARCHAR(40))")
              .flatMap(created -> tx.batch("INSERT INTO users VALUES (?, ?)",
                  List.of(new Object[] {1, "ada"}, new Object[] {2, "grace"}))))  // one connection, then commit
          .flatMap(committed -> db.query("SELECT name FROM users ORDER BY id", row -> row.getString("name")))
          .map(rows -> String.join(" and ", rows));                // back on the loop, never on a JDBC thread
    });
    System.out.println(names);                                     // prints "ada and grace"
  }
}
