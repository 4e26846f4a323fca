/**
 * @signet/addin-word, the package's Node-side face: where the built task pane is (the server
 * serves it at `/addin/`), and the production manifest for a server. Building (webpack) is the separate
 * `@signet/addin-word/build` entry, so that importing this one stays cheap. The task
 * pane itself is the webpack bundle under `src/ui/`.
 */
export { addinBuildDir, addinAssetsDir, addinPackageDir, manifestsDir } from './build-path.js';
export { renderProdManifest, PLACEHOLDER_SERVER, ADDIN_PATH } from './manifest/prod-manifest.js';
