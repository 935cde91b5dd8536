package dev.portcullis.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One case of a {@code *_test.yaml} file: an input and what the decision must be. Every
 * expectation is optional except the effect; a given one must hold exactly.
 */
record PolicyTestCase(
    String file,
    int line,
    String name,
    PolicyInput input,
    Decision.Effect effect,
    Optional<Set<String>> matched,
    Optional<Map<String, Object>> obligations,
    Optional<Set<String>> scopes,
    Optional<Duration> maxTtl) {}
