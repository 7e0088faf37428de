// Builds each page (src/<page>/main.tsx) into dist/<page>/: one hashed script,
// one hashed stylesheet and an index.html that loads them. The output depends
// only on the sources and the pinned tool versions (no timestamps, no absolute
// paths), so `make web-check` can compare it with what is committed.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const pages = [
  { name: 'app', title: 'Loop · Settle demo', lang: 'en' },
  { name: 'ops', title: 'Settle ops console', lang: 'en' },
  { name: 'agent', title: 'Settle agent console', lang: 'en' },
];

const root = path.dirname(new URL(import.meta.url).pathname);

async function buildPage(page) {
  const outdir = path.join(root, 'dist', page.name);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { [page.name]: `src/${page.name}/main.tsx` },
    outdir: `dist/${page.name}`,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'eof',
    charset: 'utf8',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => path.basename(p));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js || !css) throw new Error(`${page.name}: expected one .js and one .css output, got ${outputs.join(', ')}`);
  const template = await readFile(path.join(root, 'src', 'index.html'), 'utf8');
  const html = template
    .replaceAll('{{lang}}', page.lang)
    .replaceAll('{{title}}', page.title)
    .replaceAll('{{css}}', `/${page.name}/${css}`)
    .replaceAll('{{js}}', `/${page.name}/${js}`);
  await writeFile(path.join(outdir, 'index.html'), html);
  return outputs.map((f) => `dist/${page.name}/${f}`).concat(`dist/${page.name}/index.html`);
}

// The cobrowse SDK for integrators (web/sdk): unhashed names, so a page can
// link them for good — an ES module, a classic script that defines
// window.SettleCobrowse, and the stylesheet of its UI.
async function buildSdk() {
  const outdir = path.join(root, 'dist', 'sdk');
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const common = {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'warning',
  };
  await build({ ...common, entryPoints: ['sdk/index.ts'], outfile: 'dist/sdk/settle-cobrowse.mjs', format: 'esm' });
  await build({ ...common, entryPoints: ['sdk/index.ts'], outfile: 'dist/sdk/settle-cobrowse.js', format: 'iife', globalName: 'SettleCobrowse' });
  await build({ ...common, entryPoints: ['sdk/sdk.css'], outfile: 'dist/sdk/settle-cobrowse.css' });
  return ['dist/sdk/settle-cobrowse.css', 'dist/sdk/settle-cobrowse.js', 'dist/sdk/settle-cobrowse.mjs'];
}

const written = [];
for (const page of pages) written.push(...(await buildPage(page)));
written.push(...(await buildSdk()));
console.log(written.sort().join('\n'));
