package dev.killboard.backfill;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.KillmailShape;
import dev.killboard.contracts.MalformedKillmail;
import dev.killboard.contracts.Zkb;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one archive entry into an {@link EsiKillmail}, or rejects it with a reason. The killmail
 * itself is checked by the contract's {@link KillmailShape} and its {@code zkb} block by {@link
 * Zkb#fromJson}, the same checks the live workers' answers pass, so a batch of accepted entries
 * commits whole, a malformed entry never reaches the database, and what the backfill accepts is
 * accepted live. Accepted shapes: ESI's killmail (EVE Ref's archives hold verbatim copies),
 * optionally with {@code zkb} beside it, and R2Z2's entry ({@code killmail_id}, {@code hash},
 * {@code esi}, {@code zkb}).
 *
 * <p>The hash is not part of ESI's killmail body; it is taken from {@code hash} (R2Z2), {@code
 * killmail_hash}, {@code zkb.hash}, or a 40-hex-digit run in the entry's file name, in that order,
 * else from {@link MissingHashes} (zKillboard's per-day hashes).
 */
final class KillmailParser {
  private static final Pattern HASH = Pattern.compile("^[0-9a-fA-F]{40}$");
  private static final Pattern HASH_IN_NAME =
      Pattern.compile("(?<![0-9a-fA-F])([0-9a-fA-F]{40})(?![0-9a-fA-F])");

  private KillmailParser() {}

  /** The killmail in {@code entry}; throws with the reason when it is not one. */
  static EsiKillmail parse(ArchiveEntry entry) throws MalformedKillmailException {
    try {
      return parse(entry, MissingHashes.NONE);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("MissingHashes.NONE does no I/O", e);
    }
  }

  /**
   * As above; an entry without a hash of its own gets it from {@code missing} (EVE Ref's verbatim
   * ESI copies). Throws {@link java.io.IOException} when {@code missing} cannot be asked.
   */
  static EsiKillmail parse(ArchiveEntry entry, MissingHashes missing)
      throws MalformedKillmailException, java.io.IOException {
    if (entry.problem() != null) {
      throw new MalformedKillmailException(entry.problem());
    }
    JsonObject root;
    try {
      root = new JsonObject(Buffer.buffer(entry.content()));
    } catch (DecodeException | ClassCastException e) {
      throw new MalformedKillmailException("not a JSON object: " + firstLine(e.getMessage()));
    }
    JsonObject esi = root;
    Object nestedEsi = root.getValue("esi");
    if (nestedEsi != null) {
      if (!(nestedEsi instanceof JsonObject o)) {
        throw new MalformedKillmailException("'esi' must be an object");
      }
      esi = o;
    }
    Object zkbValue = root.getValue("zkb");
    if (zkbValue == null && esi != root) {
      zkbValue = esi.getValue("zkb");
    }
    if (zkbValue != null && !(zkbValue instanceof JsonObject)) {
      throw new MalformedKillmailException("'zkb' must be an object");
    }
    JsonObject zkbJson = (JsonObject) zkbValue;

    long id = requiredInt(esi, "killmail_id", 1);
    if (esi != root
        && root.getValue("killmail_id") != null
        && requiredInt(root, "killmail_id", 1) != id) {
      throw new MalformedKillmailException(
          "killmail_id " + root.getValue("killmail_id") + " differs from esi.killmail_id " + id);
    }
    String hash = hash(root, esi, zkbJson, entry.name());
    try {
      // The one zkb check, shared with the live clients.
      Zkb zkb = zkbJson == null ? null : Zkb.fromJson(zkbJson, "zkb");
      if (hash == null) {
        LocalDate day = KillmailShape.time(esi).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
        hash =
            missing
                .hashOf(id, day)
                .orElseThrow(
                    () ->
                        new MalformedKillmailException(
                            "no killmail hash: expected"
                                + " 'hash', 'killmail_hash' or 'zkb.hash', a 40-hex-digit hash in the file name"
                                + (missing == MissingHashes.NONE
                                    ? ""
                                    : ", or killmail "
                                        + id
                                        + " in zKillboard's hashes of "
                                        + day)));
      }
      // The one killmail check, shared with the live workers: what the backfill accepts is accepted
      // live.
      return EsiKillmail.fromJson(id, hash, esi, zkb);
    } catch (MalformedKillmail e) {
      throw new MalformedKillmailException(e.getMessage());
    }
  }

  /** The entry's own hash, or null when it has none. */
  private static String hash(JsonObject root, JsonObject esi, JsonObject zkb, String entryName)
      throws MalformedKillmailException {
    Object[] candidates = {
      root.getValue("hash"),
      esi.getValue("killmail_hash"),
      root.getValue("killmail_hash"),
      zkb == null ? null : zkb.getValue("hash")
    };
    for (Object c : candidates) {
      if (c != null) {
        if (!(c instanceof String s) || !HASH.matcher(s).matches()) {
          throw new MalformedKillmailException(
              "killmail hash " + abbreviate(String.valueOf(c)) + " is not 40 hexadecimal digits");
        }
        return s.toLowerCase(Locale.ROOT);
      }
    }
    String base =
        entryName.substring(Math.max(entryName.lastIndexOf('/'), entryName.lastIndexOf('!')) + 1);
    Matcher m = HASH_IN_NAME.matcher(base);
    if (m.find()) {
      return m.group(1).toLowerCase(Locale.ROOT);
    }
    return null;
  }

  private static long requiredInt(JsonObject o, String field, long min)
      throws MalformedKillmailException {
    return requiredInt(o, field, min, "");
  }

  private static long requiredInt(JsonObject o, String field, long min, String prefix)
      throws MalformedKillmailException {
    Object v = o.getValue(field);
    if (v == null) {
      throw new MalformedKillmailException("missing " + prefix + field);
    }
    long value = integral(v, prefix + field, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (value < min) {
      throw new MalformedKillmailException(
          prefix + field + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  private static long integral(Object v, String field, long min, long max)
      throws MalformedKillmailException {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      long value = ((Number) v).longValue();
      if (value < min || value > max) {
        throw new MalformedKillmailException(field + " " + value + " is out of range");
      }
      return value;
    }
    if (v instanceof BigInteger || v instanceof BigDecimal) {
      throw new MalformedKillmailException(
          field + " " + abbreviate(v.toString()) + " is out of range");
    }
    throw new MalformedKillmailException(
        field + " must be a whole number, got " + abbreviate(String.valueOf(v)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return abbreviate(nl < 0 ? s : s.substring(0, nl));
  }
}
