package io.gridledger.tariff;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A rate, or a block (tier) structure: tier i covers quantities up to {@code upTo[i]} (exclusive of the tiers
 * before), the last tier is open-ended. A flat rate is one open tier.
 */
record Price(BigDecimal[] upTo, BigDecimal[] rates) {

  int tiers() {
    return rates.length;
  }

  boolean tiered() {
    return rates.length > 1;
  }

  static Price flat(BigDecimal rate) {
    return new Price(new BigDecimal[] {null}, new BigDecimal[] {rate});
  }

  /** {@code "rate": "0.28"} or {@code "tiers": [{"upTo": "100", "rate": "0.25"}, {"rate": "0.30"}]} in {@code r}. */
  static Price parse(DocReader r) {
    if (r.has("rate") == r.has("tiers")) {
      throw r.fail(null, "give either 'rate' or 'tiers'");
    }
    if (r.has("rate")) {
      return flat(r.decimal("rate"));
    }
    List<DocReader> tiers = r.objects("tiers", 1, 20);
    BigDecimal[] upTo = new BigDecimal[tiers.size()];
    BigDecimal[] rates = new BigDecimal[tiers.size()];
    for (int i = 0; i < tiers.size(); i++) {
      DocReader t = tiers.get(i);
      t.onlyKeys(Set.of("upTo", "rate"));
      rates[i] = t.decimal("rate");
      boolean last = i == tiers.size() - 1;
      if (last && t.has("upTo")) {
        throw t.fail("upTo", "the last tier is open-ended: it has no upTo");
      }
      if (!last) {
        if (!t.has("upTo")) {
          throw t.fail("upTo", "every tier but the last needs upTo");
        }
        upTo[i] = t.positive("upTo");
        if (i > 0 && upTo[i].compareTo(upTo[i - 1]) <= 0) {
          throw t.fail("upTo", "tier limits must increase");
        }
      }
    }
    return new Price(upTo, rates);
  }

  /** A rate given as a bare decimal, or an object with rate/tiers (used in per-period rate maps). */
  static Price parseValue(DocReader parent, String key) {
    Object value = parent.json().getValue(key);
    if (value instanceof JsonObject) {
      DocReader r = parent.object(key);
      r.onlyKeys(Set.of("rate", "tiers"));
      return parse(r);
    }
    return flat(parent.decimal(key));
  }

  List<BigDecimal> limits() {
    List<BigDecimal> out = new ArrayList<>();
    for (BigDecimal u : upTo) {
      out.add(u);
    }
    return out;
  }
}
