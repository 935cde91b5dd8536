package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A rule error's message must not depend on whether the JIT has compiled the throwing code yet. */
class RuleErrorMessageTest {

  @Test
  void divisionByZeroReadsTheSameWithOrWithoutTheExceptionsMessage() {
    Exception early = new Exception("evaluation error at p.yaml:3: / by zero", new ArithmeticException("/ by zero"));
    // What HotSpot throws once the division is compiled: a preallocated ArithmeticException, no message.
    Exception late = new Exception("evaluation error at p.yaml:3: ", new ArithmeticException());
    assertThat(PolicyBundle.message(early)).isEqualTo("/ by zero");
    assertThat(PolicyBundle.message(late)).isEqualTo("/ by zero");
  }

  @Test
  void anExceptionWithoutAnyMessageIsNamedByItsClass() {
    Exception late = new Exception("evaluation error: ", new NullPointerException());
    assertThat(PolicyBundle.message(late)).isEqualTo("NullPointerException");
    assertThat(PolicyBundle.message(new IllegalStateException("no such key: ref"))).isEqualTo("no such key: ref");
  }
}
