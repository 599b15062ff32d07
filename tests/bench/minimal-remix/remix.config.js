// The minimal Remix app of PERF-LIMITS 4c, built by `npm run bench:rsvp` (tests/bench/rsvp.bench.ts) as the
// ceiling next to the RSVP page. Same Remix version and future flags as the app; every output goes to
// tests/.tmp/minimal-remix (git-ignored, ignored by eslint), and modules resolve from the repository's node_modules.
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  serverModuleFormat: "esm",
  serverBuildPath: "../../.tmp/minimal-remix/build/index.js",
  assetsBuildDirectory: "../../.tmp/minimal-remix/public/build",
  cacheDirectory: "../../.tmp/minimal-remix/.cache",
  publicPath: "/build/",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
