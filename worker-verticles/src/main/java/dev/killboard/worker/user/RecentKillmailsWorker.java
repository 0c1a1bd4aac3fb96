package dev.killboard.worker.user;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.queue.Job;
import dev.killboard.upstream.esi.EsiPage;
import dev.killboard.upstream.esi.KillmailRef;
import dev.killboard.upstream.sso.SsoClient;
import dev.killboard.upstream.sso.TokenCipher;
import dev.killboard.worker.framework.JobPayload;
import dev.killboard.worker.framework.QueueWorker;
import dev.killboard.worker.killmail.EsiKillmailReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a signed-in user's recent killmails from ESI with the user's token, newest first, page by
 * page, stopping at the newest killmail read last time; reads each one not stored yet from ESI and
 * ingests them in one transaction that also moves the user's "last seen" id forward. A subclass
 * says whose killmails (the character's or its corporation's) and which cursor column.
 */
public abstract class RecentKillmailsWorker extends QueueWorker<Void> {
  private UserTokens tokens;
  private SsoClient sso;

  /** One page of the recent killmails of the job's subject. */
  protected abstract Future<EsiPage<KillmailRef>> page(
      Job job, int characterId, String accessToken, int page);

  /** The {@code users} column holding the newest id read last time. */
  protected abstract String lastIdColumn();

  /** The {@code users} column holding when the last sync finished. */
  protected abstract String lastSyncColumn();

  @Override
  protected Future<?> begin() {
    try {
      TokenCipher cipher = tokenCipher();
      sso = new SsoClient(vertx, runtime.settings().upstream());
      tokens = new UserTokens(runtime.pool(), sso, cipher);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return super.begin();
  }

  private TokenCipher tokenCipher() {
    try {
      return TokenCipher.fromEnvironment(
          Env.environment(config().getJsonObject("env", new JsonObject()).getMap()));
    } catch (ConfigurationException e) {
      throw new ConfigurationException(
          e.getMessage() + " (the user killmail workers decrypt the tokens the API stored)");
    }
  }

  @Override
  protected Future<?> end() {
    return super.end()
        .onComplete(
            ar -> {
              if (sso != null) {
                sso.close();
              }
            });
  }

  @Override
  protected Future<Void> fetch(Job job) {
    return Future.succeededFuture();
  }

  @Override
  protected Future<?> write(SqlConnection tx, Void data, Job job) {
    return Future.succeededFuture();
  }

  @Override
  protected Future<?> process(Job job) {
    int characterId = JobPayload.userKillmails(job).characterId();
    return runtime
        .pool()
        .preparedQuery("SELECT " + lastIdColumn() + " FROM users WHERE character_id = $1")
        .execute(Tuple.of(characterId))
        .compose(
            rows -> {
              Integer last =
                  rows.iterator().hasNext() ? rows.iterator().next().getInteger(0) : null;
              return tokens
                  .accessToken(characterId)
                  .compose(
                      token ->
                          collect(
                              job,
                              characterId,
                              token,
                              1,
                              last == null ? 0 : last,
                              new ArrayList<>()));
            })
        .compose(
            refs ->
                unstored(refs)
                    .compose(missing -> new EsiKillmailReader(runtime.esi()).read(missing))
                    .compose(
                        batch ->
                            runtime
                                .killmailIngest()
                                .store(
                                    vertx,
                                    runtime.pool(),
                                    batch,
                                    tx ->
                                        tx.preparedQuery(
                                                "UPDATE users SET "
                                                    + lastIdColumn()
                                                    + " = greatest(coalesce("
                                                    + lastIdColumn()
                                                    + ", 0), $2), "
                                                    + lastSyncColumn()
                                                    + " = now() WHERE character_id = $1")
                                            .execute(
                                                Tuple.of(
                                                    characterId,
                                                    refs.isEmpty()
                                                        ? 0
                                                        : (int) refs.get(0).killmailId())))));
  }

  /**
   * Pages until a page reaches the last seen id or there are no more pages; keeps only newer refs.
   */
  private Future<List<KillmailRef>> collect(
      Job job, int characterId, String token, int pageNo, int lastSeen, List<KillmailRef> into) {
    return page(job, characterId, token, pageNo)
        .compose(
            p -> {
              boolean reachedLastSeen = false;
              for (KillmailRef ref : p.items()) {
                if (ref.killmailId() <= lastSeen) {
                  reachedLastSeen = true;
                } else {
                  into.add(ref);
                }
              }
              if (reachedLastSeen || !p.hasNext()) {
                into.sort((a, b) -> Long.compare(b.killmailId(), a.killmailId()));
                return Future.succeededFuture(into);
              }
              return collect(job, characterId, token, pageNo + 1, lastSeen, into);
            });
  }

  private Future<List<KillmailRef>> unstored(List<KillmailRef> refs) {
    if (refs.isEmpty()) {
      return Future.succeededFuture(refs);
    }
    Integer[] ids = refs.stream().map(r -> Math.toIntExact(r.killmailId())).toArray(Integer[]::new);
    return runtime
        .pool()
        .preparedQuery("SELECT killmail_id FROM killmails WHERE killmail_id = ANY($1::int4[])")
        .execute(Tuple.of(ids))
        .map(
            rows -> {
              Set<Integer> stored = new HashSet<>();
              for (Row r : rows) {
                stored.add(r.getInteger(0));
              }
              return refs.stream().filter(r -> !stored.contains((int) r.killmailId())).toList();
            });
  }
}
