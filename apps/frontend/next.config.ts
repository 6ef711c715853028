import type { NextConfig } from "next";

// A static export: the backend serves out/ at / beside the API, so the session cookie is same-origin.
const config: NextConfig = {
  output: "export",
  trailingSlash: true,
  // @todo/contracts exports its TypeScript source.
  transpilePackages: ["@todo/contracts"],
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
