import type { DomainEvent, EventPublisher } from '../ports/event-publisher.js';

/** Records published events. */
export class RecordingEventPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];
  async publish(event: DomainEvent): Promise<void> {
    this.events.push(event);
  }
}
