// Builds the portal's CSS and copies GOV.UK Frontend's JavaScript into static/.
// No fonts and no GOV.UK images are copied: this is a council service, not GOV.UK.
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = (p) => resolve(root, "static", p);

mkdirSync(out("css"), { recursive: true });
mkdirSync(out("js"), { recursive: true });

const result = sass.compile(resolve(root, "assets/scss/app.scss"), {
  loadPaths: [resolve(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(out("css/app.css"), result.css);

copyFileSync(
  resolve(root, "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js"),
  out("js/govuk-frontend.min.js"),
);
copyFileSync(resolve(root, "assets/js/app.mjs"), out("js/app.mjs"));
copyFileSync(resolve(root, "assets/favicon.svg"), out("favicon.svg"));
console.log("built static/css/app.css, static/js/govuk-frontend.min.js, static/js/app.mjs");
