import assert from 'node:assert/strict';
import { SignetError, isSignetError, ERROR_CODES } from './errors.js';

describe('SignetError', () => {
  it('carries a stable code and defaults its message from the code table', () => {
    const e = new SignetError('PDF_ENCRYPTED');
    assert.equal(e.code, 'PDF_ENCRYPTED');
    assert.equal(e.message, ERROR_CODES.PDF_ENCRYPTED);
    assert.ok(isSignetError(e, 'PDF_ENCRYPTED'));
    assert.ok(!isSignetError(e, 'PDF_NOT_PDF'));
    assert.ok(!isSignetError(new Error('x')));
  });
});
