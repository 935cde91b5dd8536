package dev.portcullis.server;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGTERM and SIGINT through {@code sun.misc.Signal} (module jdk.unsupported), found by
 * reflection so the build needs no internal API. A JVM shutdown hook alone cannot choose the exit
 * status (a JVM killed by SIGTERM exits 143); this handler lets a graceful stop exit 0. When the
 * class is absent, the shutdown hook still stops the server.
 */
final class Signals {
  private Signals() {}

  static void onTermination(Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
          (proxy, method, arguments) -> {
            if (method.getName().equals("handle")) {
              Thread stopper = new Thread(action, "portcullis-signal");
              stopper.start();
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == arguments[0];
              default -> "portcullis signal handler";
            };
          });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      for (String name : new String[] {"TERM", "INT"}) {
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        handle.invoke(null, signal, handler);
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LoggerFactory.getLogger(Signals.class).debug("no signal handling, relying on the shutdown hook: {}", e.toString());
    }
  }
}
