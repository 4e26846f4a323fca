import assert from 'node:assert/strict';
import { isPrivateAddress, privateDestination } from './public-destination.js';

describe('webhooks/privateDestination', () => {
  it('calls loopback, private, link-local and metadata addresses private', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888']) assert.equal(isPrivateAddress(a), false, a);
  });

  it('refuses a URL whose host is local or resolves inward, and accepts one that resolves to public addresses only', async () => {
    assert.match((await privateDestination('http://localhost:8080/hook'))!, /this machine/);
    assert.match((await privateDestination('http://[::1]/hook'))!, /private address/);
    assert.match((await privateDestination('https://hooks.example.com/x', async () => ['93.184.216.34', '10.0.0.5']))!, /10\.0\.0\.5/);
    assert.equal(await privateDestination('https://hooks.example.com/x', async () => ['93.184.216.34']), undefined);
    assert.match((await privateDestination('https://nowhere.invalid/x', async () => []))!, /does not resolve/);
  });
});
