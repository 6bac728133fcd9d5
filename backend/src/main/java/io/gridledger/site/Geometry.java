package io.gridledger.site;

import io.gridledger.api.Problem;
import io.vertx.core.json.JsonArray;

/**
 * Plan geometry checks the contract cannot express. Polygons are lists of [x, y] metres; the twin extrudes them, so
 * a degenerate or self-intersecting outline would draw garbage and break area-based allocation.
 */
public final class Geometry {

  private static final double MIN_AREA_M2 = 0.01;

  private Geometry() {
  }

  /** Throws a 422 naming {@code field} unless the polygon is simple and has a positive area. */
  public static void requireSimplePolygon(JsonArray polygon, String field) {
    int n = polygon.size();
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      JsonArray point = polygon.getJsonArray(i);
      xs[i] = point.getDouble(0);
      ys[i] = point.getDouble(1);
      if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
        throw Problem.unprocessable("invalid-geometry", field, "Polygon coordinates must be finite numbers");
      }
    }
    if (Math.abs(signedArea(xs, ys)) < MIN_AREA_M2) {
      throw Problem.unprocessable("invalid-geometry", field, "The polygon encloses no area");
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        boolean adjacent = j == i + 1 || (i == 0 && j == n - 1);
        if (!adjacent && segmentsIntersect(xs[i], ys[i], xs[(i + 1) % n], ys[(i + 1) % n],
          xs[j], ys[j], xs[(j + 1) % n], ys[(j + 1) % n])) {
          throw Problem.unprocessable("invalid-geometry", field, "The polygon's edges cross each other");
        }
      }
    }
  }

  public static double area(JsonArray polygon) {
    int n = polygon.size();
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = polygon.getJsonArray(i).getDouble(0);
      ys[i] = polygon.getJsonArray(i).getDouble(1);
    }
    return Math.abs(signedArea(xs, ys));
  }

  private static double signedArea(double[] xs, double[] ys) {
    double sum = 0;
    for (int i = 0; i < xs.length; i++) {
      int j = (i + 1) % xs.length;
      sum += xs[i] * ys[j] - xs[j] * ys[i];
    }
    return sum / 2;
  }

  private static boolean segmentsIntersect(double ax, double ay, double bx, double by,
                                           double cx, double cy, double dx, double dy) {
    double d1 = cross(cx, cy, dx, dy, ax, ay);
    double d2 = cross(cx, cy, dx, dy, bx, by);
    double d3 = cross(ax, ay, bx, by, cx, cy);
    double d4 = cross(ax, ay, bx, by, dx, dy);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
  }

  private static double cross(double ax, double ay, double bx, double by, double px, double py) {
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
  }
}
