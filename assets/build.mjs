// Builds the portal's CSS and copies GOV.UK Frontend's JavaScript into static/.
// No fonts and no GOV.UK images are copied: this is a council service, not GOV.UK.
// Each file is also written under a name holding a hash of its content (app.1a2b3c4d5e6f.css), listed in
// static/manifest.json: the portal links those names and lets browsers keep them for a year, so a phone fetches
// each asset once, and a new build is new names.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync, copyFileSync, readFileSync, readdirSync, unlinkSync } from "node:fs";
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
// Leaflet, for the neighbourhood maps where a programme configures a tile server (its own markers are drawn, so no
// image of Leaflet's is needed), and the script that turns a map page's list into a map.
copyFileSync(resolve(root, "node_modules/leaflet/dist/leaflet.js"), out("js/leaflet.js"));
copyFileSync(resolve(root, "node_modules/leaflet/dist/leaflet.css"), out("css/leaflet.css"));
copyFileSync(resolve(root, "assets/js/map.mjs"), out("js/map.mjs"));
copyFileSync(resolve(root, "assets/favicon.svg"), out("favicon.svg"));
// Content-hashed copies. app.mjs imports GOV.UK Frontend, so its import names the hashed file, and it is hashed
// after that change.
const HASHED = /\.[0-9a-f]{12}(\.min)?\.(css|js|mjs|svg)$/;
for (const folder of ["css", "js", "."]) {
  for (const name of readdirSync(out(folder))) {
    if (HASHED.test(name)) unlinkSync(out(`${folder}/${name}`));
  }
}
const manifest = {};
const hashed = (logical, content) => {
  const digest = createHash("sha256").update(content).digest("hex").slice(0, 12);
  const name = logical.replace(/(\.min)?\.(css|js|mjs|svg)$/, (ext) => `.${digest}${ext}`);
  writeFileSync(out(name), content);
  manifest[logical] = name;
  return name;
};
hashed("css/app.css", readFileSync(out("css/app.css")));
hashed("favicon.svg", readFileSync(out("favicon.svg")));
hashed("js/leaflet.js", readFileSync(out("js/leaflet.js")));
hashed("css/leaflet.css", readFileSync(out("css/leaflet.css")));
hashed("js/map.mjs", readFileSync(out("js/map.mjs")));
const frontend = hashed("js/govuk-frontend.min.js", readFileSync(out("js/govuk-frontend.min.js")));
const app = readFileSync(out("js/app.mjs"), "utf8").replace(
  '"./govuk-frontend.min.js"',
  `"./${frontend.split("/").pop()}"`,
);
hashed("js/app.mjs", app);
writeFileSync(out("manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log("built static/ (css, js, favicon) with content-hashed copies listed in static/manifest.json");
