package dev.weft.jdbc;

import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds positional parameters to one prepared statement: {@code setObject} for values,
 * {@code setNull} with the parameter's SQL type for nulls. The parameter metadata is read once,
 * and only when a null needs it (PostgreSQL's driver asks the server for it).
 */
final class ParameterBinder {
  private final PreparedStatement statement;
  private ParameterMetaData metadata; // read on the first null
  private boolean metadataRead;

  ParameterBinder(PreparedStatement statement) {
    this.statement = statement;
  }

  void bind(Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object value = params[i];
      if (value == null) {
        bindNull(i + 1);
      } else {
        statement.setObject(i + 1, value);
      }
    }
  }

  private void bindNull(int index) throws SQLException {
    int type = declaredType(index);
    if (type != Types.NULL) {
      try {
        statement.setNull(index, type);
        return;
      } catch (SQLException refused) {
        // the driver would not take its own type back: fall through to the untyped forms
      }
    }
    try {
      statement.setNull(index, Types.NULL);
    } catch (SQLException refused) {
      statement.setNull(index, Types.OTHER);
    }
  }

  /** The SQL type the driver reports for the parameter, or {@link Types#NULL} if it cannot. */
  private int declaredType(int index) {
    if (!metadataRead) {
      metadataRead = true;
      try {
        metadata = statement.getParameterMetaData();
      } catch (SQLException | RuntimeException unsupported) {
        metadata = null;
      }
    }
    if (metadata != null) {
      try {
        return metadata.getParameterType(index);
      } catch (SQLException | RuntimeException unknown) {
        // some drivers describe only some parameters
      }
    }
    return Types.NULL;
  }
}
