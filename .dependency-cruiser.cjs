// `npm run lint:deps`: dependencies point one way, apps → packages (DESIGN.md, "Layout").
// Paths are as resolved: an import of @todo/<name> counts as its folder (workspaces are symlinks).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "app-imports-another-app",
      comment: "An app composes packages; what two apps share belongs in a package.",
      severity: "error",
      from: { path: "^apps/([^/]+)/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "package-imports-an-app",
      comment: "Packages own the domain and know no composition root.",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "packages-in-a-cycle",
      comment:
        "A cycle that leaves a package and comes back: the two packages are one, or one should not know the other.",
      severity: "error",
      from: { path: "^packages/([^/]+)/" },
      to: { circular: true, via: { pathNot: "^packages/$1/" } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|out|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "default"],
      extensions: [".ts", ".tsx", ".mjs", ".js", ".json"],
    },
  },
};
