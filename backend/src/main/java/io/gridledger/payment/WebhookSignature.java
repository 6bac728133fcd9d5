package io.gridledger.payment;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Stripe's webhook signature scheme (used by the sandbox too): the header is {@code t=<unix seconds>,v1=<hex>[,v1=...]},
 * each v1 the HMAC-SHA256 of {@code "<t>.<raw body>"} under the endpoint secret. The event is authentic when any v1
 * matches (several appear while a secret is rolled) and t is within the tolerance of now, which bounds replays of a
 * captured request. Other schemes (v0, test-mode) are ignored. Comparison is constant-time.
 */
public final class WebhookSignature {

  /** Why a signature was refused; the message is safe to show to the sender. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private static final int MAX_HEADER_LENGTH = 4096;
  private static final int MAX_SIGNATURES = 8;

  private WebhookSignature() {
  }

  /** The header value for {@code payload} signed at {@code unixSeconds} (what the provider sends; tests and the sandbox use it). */
  public static String header(String secret, long unixSeconds, byte[] payload) {
    return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds, payload);
  }

  /** Passes when the header carries a valid v1 signature of {@code payload} made within {@code toleranceSeconds} of now. */
  public static void verify(String header, byte[] payload, String secret, long toleranceSeconds, long nowSeconds)
    throws Refused {
    if (header == null || header.isBlank() || header.length() > MAX_HEADER_LENGTH) {
      throw new Refused("The signature header is missing");
    }
    Long timestamp = null;
    List<String> signatures = new ArrayList<>();
    for (String element : header.split(",")) {
      int eq = element.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = element.substring(0, eq).trim();
      String value = element.substring(eq + 1).trim();
      if (key.equals("t")) {
        try {
          timestamp = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new Refused("The signature timestamp is not a number");
        }
      } else if (key.equals("v1") && signatures.size() < MAX_SIGNATURES) {
        signatures.add(value);
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      throw new Refused("The signature header has no timestamp or no v1 signature");
    }
    if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
      throw new Refused("The signature timestamp is outside the tolerance of " + toleranceSeconds + " s");
    }
    byte[] expected = hmacHex(secret, timestamp, payload).getBytes(StandardCharsets.US_ASCII);
    boolean matched = false;
    for (String signature : signatures) {
      // Every candidate is compared, in constant time each, so timing says nothing about which one was close.
      matched |= MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
    if (!matched) {
      throw new Refused("No signature matches the payload");
    }
  }

  private static String hmacHex(String secret, long unixSeconds, byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(payload));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
