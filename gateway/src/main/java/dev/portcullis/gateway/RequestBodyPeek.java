package dev.portcullis.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Content;

/**
 * Reads the first bytes of a request body to classify it, and gives them back to the forwarded
 * request ahead of the rest, which then streams as usual: the body is never buffered beyond its
 * start.
 */
final class RequestBodyPeek {
  /** How long to wait for each chunk of the start (the listener's own data rate limits apply too). */
  static final Duration WAIT = Duration.ofSeconds(30);

  /** The bytes read (whole chunks, at least the number asked for unless the body ended). */
  record Start(byte[] bytes, boolean complete) {}

  private RequestBodyPeek() {}

  /** Reads whole chunks of {@code source} until {@code atLeast} bytes or its end, waiting at most {@code timeout} each. */
  static Start read(Content.Source source, int atLeast, Duration timeout) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (true) {
      Content.Chunk chunk = source.read();
      if (chunk == null) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        source.demand(() -> ready.complete(null));
        try {
          ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while reading the body", e);
        } catch (ExecutionException | TimeoutException e) {
          throw new IOException("the body did not arrive", e);
        }
        continue;
      }
      try {
        if (Content.Chunk.isFailure(chunk)) {
          throw new IOException("the body could not be read", chunk.getFailure());
        }
        ByteBuffer buffer = chunk.getByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        out.write(bytes);
        if (chunk.isLast()) {
          return new Start(out.toByteArray(), true);
        }
      } finally {
        chunk.release();
      }
      if (out.size() >= atLeast) {
        return new Start(out.toByteArray(), false);
      }
    }
  }

  /** A body whose start was read: that start, then the rest of {@code rest}. */
  static final class PrefixedSource implements Content.Source {
    private final AtomicReference<byte[]> start;
    private final Content.Source rest;

    PrefixedSource(byte[] start, Content.Source rest) {
      this.start = new AtomicReference<>(start);
      this.rest = rest;
    }

    @Override
    public Content.Chunk read() {
      byte[] first = start.getAndSet(null);
      return first != null ? Content.Chunk.from(ByteBuffer.wrap(first), false) : rest.read();
    }

    @Override
    public void demand(Runnable demandCallback) {
      if (start.get() != null) {
        demandCallback.run(); // the start is there to read at once
      } else {
        rest.demand(demandCallback);
      }
    }

    @Override
    public void fail(Throwable failure) {
      rest.fail(failure);
    }

    @Override
    public long getLength() {
      return rest.getLength(); // the declared length counts the start too
    }
  }
}
