/**
 * The EventPublisher adapter that turns domain events into webhook deliveries. Plug it into the
 * core services (`events: new WebhookEventPublisher(webhooks)`), alone or behind a fan-out.
 */
import type { DomainEvent, EventPublisher } from '@signet/core';
import type { WebhookService } from './webhook-service.js';

/** Finds the enterprise an event belongs to; undefined means the event is not sent anywhere. */
export type TenantOf = (event: DomainEvent) => string | undefined;

/**
 * The default {@link TenantOf}: `data.enterpriseId` (directory events) or `data.tenant` (contract
 * and seal events).
 */
export const defaultTenantOf: TenantOf = (e) => {
  const v = e.data.enterpriseId ?? e.data.tenant;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** An {@link EventPublisher} that stores one webhook delivery (and job) per matching subscription. */
export class WebhookEventPublisher implements EventPublisher {
  constructor(private readonly webhooks: WebhookService, private readonly tenantOf: TenantOf = defaultTenantOf) {}

  /** Resolves once the deliveries and their jobs are stored (not sent): sending is background work. */
  async publish(event: DomainEvent): Promise<void> {
    const enterpriseId = this.tenantOf(event);
    if (enterpriseId !== undefined) await this.webhooks.publish(event, enterpriseId);
  }
}
