/**
 * Where the add-in's files are on disk, for the server (which serves the build at `/addin/`),
 * the build and the tests. Node only.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The `addin-word/` package directory. */
export function addinPackageDir(): string {
  return packageDir;
}

/** The production build (`npm run addin:build`): `addin-word/build/`, served by the server at `/addin/`. */
export function addinBuildDir(): string {
  return join(packageDir, 'build');
}

/** The committed icons: `addin-word/assets/`. */
export function addinAssetsDir(): string {
  return join(packageDir, 'assets');
}

/** The manifests: `manifests/` at the repository root. */
export function manifestsDir(): string {
  return resolve(packageDir, '..', 'manifests');
}
