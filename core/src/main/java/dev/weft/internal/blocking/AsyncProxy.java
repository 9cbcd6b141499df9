package dev.weft.internal.blocking;

import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Implements an asynchronous interface by running each method's blocking twin on an adapter.
 * Every method is matched when the proxy is created, so a mismatch fails at once, naming the
 * method; calls then cost one map lookup and a reflective invoke on the adapter's thread.
 */
public final class AsyncProxy implements InvocationHandler {
  private final Class<?> asyncInterface;
  private final Object legacy;
  private final BlockingAdapter adapter;
  private final Map<Method, Method> targets; // async method -> blocking twin
  private final Map<Method, MethodHandle> defaultBodies; // default methods this class cannot access directly

  private AsyncProxy(Class<?> asyncInterface, Object legacy, BlockingAdapter adapter, Map<Method, Method> targets,
      Map<Method, MethodHandle> defaultBodies) {
    this.asyncInterface = asyncInterface;
    this.legacy = legacy;
    this.adapter = adapter;
    this.targets = targets;
    this.defaultBodies = defaultBodies;
  }

  /**
   * Creates the proxy; see {@code Adapters.proxy}.
   *
   * @param asyncInterface the asynchronous interface
   * @param legacy the blocking implementation
   * @param adapter where calls run
   * @param <A> the interface type
   * @return the proxy
   */
  public static <A> A create(Class<A> asyncInterface, Object legacy, BlockingAdapter adapter) {
    Objects.requireNonNull(asyncInterface, "asyncInterface");
    Objects.requireNonNull(legacy, "legacy");
    Objects.requireNonNull(adapter, "adapter");
    if (!asyncInterface.isInterface()) {
      throw new IllegalArgumentException(asyncInterface.getName() + " is not an interface; proxies implement interfaces");
    }
    Map<Method, Method> targets = new HashMap<>();
    Map<Method, MethodHandle> defaultBodies = new HashMap<>();
    for (Method method : asyncInterface.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      if (method.isDefault()) {
        MethodHandle body = defaultBody(method, signature(method, asyncInterface));
        if (body != null) {
          defaultBodies.put(method, body);
        }
        continue;
      }
      targets.put(method, twinOf(method, asyncInterface, legacy.getClass()));
    }
    Object proxy = Proxy.newProxyInstance(asyncInterface.getClassLoader(), new Class<?>[] {asyncInterface},
        new AsyncProxy(asyncInterface, legacy, adapter, Map.copyOf(targets), Map.copyOf(defaultBodies)));
    return asyncInterface.cast(proxy);
  }

  private static String signature(Method method, Class<?> asyncInterface) {
    return asyncInterface.getSimpleName() + "." + method.getName() + "("
        + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
  }

  /**
   * Null if {@link InvocationHandler#invokeDefault} can run {@code method}: that needs its interface
   * to be accessible from this class, which a package-private or nested private interface is not.
   * For those, a handle found through the interface's own lookup (allowed when its package is open
   * to Weft, as every package on the class path is).
   */
  private static MethodHandle defaultBody(Method method, String signature) {
    Class<?> declaring = method.getDeclaringClass();
    try {
      MethodHandles.lookup().accessClass(declaring);
      return null;
    } catch (IllegalAccessException notAccessible) {
      try {
        return MethodHandles.privateLookupIn(declaring, MethodHandles.lookup())
            .unreflectSpecial(method, declaring).asFixedArity();
      } catch (IllegalAccessException closed) {
        throw new IllegalArgumentException(signature + " is a default method of " + declaring.getName()
            + ", which Weft cannot call: make the interface public, or open its package to Weft", closed);
      }
    }
  }

  private static Method twinOf(Method method, Class<?> asyncInterface, Class<?> legacyClass) {
    String signature = signature(method, asyncInterface);
    if (method.getReturnType() != Future.class) {
      throw new IllegalArgumentException(signature + " must return dev.weft.future.Future<X> to be proxied (returns "
          + method.getGenericReturnType().getTypeName() + ")");
    }
    Method twin;
    try {
      twin = legacyClass.getMethod(method.getName(), method.getParameterTypes());
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(signature + " has no twin in " + legacyClass.getName()
          + ": it needs a public method with the same name and parameter types");
    }
    Class<?> expected = futureArgument(method, signature);
    Class<?> actual = boxed(twin.getReturnType());
    if (expected != null && !expected.isAssignableFrom(actual)) {
      throw new IllegalArgumentException(signature + " returns Future<" + expected.getSimpleName() + "> but its twin "
          + legacyClass.getSimpleName() + "." + twin.getName() + " returns " + twin.getReturnType().getSimpleName());
    }
    twin.setAccessible(true); // a public method of a non-public class (a lambda, an anonymous class)
    return twin;
  }

  /** The X of Future<X> as a class, or null when it cannot be checked (a type variable). */
  private static Class<?> futureArgument(Method method, String signature) {
    Type type = method.getGenericReturnType();
    if (!(type instanceof ParameterizedType)) {
      throw new IllegalArgumentException(signature + " returns a raw Future; declare Future<X>");
    }
    Type argument = ((ParameterizedType) type).getActualTypeArguments()[0];
    if (argument instanceof WildcardType) {
      Type[] upper = ((WildcardType) argument).getUpperBounds();
      argument = upper.length == 0 ? Object.class : upper[0];
    }
    if (argument instanceof ParameterizedType) {
      argument = ((ParameterizedType) argument).getRawType();
    }
    return argument instanceof Class ? (Class<?>) argument : null;
  }

  private static Class<?> boxed(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == void.class) {
      return Void.class;
    }
    if (type == int.class) {
      return Integer.class;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    if (type == double.class) {
      return Double.class;
    }
    if (type == float.class) {
      return Float.class;
    }
    if (type == short.class) {
      return Short.class;
    }
    if (type == byte.class) {
      return Byte.class;
    }
    return Character.class;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return asyncInterface.getSimpleName() + " over " + legacy + " on " + adapter;
        default:
          throw new UnsupportedOperationException(method.getName());
      }
    }
    if (method.isDefault()) {
      MethodHandle body = defaultBodies.get(method);
      return body == null
          ? InvocationHandler.invokeDefault(proxy, method, args)
          : body.bindTo(proxy).invokeWithArguments(args == null ? new Object[0] : args);
    }
    Method twin = targets.get(method);
    return adapter.call(() -> {
      try {
        return twin.invoke(legacy, args);
      } catch (InvocationTargetException thrown) {
        Throwable cause = thrown.getCause();
        if (cause instanceof Exception) {
          throw (Exception) cause;
        }
        throw (Error) cause;
      }
    });
  }
}
