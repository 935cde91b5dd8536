package dev.portcullis.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the module arrows of ARCHITECTURE.md on the production classes of every module on this
 * test class path (the cli sees them all). Maven already rejects cycles between modules; these
 * rules catch what Maven cannot: a library used outside the module allowed to touch it, and
 * production code that reaches into the org simulator, which the CLI has only at run time.
 */
class ModuleArrowsTest {
  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.portcullis");
  }

  @Test
  void productionClassesWereImportedFromEveryModule() {
    // Without this, an empty import would make every rule below pass vacuously.
    for (String pkg :
        new String[] {
          "dev.portcullis.cli",
          "dev.portcullis.server",
          "dev.portcullis.store",
          "dev.portcullis.salesforce",
          "dev.portcullis.policy",
          "dev.portcullis.orgsim",
          "dev.portcullis.identity",
          "dev.portcullis.gateway",
          "dev.portcullis.deploy",
          "dev.portcullis.certs"
        }) {
      org.assertj.core.api.Assertions.assertThat(
              production.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
          .as("production classes of %s on the class path", pkg)
          .isTrue();
    }
  }

  @Test
  void nothingInProductionDependsOnTheOrgSimulator() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.portcullis.orgsim..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.portcullis.orgsim..")
        .because("orgsim is a test double; the demo reaches it only through OrgSimulatorProvider")
        .check(production);
  }

  @Test
  void onlyStoreTouchesJdbc() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.portcullis.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "javax.sql..")
        .because("storage goes through the store module's repositories")
        .check(production);
  }

  @Test
  void onlyServerAndTheSimulatorTouchJetty() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.portcullis.server..", "dev.portcullis.gateway..", "dev.portcullis.orgsim..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.eclipse.jetty..")
        .because("only gateway and server (and the simulator, a test double) run HTTP servers")
        .check(production);
  }

  @Test
  void onlyPolicyTouchesCel() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.portcullis.policy..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cel..")
        .because("policies are compiled and evaluated only by the policy module (CONVENTIONS.md, Build habits)")
        .check(production);
  }

  @Test
  void policyDependsOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.policy..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.portcullis.salesforce..", "dev.portcullis.ledger..", "dev.portcullis.store..",
            "dev.portcullis.server..", "dev.portcullis.cli..", "dev.portcullis.orgsim..")
        .check(production);
  }

  @Test
  void salesforceModuleHasNoPolicyStorageOrServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.salesforce..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.portcullis.store..", "dev.portcullis.server..", "dev.portcullis.cli..", "dev.portcullis.policy..")
        .check(production);
  }

  @Test
  void storeDependsOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.portcullis.salesforce..", "dev.portcullis.server..", "dev.portcullis.cli..")
        .check(production);
  }

  /** ARCHITECTURE.md: identity -> policy, salesforce, store. */
  @Test
  void identityDependsOnlyOnPolicySalesforceAndStore() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.identity..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.portcullis.ledger..", "dev.portcullis.server..", "dev.portcullis.cli..",
            "dev.portcullis.orgsim..", "dev.portcullis.gateway..")
        .check(production);
  }

  /**
   * ARCHITECTURE.md: gateway -> identity, policy, ledger, salesforce (and the store's Session record,
   * which the broker answers with). The ledger is reached through the server's DecisionRecorder.
   */
  @Test
  void gatewayDependsOnlyOnIdentityPolicySalesforceAndStore() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.gateway..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.portcullis.server..", "dev.portcullis.cli..", "dev.portcullis.orgsim..")
        .check(production);
  }

  /** ARCHITECTURE.md: deploy -> salesforce, policy, ledger, store. */
  @Test
  void deployDependsOnlyOnSalesforcePolicyLedgerAndStore() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.deploy..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.portcullis.server..", "dev.portcullis.cli..", "dev.portcullis.orgsim..",
            "dev.portcullis.gateway..", "dev.portcullis.identity..")
        .check(production);
  }

  /** ARCHITECTURE.md: certs -> salesforce, ledger, store. */
  @Test
  void certsDependsOnlyOnSalesforceLedgerAndStore() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.certs..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.portcullis.server..", "dev.portcullis.cli..", "dev.portcullis.orgsim..",
            "dev.portcullis.gateway..", "dev.portcullis.identity..", "dev.portcullis.policy..", "dev.portcullis.deploy..")
        .check(production);
  }

  @Test
  void serverDoesNotReachBackIntoTheCli() {
    noClasses()
        .that()
        .resideInAPackage("dev.portcullis.server..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.portcullis.cli..")
        .check(production);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.portcullis.(**)").should().beFreeOfCycles().check(production);
  }
}
