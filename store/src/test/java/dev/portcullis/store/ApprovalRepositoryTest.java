package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The {@link ApprovalRepository} contract, run against SQLite and PostgreSQL. */
class ApprovalRepositoryTest {
  private static final Instant T0 = Samples.T0.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  private static final String BINDING = "a".repeat(64);

  private static Approval pending(String id, String binding, int required, Instant at) {
    return Approval.pending(id, "gateway.request", binding, "acme", "https://token.actions.githubusercontent.com",
        "repo:acme/app:ref:refs/heads/main", "octocat", "POST /services/data/v62.0/sobjects/Account", required,
        List.of("alice", "bob", "carol"), "dec_1", at, at.plusSeconds(3600));
  }

  private static Approval.Vote approve(String who, Instant at) {
    return new Approval.Vote("https://people.example", who, true, "looks right", at);
  }

  @StoreSpec
  void aPendingApprovalIsFoundOpenByItsBindingAndById(StoreFixture fixture) {
    ApprovalRepository approvals = fixture.open().approvals();
    approvals.create(pending("apr_1", BINDING, 1, T0));

    assertThat(approvals.findOpen("gateway.request", BINDING, T0.plusSeconds(1))).get()
        .satisfies(a -> {
          assertThat(a.id()).isEqualTo("apr_1");
          assertThat(a.state()).isEqualTo(Approval.State.PENDING);
          assertThat(a.requesterActor()).isEqualTo("octocat");
          assertThat(a.eligible()).containsExactly("alice", "bob", "carol");
          assertThat(a.expiresAt()).isEqualTo(T0.plusSeconds(3600));
        });
    assertThat(approvals.findOpen("gateway.request", "b".repeat(64), T0)).isEmpty();
    assertThat(approvals.findOpen("deployment", BINDING, T0)).isEmpty();
    assertThat(approvals.findOpen("gateway.request", BINDING, T0.plusSeconds(3600))).as("expired").isEmpty();
    assertThat(approvals.findById("apr_1")).isPresent();
    assertThat(approvals.findById("apr_2")).isEmpty();
  }

  @StoreSpec
  void twoApproversAreNeededWhenTwoAreRequiredAndOneVoteEachIsCounted(StoreFixture fixture) {
    ApprovalRepository approvals = fixture.open().approvals();
    approvals.create(pending("apr_1", BINDING, 2, T0));

    assertThat(approvals.vote("apr_1", approve("alice", T0.plusSeconds(1)), T0.plusSeconds(1)))
        .isEqualTo(ApprovalRepository.VoteOutcome.RECORDED);
    assertThat(approvals.vote("apr_1", approve("alice", T0.plusSeconds(2)), T0.plusSeconds(2)))
        .isEqualTo(ApprovalRepository.VoteOutcome.ALREADY_VOTED);
    assertThat(approvals.use("apr_1", "dec_2", T0.plusSeconds(2))).as("one approval of two").isFalse();
    assertThat(approvals.vote("apr_1", approve("bob", T0.plusSeconds(3)), T0.plusSeconds(3)))
        .isEqualTo(ApprovalRepository.VoteOutcome.APPROVED);

    Approval approved = approvals.findById("apr_1").orElseThrow();
    assertThat(approved.state()).isEqualTo(Approval.State.APPROVED);
    assertThat(approved.decidedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(approved.votes()).extracting(Approval.Vote::approverSubject).containsExactly("alice", "bob");
    assertThat(approvals.vote("apr_1", approve("carol", T0.plusSeconds(4)), T0.plusSeconds(4)))
        .as("closed once approved").isEqualTo(ApprovalRepository.VoteOutcome.CLOSED);
  }

  @StoreSpec
  void anApprovalIsUsedOnceAndNeverAfterItExpires(StoreFixture fixture) {
    ApprovalRepository approvals = fixture.open().approvals();
    approvals.create(pending("apr_1", BINDING, 1, T0));
    approvals.create(pending("apr_2", "c".repeat(64), 1, T0));
    approvals.vote("apr_1", approve("alice", T0), T0);
    approvals.vote("apr_2", approve("alice", T0), T0);

    assertThat(approvals.use("apr_2", "dec_9", T0.plusSeconds(3600))).as("expired").isFalse();
    assertThat(approvals.use("apr_1", "dec_2", T0.plusSeconds(10))).isTrue();
    assertThat(approvals.use("apr_1", "dec_3", T0.plusSeconds(11))).as("second use").isFalse();
    Approval used = approvals.findById("apr_1").orElseThrow();
    assertThat(used.state()).isEqualTo(Approval.State.USED);
    assertThat(used.usedByDecision()).isEqualTo("dec_2");
    assertThat(approvals.findOpen("gateway.request", BINDING, T0.plusSeconds(12))).isEmpty();
  }

  @StoreSpec
  void oneDenialDeniesAndAVoteOnAnUnknownOrExpiredApprovalChangesNothing(StoreFixture fixture) {
    ApprovalRepository approvals = fixture.open().approvals();
    approvals.create(pending("apr_1", BINDING, 2, T0));
    approvals.create(pending("apr_2", "d".repeat(64), 1, T0));

    assertThat(approvals.vote("apr_1", new Approval.Vote("https://people.example", "bob", false, "no", T0), T0))
        .isEqualTo(ApprovalRepository.VoteOutcome.DENIED);
    assertThat(approvals.findById("apr_1").orElseThrow().state()).isEqualTo(Approval.State.DENIED);
    assertThat(approvals.findOpen("gateway.request", BINDING, T0)).isEmpty();
    assertThat(approvals.vote("apr_9", approve("alice", T0), T0)).isEqualTo(ApprovalRepository.VoteOutcome.NOT_FOUND);
    assertThat(approvals.vote("apr_2", approve("alice", T0.plusSeconds(3600)), T0.plusSeconds(3600)))
        .isEqualTo(ApprovalRepository.VoteOutcome.CLOSED);
    assertThat(approvals.findById("apr_2").orElseThrow().votes()).isEmpty();
    assertThat(approvals.list(Approval.State.PENDING, 10)).extracting(Approval::id).containsExactly("apr_2");
    assertThat(approvals.list(null, 10)).extracting(Approval::id).containsExactlyInAnyOrder("apr_1", "apr_2");
  }

  @StoreSpec
  void concurrentUsesOfOneApprovalSucceedExactlyOnce(StoreFixture fixture) throws Exception {
    ApprovalRepository approvals = fixture.open().approvals();
    approvals.create(pending("apr_1", BINDING, 1, T0));
    approvals.vote("apr_1", approve("alice", T0), T0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> uses = java.util.stream.IntStream.range(0, 16)
          .mapToObj(i -> (Callable<Boolean>) () -> approvals.use("apr_1", "dec_" + i, T0.plusSeconds(1))).toList();
      long used = 0;
      for (Future<Boolean> result : pool.invokeAll(uses)) {
        used += result.get() ? 1 : 0;
      }
      assertThat(used).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @StoreSpec
  void aDuplicateIdIsAConstraintViolationAndAWrongShapeIsRefused(StoreFixture fixture) {
    ApprovalRepository approvals = fixture.open().approvals();
    approvals.create(pending("apr_1", BINDING, 1, T0));
    assertThatThrownBy(() -> approvals.create(pending("apr_1", "e".repeat(64), 1, T0)))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION));
    assertThatThrownBy(() -> pending("apr_3", "NOT-HEX", 1, T0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> pending("apr_3", BINDING, 0, T0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from 1 to 10");
  }
}
