package dev.portcullis.server;

import dev.portcullis.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/** Runs a server with a fake store in a child JVM so that a test can send it SIGTERM. */
public final class SignalTestMain {
  private SignalTestMain() {}

  public static void main(String[] args) throws Exception {
    PortcullisServer server = new PortcullisServer.Builder(ConfigLoader.load(Path.of(args[0]), Map.of()), Path.of(args[1]))
        .storeOpener((url, dataDir) -> new FakeStore())
        .start();
    server.installShutdownHook();
    System.out.println("READY " + server.adminUrl());
    System.out.flush();
    server.awaitShutdown();
    Thread.currentThread().join(); // the signal handler exits the JVM
  }
}
