package io.gridledger.ledger;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A balanced money movement between accounts of one site and currency. Its id is the caller's idempotency key:
 * posting the same id with the same content again changes nothing and answers the original result; the same id with
 * other content is refused. {@code createdBy} (who asked) is not part of the content, so a retry by someone else is
 * still a replay.
 *
 * @param reversesTransferId set on a reversal: the transfer this one undoes (each transfer is reversed at most once)
 * @param metadata           small JSON the caller wants kept with the transfer (meter interval, invoice id, reason)
 */
public record Transfer(UUID id, UUID siteId, String currency, String kind, List<Leg> legs, UUID reversesTransferId,
                       String description, JsonObject metadata, String createdBy) {

  /** One side of a transfer on one account; amounts are positive. */
  public record Leg(UUID accountId, Side side, long amountMinor) {
    public static Leg debit(UUID accountId, long amountMinor) {
      return new Leg(accountId, Side.DEBIT, amountMinor);
    }

    public static Leg credit(UUID accountId, long amountMinor) {
      return new Leg(accountId, Side.CREDIT, amountMinor);
    }
  }

  /** Legs per transfer at most (a bill with many tax and utility lines still fits). */
  public static final int MAX_LEGS = 32;
  /** The largest amount of one leg: 10^15 minor units, so sums over a batch cannot overflow a long. */
  public static final long MAX_AMOUNT_MINOR = 1_000_000_000_000_000L;
  private static final Pattern KIND = Pattern.compile("^[a-z][a-z0-9_]{0,39}$");
  private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");

  public Transfer {
    legs = List.copyOf(legs);
    metadata = metadata == null ? new JsonObject() : metadata.copy();
  }

  /** The common two-leg transfer: {@code amountMinor} from {@code debitAccount} to {@code creditAccount}. */
  public static Transfer of(UUID id, UUID siteId, String currency, String kind, UUID debitAccount, UUID creditAccount,
                            long amountMinor, String description, String createdBy) {
    return new Transfer(id, siteId, currency, kind, List.of(Leg.debit(debitAccount, amountMinor),
      Leg.credit(creditAccount, amountMinor)), null, description, null, createdBy);
  }

  /** Why this transfer cannot be posted as given (before looking at any account), or null when it is well-formed. */
  public String problem() {
    if (id == null || siteId == null || createdBy == null) {
      return "id, siteId and createdBy are required";
    }
    if (currency == null || !CURRENCY.matcher(currency).matches()) {
      return "currency must be three capital letters";
    }
    if (kind == null || !KIND.matcher(kind).matches()) {
      return "kind must be a lower-case word of at most 40 characters";
    }
    if (legs.size() < 2 || legs.size() > MAX_LEGS) {
      return "a transfer has 2 to " + MAX_LEGS + " legs";
    }
    if (description != null && description.length() > 500) {
      return "description is longer than 500 characters";
    }
    long debits = 0;
    long credits = 0;
    Set<UUID> accounts = new HashSet<>();
    for (Leg leg : legs) {
      if (leg == null || leg.accountId() == null || leg.side() == null) {
        return "every leg needs an account and a side";
      }
      if (leg.amountMinor() <= 0 || leg.amountMinor() > MAX_AMOUNT_MINOR) {
        return "leg amounts must be between 1 and " + MAX_AMOUNT_MINOR + " minor units";
      }
      if (!accounts.add(leg.accountId())) {
        return "an account appears in more than one leg";
      }
      if (leg.side() == Side.DEBIT) {
        debits += leg.amountMinor();
      } else {
        credits += leg.amountMinor();
      }
    }
    return debits == credits ? null : "debits (" + debits + ") do not equal credits (" + credits + ")";
  }

  /**
   * SHA-256 of the content, hex: everything but the id and who asked. Legs are sorted, so the same movement written
   * in another leg order is the same transfer.
   */
  public String contentHash() {
    List<Leg> sorted = new ArrayList<>(legs);
    sorted.sort(Comparator.comparing((Leg l) -> l.accountId().toString()).thenComparing(Leg::side));
    StringBuilder text = new StringBuilder()
      .append(siteId).append('|').append(currency).append('|').append(kind).append('|')
      .append(reversesTransferId).append('|').append(Objects.toString(description, "")).append('|')
      .append(CanonicalJson.of(metadata)).append('|');
    for (Leg leg : sorted) {
      text.append(leg.accountId()).append(':').append(leg.side().code()).append(':').append(leg.amountMinor()).append(';');
    }
    return CanonicalJson.sha256Hex(text.toString());
  }

  /** The reversal of {@code original}: the same legs with sides swapped, referring to it. */
  public static Transfer reversalOf(UUID reversalId, Transfer original, String reason, String createdBy) {
    List<Leg> mirrored = original.legs.stream()
      .map(l -> new Leg(l.accountId(), l.side().opposite(), l.amountMinor())).toList();
    return new Transfer(reversalId, original.siteId, original.currency, "reversal", mirrored, original.id, reason,
      new JsonObject().put("reversedKind", original.kind), createdBy);
  }
}
