package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final RateLimiter limiter = new RateLimiter(now::get);

  @Test
  void aMinutesWorthBurstsThenOneRequestPerShareOfAMinute() {
    for (int i = 0; i < 6; i++) {
      assertThat(limiter.tryAcquire("session a", 6)).as("request %d", i + 1).isTrue();
    }
    assertThat(limiter.tryAcquire("session a", 6)).isFalse();
    assertThat(limiter.tryAcquire("session b", 6)).as("another key has its own bucket").isTrue();
    now.addAndGet(9_000_000_000L); // 9 s: less than the 10 s one request takes to refill
    assertThat(limiter.tryAcquire("session a", 6)).isFalse();
    now.addAndGet(1_000_000_000L);
    assertThat(limiter.tryAcquire("session a", 6)).isTrue();
    assertThat(limiter.tryAcquire("session a", 6)).isFalse();
    now.addAndGet(600_000_000_000L); // long idle: full again, never more than a minute's worth
    for (int i = 0; i < 6; i++) {
      assertThat(limiter.tryAcquire("session a", 6)).isTrue();
    }
    assertThat(limiter.tryAcquire("session a", 6)).isFalse();
  }

  @Test
  void bucketsAreBounded() {
    for (int i = 0; i < RateLimiter.MAX_BUCKETS + 10; i++) {
      limiter.tryAcquire("session " + i, 100);
    }
    assertThat(limiter.size()).isLessThanOrEqualTo(RateLimiter.MAX_BUCKETS);
  }
}
