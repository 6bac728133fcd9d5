package io.gridledger.postpaid;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/**
 * An issued invoice or credit note as the ledger needs it. Amounts are integer minor units of {@code currency}, all
 * positive; a credit note's amounts are what it gives back. For a prepaid tenant the document is not a receivable:
 * the wallet was charged interval by interval, and posting reconciles those charges with the final amount.
 *
 * @param documentId          the invoice or credit note id (the ledger transfer id derives from it)
 * @param kind                {@code invoice} or {@code credit_note}
 * @param siteId              the site
 * @param tenantId            the tenant billed
 * @param number              the gapless document number, as printed
 * @param issuedAt            when it was issued (UTC)
 * @param periodFrom          first site-local day of the billing period the document covers, inclusive
 * @param periodTo            exclusive
 * @param dueDate             site-local due date (invoices; null for credit notes)
 * @param currency            ISO 4217
 * @param netByUtility        net amount (before tax) per utility: electricity, water, gas, heat, cooling
 * @param taxMinor            tax and levies payable
 * @param totalMinor          net plus tax: what the tenant owes (or is given back)
 * @param correctsDocumentId  for a credit note, the invoice it credits; null otherwise
 */
public record IssuedDocument(
  UUID documentId,
  String kind,
  UUID siteId,
  UUID tenantId,
  String number,
  Instant issuedAt,
  LocalDate periodFrom,
  LocalDate periodTo,
  LocalDate dueDate,
  String currency,
  Map<String, Long> netByUtility,
  long taxMinor,
  long totalMinor,
  UUID correctsDocumentId) {

  public static final String INVOICE = "invoice";
  public static final String CREDIT_NOTE = "credit_note";
}
