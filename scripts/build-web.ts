/**
 * `npm run build:web`: builds the browser playground into web/dist and lists what it wrote.
 */

import { buildWeb } from './web-build.js';

const { outDir, files } = await buildWeb();
for (const { name, bytes } of files) console.log(`  ${name.padEnd(22)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
console.log(`playground built in ${outDir}`);
