package dev.killboard.worker.user;

import dev.killboard.queue.JobRejected;
import dev.killboard.upstream.sso.SsoClient;
import dev.killboard.upstream.sso.TokenCipher;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A signed-in user's usable ESI access token: the stored one while it is valid for another minute,
 * otherwise a fresh one from EVE SSO's refresh grant, stored (encrypted, with the possibly rotated
 * refresh token) before it is used, so a rotated refresh token is never lost.
 */
public final class UserTokens {
  private static final Logger LOG = LoggerFactory.getLogger(UserTokens.class);
  private static final Duration MARGIN = Duration.ofSeconds(60);

  private final Pool pool;
  private final SsoClient sso;
  private final TokenCipher cipher;

  /** Tokens read from {@code users} through {@code pool}, refreshed with {@code sso}. */
  public UserTokens(Pool pool, SsoClient sso, TokenCipher cipher) {
    this.pool = pool;
    this.sso = sso;
    this.cipher = cipher;
  }

  /**
   * A valid access token of {@code characterId}; {@link JobRejected} when the user is unknown or
   * must sign in again.
   */
  public Future<String> accessToken(int characterId) {
    return pool.preparedQuery(
            "SELECT access_token_encrypted, refresh_token_encrypted, token_expires_at FROM users"
                + " WHERE character_id = $1")
        .execute(Tuple.of(characterId))
        .compose(
            rows -> {
              if (!rows.iterator().hasNext()) {
                return Future.failedFuture(
                    new JobRejected("character " + characterId + " has not signed in"));
              }
              Row row = rows.iterator().next();
              OffsetDateTime expires = row.getOffsetDateTime("token_expires_at");
              if (expires.isAfter(OffsetDateTime.now(ZoneOffset.UTC).plus(MARGIN))) {
                return Future.succeededFuture(
                    cipher.decrypt(
                        row.getBuffer("access_token_encrypted").getBytes(), characterId));
              }
              Buffer refresh = row.getBuffer("refresh_token_encrypted");
              if (refresh == null) {
                return Future.failedFuture(
                    new JobRejected(
                        "the access token of character "
                            + characterId
                            + " expired and no refresh token is stored: the user must sign in again"));
              }
              return refresh(characterId, cipher.decrypt(refresh.getBytes(), characterId));
            });
  }

  private Future<String> refresh(int characterId, String refreshToken) {
    return sso.refresh(refreshToken)
        .compose(
            tokens -> {
              OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(tokens.expiresIn());
              byte[] access = cipher.encrypt(tokens.accessToken(), characterId);
              byte[] rotated =
                  tokens.refreshToken() == null
                      ? null
                      : cipher.encrypt(tokens.refreshToken(), characterId);
              return pool.preparedQuery(
                      "UPDATE users SET access_token_encrypted = $2,"
                          + " refresh_token_encrypted = coalesce($3, refresh_token_encrypted), token_expires_at = $4"
                          + " WHERE character_id = $1")
                  .execute(
                      Tuple.of(
                          characterId,
                          Buffer.buffer(access),
                          rotated == null ? null : Buffer.buffer(rotated),
                          expires))
                  .map(
                      v -> {
                        LOG.info(
                            "SSO token refreshed character={} expiresIn={}s",
                            characterId,
                            tokens.expiresIn().toSeconds());
                        return tokens.accessToken();
                      });
            });
  }
}
