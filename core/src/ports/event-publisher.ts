/** A domain event: something that happened, for webhooks and audit. */
export interface DomainEvent {
  type: string;
  /** The aggregate the event is about, e.g. a contract id. */
  subject: string;
  at: Date;
  data: Record<string, unknown>;
}

/** Publishes domain events to whoever listens (webhooks, connectors). */
export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}
