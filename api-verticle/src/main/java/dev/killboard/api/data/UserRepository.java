package dev.killboard.api.data;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/** EVE SSO users; tokens arrive here already encrypted and are never read back by the API. */
public final class UserRepository {
  static final String USER_COLUMNS =
      "character_id, character_name, email, corporation_id, created_at, last_killmail_sync_at,"
          + " last_corp_killmail_sync_at";

  private final Sql sql;

  public UserRepository(Sql sql) {
    this.sql = sql;
  }

  /** A stored user as the API shows it. */
  public record StoredUser(
      int characterId,
      String characterName,
      String email,
      Integer corporationId,
      String createdAt,
      OffsetDateTime lastKillmailSyncAt,
      OffsetDateTime lastCorpKillmailSyncAt) {}

  static StoredUser user(Row r) {
    return new StoredUser(
        r.getInteger("character_id"),
        r.getString("character_name"),
        r.getString("email"),
        r.getInteger("corporation_id"),
        Sql.iso(r, "created_at"),
        r.getOffsetDateTime("last_killmail_sync_at"),
        r.getOffsetDateTime("last_corp_killmail_sync_at"));
  }

  /** What a sign-in or refresh writes. */
  public record TokenWrite(
      int characterId,
      String characterName,
      String ownerHash,
      byte[] accessTokenEncrypted,
      byte[] refreshTokenEncrypted,
      OffsetDateTime expiresAt,
      List<String> scopes) {}

  /**
   * Stores a sign-in: creates the user or updates its name, owner and tokens. The corporation is
   * taken from the character row when the workers have stored it. A missing refresh token keeps the
   * stored one.
   */
  public Future<StoredUser> upsertLogin(TokenWrite w) {
    return sql.one(
        "INSERT INTO users AS u (character_id, character_name, character_owner_hash, corporation_id,"
            + " access_token_encrypted, refresh_token_encrypted, token_expires_at, scopes, last_login_at)"
            + " VALUES ($1, $2, $3, (SELECT corporation_id FROM characters WHERE id = $1), $4, $5, $6, $7, now())"
            + " ON CONFLICT (character_id) DO UPDATE SET character_name = EXCLUDED.character_name,"
            + " character_owner_hash = EXCLUDED.character_owner_hash,"
            + " corporation_id = coalesce(EXCLUDED.corporation_id, u.corporation_id),"
            + " access_token_encrypted = EXCLUDED.access_token_encrypted,"
            + " refresh_token_encrypted = coalesce(EXCLUDED.refresh_token_encrypted, u.refresh_token_encrypted),"
            + " token_expires_at = EXCLUDED.token_expires_at, scopes = EXCLUDED.scopes, last_login_at = now()"
            + " RETURNING "
            + USER_COLUMNS,
        Tuple.of(
            w.characterId(),
            w.characterName(),
            w.ownerHash(),
            io.vertx.core.buffer.Buffer.buffer(w.accessTokenEncrypted()),
            w.refreshTokenEncrypted() == null
                ? null
                : io.vertx.core.buffer.Buffer.buffer(w.refreshTokenEncrypted()),
            w.expiresAt(),
            w.scopes().toArray(new String[0])),
        UserRepository::user);
  }

  public Future<StoredUser> byCharacter(int characterId) {
    return sql.one(
        "SELECT " + USER_COLUMNS + " FROM users WHERE character_id = $1",
        Tuple.of(characterId),
        UserRepository::user);
  }

  /** The newest users, at most {@code limit}. */
  public Future<List<StoredUser>> newest(int limit) {
    return sql.list(
        "SELECT " + USER_COLUMNS + " FROM users ORDER BY created_at DESC, id DESC LIMIT $1",
        Tuple.of(limit),
        UserRepository::user);
  }

  /** The corporation of a character, from the user row or the character row. */
  public Future<Integer> corporationOf(int characterId) {
    return sql.one(
        "SELECT coalesce((SELECT corporation_id FROM users WHERE character_id = $1),"
            + " (SELECT corporation_id FROM characters WHERE id = $1)) AS corporation_id",
        Tuple.of(characterId),
        r -> r.getInteger("corporation_id"));
  }
}
