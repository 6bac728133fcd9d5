package io.gridledger.tariff;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parts a tariff is built from, in the order the document lists them. */
sealed interface Component {

  String id();

  String description();

  /** Months (1-12) of the billing period's start in which the component applies; null = every month. */
  Set<Integer> months();

  enum Per { DAY, MONTH, YEAR }

  enum TierBasis { PERIOD, DAY, YEAR }

  /** A fixed charge per day, month or year, prorated by days served. */
  record Fixed(String id, String description, Set<Integer> months, BigDecimal amount, Per per) implements Component {
  }

  /**
   * Energy or volume. Either {@code price} (all usage) or {@code periodPrices} (usage in each period of
   * {@code schedule}); tier limits are scaled by {@code tierBasis} and, when {@code perPerson}, household size.
   */
  record Energy(String id, String description, Set<Integer> months, Price price, String schedule,
                Map<String, Price> periodPrices, TierBasis tierBasis, boolean perPerson) implements Component {
  }

  /**
   * Demand: the period's maximum demand (flat, {@code price}) or the maximum in each period of {@code schedule}
   * ({@code periodPrices}), raised to the ratchet when that is higher.
   */
  record Demand(String id, String description, Set<Integer> months, Price price, String schedule,
                Map<String, Price> periodPrices, Ratchet ratchet, boolean prorate) implements Component {
  }

  /** At least {@code percent} of the highest peak of the same period in the last {@code months} months. */
  record Ratchet(BigDecimal percent, int months, Set<Integer> onlyMonths) {
  }

  /** Tops the components in {@code appliesTo} (null = all non-tax) up to an amount per day or month. */
  record Minimum(String id, String description, Set<Integer> months, BigDecimal amount, Per per,
                 List<String> appliesTo) implements Component {
  }

  /**
   * A tax or levy on chosen components: {@code percent} of their rounded amounts, or {@code perUnit} of their
   * quantities (energy components only). {@code appliesTo} may name earlier taxes (VAT on a levy).
   */
  record Tax(String id, String description, Set<Integer> months, BigDecimal percent, BigDecimal perUnit,
             List<String> appliesTo) implements Component {
  }
}
