package dev.killboard.worker;

import dev.killboard.worker.framework.PooledWorker;
import dev.killboard.worker.info.AllianceCorporationsWorker;
import dev.killboard.worker.info.AllianceInfoWorker;
import dev.killboard.worker.info.CategoryInfoWorker;
import dev.killboard.worker.info.CharacterInfoWorker;
import dev.killboard.worker.info.CorporationInfoWorker;
import dev.killboard.worker.info.ItemGroupInfoWorker;
import dev.killboard.worker.info.TypeInfoWorker;
import dev.killboard.worker.killmail.FetchSingleKillmailWorker;
import dev.killboard.worker.killmail.KillmailsWorker;
import dev.killboard.worker.killmail.R2z2StreamWorker;
import dev.killboard.worker.killmail.ScanKillmailEntitiesWorker;
import dev.killboard.worker.killmail.SyncCharacterKillmailsWorker;
import dev.killboard.worker.killmail.ZkillboardSyncWorker;
import dev.killboard.worker.producer.QueueAllianceCorporationCharacters;
import dev.killboard.worker.producer.QueueAllianceCorporations;
import dev.killboard.worker.producer.QueueCorporationEsiKillmails;
import dev.killboard.worker.producer.QueueMissingGroups;
import dev.killboard.worker.producer.QueueUserEsiKillmails;
import dev.killboard.worker.producer.QueueZkillboardSync;
import dev.killboard.worker.snapshot.AllianceSnapshotsWorker;
import dev.killboard.worker.snapshot.CompactKillmailCountsWorker;
import dev.killboard.worker.snapshot.CorporationSnapshotsWorker;
import dev.killboard.worker.snapshot.UpdateAllianceCountsWorker;
import dev.killboard.worker.universe.BloodlinesWorker;
import dev.killboard.worker.universe.ConstellationsWorker;
import dev.killboard.worker.universe.RacesWorker;
import dev.killboard.worker.universe.RegionsWorker;
import dev.killboard.worker.universe.SystemsWorker;
import dev.killboard.worker.user.EsiCorporationKillmailsWorker;
import dev.killboard.worker.user.EsiUserKillmailsWorker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every worker deployable by name ({@code worker:<name>}), with the constructor that makes a fresh
 * instance.
 */
public final class WorkerCatalog {
  private static final Map<String, Supplier<PooledWorker>> WORKERS = new LinkedHashMap<>();

  static {
    add(CharacterInfoWorker::new);
    add(CorporationInfoWorker::new);
    add(AllianceInfoWorker::new);
    add(TypeInfoWorker::new);
    add(ItemGroupInfoWorker::new);
    add(CategoryInfoWorker::new);
    add(AllianceCorporationsWorker::new);
    add(RegionsWorker::new);
    add(ConstellationsWorker::new);
    add(SystemsWorker::new);
    add(RacesWorker::new);
    add(BloodlinesWorker::new);
    add(ZkillboardSyncWorker::new);
    add(KillmailsWorker::new);
    add(SyncCharacterKillmailsWorker::new);
    add(R2z2StreamWorker::new);
    add(FetchSingleKillmailWorker::new);
    add(ScanKillmailEntitiesWorker::new);
    add(QueueAllianceCorporations::new);
    add(QueueZkillboardSync::new);
    add(QueueMissingGroups::new);
    add(EsiUserKillmailsWorker::new);
    add(EsiCorporationKillmailsWorker::new);
    add(QueueUserEsiKillmails::new);
    add(QueueCorporationEsiKillmails::new);
    add(QueueAllianceCorporationCharacters::new);
    add(UpdateAllianceCountsWorker::new);
    add(CompactKillmailCountsWorker::new);
    add(AllianceSnapshotsWorker::new);
    add(CorporationSnapshotsWorker::new);
  }

  private WorkerCatalog() {}

  private static void add(Supplier<PooledWorker> factory) {
    WORKERS.put(factory.get().workerName(), factory);
  }

  /** A new instance of the named worker, if there is one. */
  public static Optional<PooledWorker> create(String name) {
    Supplier<PooledWorker> factory = WORKERS.get(name);
    return factory == null ? Optional.empty() : Optional.of(factory.get());
  }

  /** Every worker name, in catalogue order. */
  public static Set<String> names() {
    return WORKERS.keySet();
  }
}
