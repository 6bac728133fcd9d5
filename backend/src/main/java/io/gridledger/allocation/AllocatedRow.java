package io.gridledger.allocation;

import java.time.LocalDate;
import java.util.UUID;

/**
 * One stored allocation row as reports read it: a unit's share of one meter register through one rule on one
 * site-local day. {@code tenantId} null: a vacant unit's share (the landlord's); {@code unitId} null: an interval with
 * nothing to weight by. Quantities are thousandths of {@code unit}, index i = {@code dayStartEpochSecond} + i x 900.
 */
public record AllocatedRow(LocalDate day, UUID tenantId, UUID unitId, String utility, String unit, UUID meterId,
                           String register, UUID ruleId, String ruleKind, long dayStartEpochSecond, long[] quantities,
                           long totalMilli, long meteredMilli, boolean estimated) {
}
