/** One message to a person: an SMS or an e-mail built from a template. */
export interface OutgoingMessage {
  /** Mobile number or e-mail address. */
  to: string;
  /** Template name, e.g. `otp` or `sign-invite`. */
  template: string;
  /** Template parameters. */
  params: Record<string, string>;
}

/** Delivers messages (SMS gateway, e-mail, Lark message). */
export interface MessageSender {
  /** Sends one message; resolves when the gateway accepted it. */
  send(message: OutgoingMessage): Promise<void>;
}
