// Calls `example:greeter/greet.hello` of a greeter component under Node.js, a
// second host beside wasm-link: @bytecodealliance/jco-transpile turns the
// component into JavaScript, and @bytecodealliance/preview2-shim gives it
// WASI 0.2 (this process's environment variables, this process's stderr).
//   node call.mjs NPM_DIR OUT_DIR COMPONENT NAME
// NPM_DIR is the npm folder that ./build installs into; OUT_DIR must lie under
// it, so that the transpiled code finds the shim. Prints the greeting.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [npmDir, outDir, componentPath, name] = process.argv.slice(2);
if (name === undefined) {
  console.error('usage: node call.mjs NPM_DIR OUT_DIR COMPONENT NAME');
  process.exit(2);
}
const { transpile } = await import(pathToFileURL(
  join(npmDir, 'node_modules/@bytecodealliance/jco-transpile/dist/index.js')).href);
const { files } = await transpile(resolve(componentPath), { name: 'greeter', outDir });
for (const [file, bytes] of Object.entries(files)) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
}
await writeFile(join(outDir, 'package.json'), '{"type": "module"}\n');
const greeter = await import(pathToFileURL(join(outDir, 'greeter.js')).href);
const greet = greeter.greet ?? greeter['example:greeter/greet'];
console.log(greet.hello(name));
