package dev.weft.http.internal.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** The routes of a server: finds the endpoint of a method and path. Immutable once built. */
public final class Router {
  private final Map<Integer, List<Route>> bySegmentCount; // routes with that many segments, in declaration order
  private final List<Route> routes; // in declaration order

  private Router(Map<Integer, List<Route>> bySegmentCount, List<Route> routes) {
    this.bySegmentCount = bySegmentCount;
    this.routes = routes;
  }

  /** Every route's recorder, in declaration order. */
  List<ServerMetricsRecorder.RouteRecorder> routeRecorders() {
    List<ServerMetricsRecorder.RouteRecorder> recorders = new ArrayList<>(routes.size());
    for (Route route : routes) {
      recorders.add(route.metrics());
    }
    return recorders;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One route. */
  record Route(String method, PathTemplate template, Endpoint endpoint, ServerMetricsRecorder.RouteRecorder metrics) {}

  /** What the router found for a request. */
  static final class Match {
    enum Outcome { FOUND, NOT_FOUND, METHOD_NOT_ALLOWED, BAD_PATH }

    final Outcome outcome;
    final Route route; // when FOUND
    final Map<String, String> pathParams; // when FOUND
    final String allow; // when METHOD_NOT_ALLOWED: the methods the path has, comma-separated
    final String problem; // when BAD_PATH

    private Match(Outcome outcome, Route route, Map<String, String> pathParams, String allow, String problem) {
      this.outcome = outcome;
      this.route = route;
      this.pathParams = pathParams;
      this.allow = allow;
      this.problem = problem;
    }
  }

  /**
   * Finds the route for a method and a raw (still percent-encoded) path. A HEAD without a route of
   * its own takes the GET route.
   */
  Match find(String method, String rawPath) {
    String[] segments;
    try {
      segments = PathSegments.decode(rawPath);
    } catch (IllegalArgumentException malformed) {
      return new Match(Match.Outcome.BAD_PATH, null, null, null, malformed.getMessage());
    }
    List<Route> candidates = bySegmentCount.getOrDefault(segments.length, List.of());
    Route best = null;
    String[] bestValues = null;
    Route bestGet = null;
    String[] bestGetValues = null;
    TreeSet<String> allowed = null;
    for (Route route : candidates) {
      String[] values = route.template().match(segments);
      if (values == null) {
        continue;
      }
      if (route.method().equals(method)) {
        if (best == null || route.template().compareSpecificity(best.template()) > 0) {
          best = route;
          bestValues = values;
        }
      } else if (method.equals("HEAD") && route.method().equals("GET")) {
        if (bestGet == null || route.template().compareSpecificity(bestGet.template()) > 0) {
          bestGet = route;
          bestGetValues = values;
        }
      }
      if (allowed == null) {
        allowed = new TreeSet<>();
      }
      allowed.add(route.method());
      if (route.method().equals("GET")) {
        allowed.add("HEAD");
      }
    }
    if (best == null && bestGet != null) {
      best = bestGet;
      bestValues = bestGetValues;
    }
    if (best != null) {
      Map<String, String> params = new LinkedHashMap<>();
      List<String> names = best.template().parameterNames();
      for (int i = 0; i < names.size(); i++) {
        params.put(names.get(i), bestValues[i]);
      }
      return new Match(Match.Outcome.FOUND, best, params, null, null);
    }
    if (allowed != null) {
      return new Match(Match.Outcome.METHOD_NOT_ALLOWED, null, null, String.join(", ", allowed), null);
    }
    return new Match(Match.Outcome.NOT_FOUND, null, null, null, null);
  }

  /** Collects routes; rejects malformed and duplicate ones where they are declared. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    public void add(String method, String pathTemplate, Endpoint endpoint) {
      Objects.requireNonNull(method, "method");
      if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
        throw new IllegalArgumentException("method must be upper-case letters, like GET or POST (was '" + method + "')");
      }
      PathTemplate template = PathTemplate.parse(pathTemplate);
      for (Route existing : routes) {
        if (existing.method().equals(method) && existing.template().sameShape(template)) {
          throw new IllegalArgumentException("route " + method + " " + pathTemplate + " is already declared as "
              + existing.method() + " " + existing.template());
        }
      }
      routes.add(new Route(method, template, endpoint,
          new ServerMetricsRecorder.RouteRecorder(method, template.toString())));
    }

    public Router build() {
      Map<Integer, List<Route>> grouped = new HashMap<>();
      for (Route route : routes) {
        grouped.computeIfAbsent(route.template().segmentCount(), count -> new ArrayList<>()).add(route);
      }
      grouped.replaceAll((count, list) -> List.copyOf(list));
      return new Router(Map.copyOf(grouped), List.copyOf(routes));
    }
  }
}
