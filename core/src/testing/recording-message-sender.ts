import type { MessageSender, OutgoingMessage } from '../ports/message-sender.js';

/** Records every message instead of sending it; tests read `sent`. */
export class RecordingMessageSender implements MessageSender {
  readonly sent: OutgoingMessage[] = [];
  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
  }
}
