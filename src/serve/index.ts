/**
 * serve, Node-only public names: the HTTP scoring server (`latent serve`) as a library call.
 * Exported from `latent/node`; the browser entry never imports this folder.
 */

export { serve, SERVE_DEFAULTS, type ServeHandle, type ServeOptions } from './server.js';
export type { LogDestination } from './app.js';
export type { ModelDescription } from './model-description.js';
