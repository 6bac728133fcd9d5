package io.gridledger.tariff;

import java.math.BigDecimal;
import java.time.YearMonth;

/** A month's peak demand kept for ratchets. touPeriod null = the whole-month (flat) peak. */
public record PeakDemand(YearMonth month, String touPeriod, BigDecimal kw) {
}
