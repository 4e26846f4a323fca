import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedCorpusDir, vendoredCorpusDir } from '@signet/test-support';

// The specs read the interop corpus from ../shared/corpus when it is there and from the repository's copy
// in a fresh clone; the two must not drift apart.
describe('the repository copy of the interop corpus', () => {
  it('holds every file of the shared corpus, byte for byte', function () {
    if (!existsSync(sharedCorpusDir)) this.skip();
    const shared = readdirSync(sharedCorpusDir).sort();
    assert.deepEqual(readdirSync(vendoredCorpusDir).sort(), shared);
    for (const name of shared) {
      assert.ok(readFileSync(join(vendoredCorpusDir, name)).equals(readFileSync(join(sharedCorpusDir, name))), `${name} differs`);
    }
  });
});
