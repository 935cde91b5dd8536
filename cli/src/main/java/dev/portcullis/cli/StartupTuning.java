package dev.portcullis.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Start-up shortcuts that change no behaviour, applied once by {@link Main#main} before anything else.
 *
 * <p>Jetty's {@code MemoryUtils} (first used by every {@code QueuedThreadPool}) pads its queues to
 * the number of object references per cache line. Unless the system property {@value #JETTY_REFERENCES_PER_CACHE_LINE}
 * is set, it finds out whether the JVM uses compressed oops through the platform MBean server, and
 * creating that server registers every platform MBean — including the diagnostic-command bean, which
 * loads and parses Flight Recorder's configurations: about 80 ms of a 1 s start. Here the same answer
 * (16 references per 64-byte line with compressed oops, 8 without) is read from the HotSpot diagnostic
 * MXBean directly, which needs no MBean server, and handed to Jetty through the property. A value the
 * user set is left alone.
 */
final class StartupTuning {
  static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";
  /** Jetty's default, {@code org.eclipse.jetty.util.cacheLineBytes}. */
  private static final int CACHE_LINE_BYTES = 64;

  private StartupTuning() {}

  static void apply() {
    if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) != null
        || System.getProperty("org.eclipse.jetty.util.cacheLineBytes") != null) {
      return;
    }
    try {
      boolean compressedOops = Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("UseCompressedOops").getValue());
      System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE,
          Integer.toString(CACHE_LINE_BYTES / (compressedOops ? Integer.BYTES : Long.BYTES)));
    } catch (RuntimeException | LinkageError e) {
      // not HotSpot, or no jdk.management: Jetty finds out by itself, as before
    }
  }
}
