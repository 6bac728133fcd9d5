package io.gridledger.tariff;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a rating's lines component by component and rounds them to minor units where the tariff's rounding rule
 * says: every line on its own ({@code line}), or a component's exact total once, spread over its lines by largest
 * remainder so the lines still add up to it ({@code component}).
 */
final class Bill {

  /** A line before rounding: {@code exact} is the amount in currency units, unrounded. */
  record Pending(ChargeKind kind, String description, String touPeriod, Integer tier, BigDecimal quantity, String unit,
                 BigDecimal rate, BigDecimal exact) {
  }

  /** What later components (minimum, taxes) need to know about an earlier one. */
  record Booked(Component component, long amountMinor, BigDecimal quantity) {
  }

  private final int digits;
  private final RoundingMode mode;
  private final TariffDocument.RoundingScope scope;
  private final List<ChargeLine> lines = new ArrayList<>();
  private final Map<String, Booked> booked = new LinkedHashMap<>();

  Bill(int digits, RoundingMode mode, TariffDocument.RoundingScope scope) {
    this.digits = digits;
    this.mode = mode;
    this.scope = scope;
  }

  int digits() {
    return digits;
  }

  /** Rounds one amount to minor units with the tariff's rounding mode (a single rounding, never two). */
  long round(BigDecimal exactUnits) {
    return exactUnits.movePointRight(digits).setScale(0, mode).longValueExact();
  }

  Map<String, Booked> booked() {
    return booked;
  }

  /** Rounds and records the lines of one component. */
  void book(Component component, List<Pending> pending) {
    long[] minor = scope == TariffDocument.RoundingScope.LINE ? perLine(pending) : perComponent(pending);
    long sum = 0;
    BigDecimal quantity = BigDecimal.ZERO;
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      lines.add(new ChargeLine(component.id(), p.kind(), p.description(), p.touPeriod(), p.tier(), p.quantity(),
        p.unit(), p.rate(), minor[i]));
      sum += minor[i];
      quantity = quantity.add(p.quantity());
    }
    booked.put(component.id(), new Booked(component, sum, quantity));
  }

  private long[] perLine(List<Pending> pending) {
    long[] out = new long[pending.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = round(pending.get(i).exact());
    }
    return out;
  }

  private long[] perComponent(List<Pending> pending) {
    int n = pending.size();
    long[] out = new long[n];
    BigDecimal[] fraction = new BigDecimal[n];
    BigDecimal total = BigDecimal.ZERO;
    long floors = 0;
    for (int i = 0; i < n; i++) {
      BigDecimal exactMinor = pending.get(i).exact().movePointRight(digits);
      total = total.add(exactMinor);
      BigDecimal floor = exactMinor.setScale(0, RoundingMode.FLOOR);
      out[i] = floor.longValueExact();
      floors += out[i];
      fraction[i] = exactMinor.subtract(floor);
    }
    long residue = total.setScale(0, mode).longValueExact() - floors;
    // 0 <= residue <= n: every rounding of the total lies between the sum of the floors and that sum plus n.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing((Integer i) -> fraction[i]).reversed());
    for (int k = 0; k < residue; k++) {
      out[order.get(k)]++;
    }
    return out;
  }

  RatingResult result(List<PeakDemand> peaks) {
    long subtotal = 0;
    long tax = 0;
    for (ChargeLine line : lines) {
      if (line.kind() == ChargeKind.TAX) {
        tax += line.amountMinor();
      } else {
        subtotal += line.amountMinor();
      }
    }
    return new RatingResult(List.copyOf(lines), subtotal, tax, subtotal + tax, List.copyOf(peaks));
  }
}
