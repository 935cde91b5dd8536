package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The {@link DeploymentRepository} contract, run against SQLite and PostgreSQL. */
class DeploymentRepositoryTest {
  private static final Instant T0 = Samples.T0.truncatedTo(ChronoUnit.MICROS);
  private static final String PACKAGE = "a".repeat(64);
  private static final String SNAPSHOT = "b".repeat(64);
  private static final String ROLLBACK = "c".repeat(64);

  static Deployment admitted(String id, String org, Instant at) {
    return new Deployment(id, org, "production", Deployment.State.ADMITTED, Deployment.State.ADMITTED,
        "gateway-soap", at, null, null, PACKAGE, 2, true, false, null, "RunSpecifiedTests",
        List.of("InvoiceTest", "SweeperTest"),
        new Deployment.Requester("oidc", "https://token.actions.githubusercontent.com",
            "repo:acme/sf:ref:refs/heads/main", "octocat", "ses_01"),
        new Deployment.Git("acme/sf", "0123456789abcdef0123456789abcdef01234567", "main",
            "https://github.com/acme/sf/actions/runs/7", true),
        "dec_1", List.of("deploy-by-authenticated-principal", "approve-critical-grants-in-production"),
        "two approvers approved", "apr_1", List.of("alice", "bob"), null, SNAPSHOT, ROLLBACK, null,
        List.of("ApexClass:Sweeper", "PermissionSet:Integration_API"),
        List.of("critical user-permission.granted PermissionSet:Integration_API gains ModifyAllData"), null);
  }

  static Deployment refused(String id, Instant at) {
    return new Deployment(id, "acme", "sandbox", Deployment.State.REFUSED, Deployment.State.REFUSED, "gateway-rest",
        at, null, null, null, 0, false, false, null, "", List.of(),
        new Deployment.Requester("person", "https://people.example", "carol", null, null), Deployment.Git.NONE,
        "dec_2", List.of(), "the package is not a zip", null, List.of(), null, null, null, null, List.of(), List.of(),
        null);
  }

  @StoreSpec
  void aDeploymentReadsBackAsItWasStored(StoreFixture fixture) {
    DeploymentRepository deployments = fixture.open().deployments();
    Deployment stored = deployments.create(admitted("dpl_1", "acme", T0));
    deployments.create(refused("dpl_2", T0.plusSeconds(1)));

    assertThat(deployments.findById("dpl_1")).contains(stored);
    assertThat(deployments.findById("dpl_2")).get().satisfies(d -> {
      assertThat(d.git()).isEqualTo(Deployment.Git.NONE);
      assertThat(d.packageSha256()).isNull();
      assertThat(d.tests()).isEmpty();
      assertThat(d.requester().actor()).isNull();
    });
    assertThat(deployments.findById("dpl_3")).isEmpty();
    assertThatThrownBy(() -> deployments.create(admitted("dpl_1", "acme", T0)))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION));
  }

  @StoreSpec
  void aStateChangeIsConditionalOnTheStateSeen(StoreFixture fixture) {
    DeploymentRepository deployments = fixture.open().deployments();
    Deployment admitted = deployments.create(admitted("dpl_1", "acme", T0));

    Deployment running = admitted.started("0Af000000000001AAA", T0.plusSeconds(5));
    assertThat(deployments.update(running, Deployment.State.ADMITTED)).isTrue();
    assertThat(deployments.update(running, Deployment.State.ADMITTED)).as("a second start").isFalse();
    assertThat(deployments.findBySalesforceId("acme", "0Af000000000001AAA")).contains(running);
    assertThat(deployments.findBySalesforceId("globex", "0Af000000000001AAA")).isEmpty();

    Deployment done = running.ended(Deployment.State.SUCCEEDED, T0.plusSeconds(60), null, "{\"status\":\"Succeeded\"}");
    assertThat(deployments.update(done, Deployment.State.RUNNING)).isTrue();
    Deployment read = deployments.findById("dpl_1").orElseThrow();
    assertThat(read).isEqualTo(done);
    assertThat(read.reason()).isEqualTo("two approvers approved");
    assertThat(deployments.update(done.ended(Deployment.State.FAILED, T0, "late", null), Deployment.State.RUNNING))
        .as("ended already").isFalse();
    assertThat(deployments.update(admitted("dpl_9", "acme", T0), Deployment.State.ADMITTED)).isFalse();
  }

  @StoreSpec
  void theDatabaseRefusesAHeldOrRefusedDeploymentThatRuns(StoreFixture fixture) {
    Store store = fixture.open();
    store.deployments().create(refused("dpl_2", T0));
    assertThatThrownBy(() -> fixture.execute("UPDATE deployment SET state = 'running' WHERE id = 'dpl_2'"))
        .isInstanceOf(AssertionError.class);
    assertThat(store.deployments().findById("dpl_2").orElseThrow().state()).isEqualTo(Deployment.State.REFUSED);
  }

  @StoreSpec
  void theRollbackPackageFindsTheDeploymentItUndoesAndListsAreNewestFirst(StoreFixture fixture) {
    DeploymentRepository deployments = fixture.open().deployments();
    deployments.create(admitted("dpl_1", "acme", T0));
    deployments.create(admitted("dpl_2", "globex", T0.plusSeconds(1)));
    deployments.create(refused("dpl_3", T0.plusSeconds(2)));

    assertThat(deployments.findByRollbackSha256("acme", ROLLBACK)).get().extracting(Deployment::id)
        .isEqualTo("dpl_1");
    assertThat(deployments.findByRollbackSha256("acme", PACKAGE)).isEmpty();
    assertThat(deployments.list(null, null, 10)).extracting(Deployment::id).containsExactly("dpl_3", "dpl_2", "dpl_1");
    assertThat(deployments.list("acme", null, 10)).extracting(Deployment::id).containsExactly("dpl_3", "dpl_1");
    assertThat(deployments.list("acme", T0.plusSeconds(1), 10)).extracting(Deployment::id).containsExactly("dpl_3");
    assertThat(deployments.list(null, T0.plusSeconds(1), 1)).extracting(Deployment::id).containsExactly("dpl_3");
  }
}
