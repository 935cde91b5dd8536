package dev.portcullis.server;

import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sends each request to the handler of the listener it arrived on: the admin API's routes never
 * answer on the gateway listener, and the gateway's never on the admin one.
 */
final class ConnectorRouter extends Handler.AbstractContainer {
  private final Handler admin;
  private final Handler gateway;

  ConnectorRouter(Handler admin, Handler gateway) {
    this.admin = admin;
    this.gateway = gateway;
    addBean(admin);
    addBean(gateway);
  }

  @Override
  public List<Handler> getHandlers() {
    return List.of(admin, gateway);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String connector = request.getConnectionMetaData().getConnector().getName();
    return ("gateway".equals(connector) ? gateway : admin).handle(request, response, callback);
  }
}
