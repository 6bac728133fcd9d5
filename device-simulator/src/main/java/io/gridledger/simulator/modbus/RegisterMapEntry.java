package io.gridledger.simulator.modbus;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One value in a register map: where it is (function code, zero-based PDU address), how it is encoded (data type,
 * word order) and how the raw number becomes the platform's value and unit ({@code value = raw × scale}).
 */
public record RegisterMapEntry(String name, int address, int function, DataType dataType, boolean lowWordFirst,
                               double scale, String unit, String source) {

  public enum DataType {
    FLOAT32(2), INT32(2), UINT32(2), INT16(1), UINT16(1);

    private final int words;

    DataType(int words) {
      this.words = words;
    }

    public int words() {
      return words;
    }
  }

  static RegisterMapEntry fromJson(JsonObject json) {
    String wordOrder = json.getString("wordOrder", "big");
    if (!wordOrder.equals("big") && !wordOrder.equals("little")) {
      throw new IllegalArgumentException("wordOrder must be big (high word first) or little (low word first)");
    }
    return new RegisterMapEntry(json.getString("name"), json.getInteger("address"), json.getInteger("function", 4),
      DataType.valueOf(json.getString("dataType").toUpperCase(Locale.ROOT)), wordOrder.equals("little"),
      json.getNumber("scale", 1).doubleValue(), json.getString("unit"), json.getString("source"));
  }

  public int words() {
    return dataType.words();
  }

  /** The 16-bit register words (each 0..65535) that carry value, in address order. */
  public int[] encode(double value) {
    double raw = toRaw(value);
    int bits = switch (dataType) {
      case FLOAT32 -> Float.floatToIntBits((float) raw);
      case INT32 -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(raw)));
      case UINT32 -> (int) Math.max(0, Math.min(0xFFFFFFFFL, Math.round(raw)));
      case INT16 -> (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(raw)));
      case UINT16 -> (int) Math.max(0, Math.min(0xFFFF, Math.round(raw)));
    };
    if (words() == 1) {
      return new int[] {bits & 0xFFFF};
    }
    int high = (bits >>> 16) & 0xFFFF, low = bits & 0xFFFF;
    return lowWordFirst ? new int[] {low, high} : new int[] {high, low};
  }

  /** The value, in the platform's unit, that the register words (in address order) carry. */
  public double decode(int... words) {
    if (words.length != words()) {
      throw new IllegalArgumentException(name + " needs " + words() + " registers, got " + words.length);
    }
    int bits;
    if (words() == 1) {
      bits = words[0] & 0xFFFF;
    } else {
      int high = lowWordFirst ? words[1] : words[0], low = lowWordFirst ? words[0] : words[1];
      bits = ((high & 0xFFFF) << 16) | (low & 0xFFFF);
    }
    double raw = switch (dataType) {
      case FLOAT32 -> Float.intBitsToFloat(bits);
      case INT32 -> bits;
      case UINT32 -> bits & 0xFFFFFFFFL;
      case INT16 -> (short) bits;
      case UINT16 -> bits & 0xFFFF;
    };
    return fromRaw(raw);
  }

  // Scales like 0.1 are not exact in binary: dividing by the integer weight (10) keeps 1234.5 from printing as
  // 1234.5000000000002, and matches how the manufacturers state them ("kWh*10").

  private double toRaw(double value) {
    double weight = 1 / scale;
    return isInteger(weight) ? value * Math.rint(weight) : value / scale;
  }

  private double fromRaw(double raw) {
    double weight = 1 / scale;
    return isInteger(weight) ? raw / Math.rint(weight) : raw * scale;
  }

  private static boolean isInteger(double x) {
    return Math.abs(x - Math.rint(x)) < 1e-9 * Math.max(1, Math.abs(x));
  }
}
