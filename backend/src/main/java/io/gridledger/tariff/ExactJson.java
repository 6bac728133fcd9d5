package io.gridledger.tariff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gridledger.api.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;

/**
 * Reads a request body keeping every number as written: decimals become BigDecimal (a rate such as 0.24653 never
 * passes through a double), integers stay integers. Used for tariff documents and URDB records; the contract has
 * already checked the body is a JSON object.
 */
final class ExactJson {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final int MAX_DEPTH = 16;

  private ExactJson() {
  }

  static JsonObject parseExact(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw Problem.badRequest("malformed-json", null, "The body must be a JSON object");
      }
      return object(parser, 0);
    } catch (IOException e) {
      throw Problem.badRequest("malformed-json", null, "The body is not JSON");
    }
  }

  private static JsonObject object(JsonParser parser, int depth) throws IOException {
    JsonObject out = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      out.put(name, value(parser, depth + 1));
    }
    return out;
  }

  private static Object value(JsonParser parser, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw Problem.badRequest("malformed-json", null, "The body is nested deeper than " + MAX_DEPTH);
    }
    return switch (parser.currentToken()) {
      case START_OBJECT -> object(parser, depth);
      case START_ARRAY -> {
        JsonArray array = new JsonArray();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser, depth + 1));
        }
        yield array;
      }
      case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        ? parser.getDecimalValue() : parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> parser.getText();
    };
  }
}
