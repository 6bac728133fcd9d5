package io.gridledger.db;

import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a parameterised statement from fragments that use {@code ?} for values, numbering them $1..$n in order.
 * Values never enter the SQL text: only fragments written in this code base do.
 */
public final class Sql {

  private final StringBuilder text = new StringBuilder();
  private final List<Object> values = new ArrayList<>();
  private boolean setStarted;

  public Sql(String fragment, Object... params) {
    append(fragment, params);
  }

  public Sql append(String fragment, Object... params) {
    int next = 0;
    for (int i = 0; i < fragment.length(); i++) {
      char c = fragment.charAt(i);
      if (c == '?') {
        if (next >= params.length) {
          throw new IllegalArgumentException("fewer params than placeholders in: " + fragment);
        }
        values.add(params[next++]);
        text.append('$').append(values.size());
      } else {
        text.append(c);
      }
    }
    if (next != params.length) {
      throw new IllegalArgumentException("more params than placeholders in: " + fragment);
    }
    return this;
  }

  /** Adds "col = ?" to an UPDATE's SET list (the first call writes SET), for partial updates built field by field. */
  public Sql set(String column, Object value) {
    append((setStarted ? ", " : " SET ") + column + " = ?", value);
    setStarted = true;
    return this;
  }

  /** Adds an assignment whose value is an SQL expression written in this code base, such as now(). */
  public Sql setExpression(String column, String expression) {
    append((setStarted ? ", " : " SET ") + column + " = " + expression);
    setStarted = true;
    return this;
  }

  public String text() {
    return text.toString();
  }

  public Tuple tuple() {
    return Tuple.from(values);
  }
}
