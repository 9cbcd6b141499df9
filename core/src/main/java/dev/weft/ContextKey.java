package dev.weft;

import java.util.Objects;

/**
 * A typed key for a value carried by {@link Context}: a request id, a tenant, a trace span. Keys
 * compare by identity, so create each once, as a constant.
 *
 * <pre>{@code
 * static final ContextKey<String> REQUEST_ID = ContextKey.of("requestId", String.class);
 * }</pre>
 *
 * @param <T> the value type
 */
public final class ContextKey<T> {
  private final String name;
  private final Class<T> type;
  private final T defaultValue;

  private ContextKey(String name, Class<T> type, T defaultValue) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = defaultValue;
  }

  /**
   * A key whose value is {@code null} where it was not set.
   *
   * @param name a name for messages and {@code toString}
   * @param type the value type, checked when a value is set
   * @param <T> the value type
   * @return a new key
   */
  public static <T> ContextKey<T> of(String name, Class<T> type) {
    return new ContextKey<>(name, type, null);
  }

  /**
   * A key whose value is {@code defaultValue} where it was not set.
   *
   * @param name a name for messages and {@code toString}
   * @param type the value type
   * @param defaultValue the value where none was set
   * @param <T> the value type
   * @return a new key
   */
  public static <T> ContextKey<T> of(String name, Class<T> type, T defaultValue) {
    return new ContextKey<>(name, type, type.cast(defaultValue));
  }

  /**
   * The key's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  T cast(Object value) {
    return type.cast(value);
  }

  T defaultValue() {
    return defaultValue;
  }

  @Override
  public String toString() {
    return "ContextKey[" + name + "]";
  }
}
