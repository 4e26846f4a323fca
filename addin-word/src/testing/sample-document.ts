/**
 * The sample contract the fakes start with: a short service agreement in plain Latin text (the
 * fake's PDF renderer uses a standard font), with room for variables and party markers.
 */
import { flatOpcClause } from '../office/fake-document.js';
import type { FakeDocumentInit } from '../office/fake-gateway.js';
import type { Clause } from '../api/signet-api.js';

/** A service agreement, before any variable or marker is added. */
export function sampleAgreement(): FakeDocumentInit {
  return {
    title: 'Service Agreement',
    paragraphs: [
      'This Service Agreement is made between Acme Trading Ltd (Party A) and Beta Consulting LLC (Party B).',
      'Party B provides consulting services to Party A for twelve months from the start date.',
      'Party A pays a monthly fee of 10000 CNY.',
      'Party A (signature): ',
      'Party B (signature): ',
      'Date: ',
    ],
  };
}

/** An OOXML clause carrying a variable control, as an enterprise clause library would hold it. */
export function paymentClause(): Clause {
  return {
    id: 'cl-payment',
    title: '付款条款 Payment',
    category: '财务 Finance',
    format: 'ooxml',
    content: flatOpcClause([[
      'Payment. Party A pays each invoice within ',
      { variable: 'paymentDays', text: '30' },
      ' days of receiving it.',
    ]]),
  };
}
