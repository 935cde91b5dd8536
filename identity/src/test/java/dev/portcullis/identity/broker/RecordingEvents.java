package dev.portcullis.identity.broker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every broker event. */
final class RecordingEvents implements BrokerEvents {
  final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public void on(Event event) {
    events.add(event);
  }

  <T extends Event> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
