/// <reference lib="dom" />
/**
 * The playground page: wires the form, the data and the training worker together and redraws
 * the views from the worker's messages. All compute happens in the worker; this thread only
 * parses the user's input and draws, so the page stays responsive while a model trains.
 *
 * The page imports narrow modules (errors, data, report), not the library entry: the entry
 * carries the wasm kernels, which only the worker needs.
 *
 * Invariants: the Train button is enabled only when the backend is ready, data is loaded and
 * nothing is training; every user error is shown next to the control that caused it, in the
 * page's words (page-errors.ts), and goes away once that control is fixed; focus follows the
 * run (Stop while training, back to Train after) and the run's status is announced.
 */

import { defaultHidden, defaultLatent } from '../../src/train/defaults.js';
import { formatNumber } from '../../src/report/index.js';
import { csvDataset, loadBuiltIn } from './data.js';
import { byId, downloadBytes, showMessage } from './dom.js';
import { field, fillFields, fillForm, readForm } from './form.js';
import { pageError, pageWording, type PageErrorContext } from './page-errors.js';
import { wirePlanePointer } from './plane-pointer.js';
import type { PageMessage, TrainedOn, Views, WireDataset, WorkerMessage } from './protocol.js';
import { renderAnomalyView, renderLossView, renderModelViews } from './render.js';
import { DEFAULT_FORM, parseSettings, SettingError } from './settings.js';
import { initialState, type PlaygroundState } from './state.js';
import { RULE_KINDS, RULE_PARAMETERS, ruleFromControls } from './threshold-choice.js';

const CONV_CHANNELS = '16, 32';

const state = initialState();
(window as Window & { latentPlayground?: PlaygroundState }).latentPlayground = state;

const form = byId('settings', HTMLFormElement);
const trainButton = byId('train', HTMLButtonElement);
const stopButton = byId('stop', HTMLButtonElement);
const downloadButton = byId('download', HTMLButtonElement);
const openButton = byId('open-model', HTMLButtonElement);
const modelFile = byId('model-file', HTMLInputElement);
const runCard = byId('run-card', HTMLElement);
const runStatus = byId('run-status', HTMLElement);
const progress = byId('progress', HTMLProgressElement);
const progressText = byId('progress-text', HTMLElement);
const dataError = byId('data-error', HTMLElement);
const trainError = byId('train-error', HTMLElement);
const modelError = byId('model-error', HTMLElement);
const modelInfo = byId('model-info', HTMLElement);
const ruleSelect = byId('threshold-rule', HTMLSelectElement);
const ruleParameter = byId('threshold-param', HTMLInputElement);
const thresholdError = byId('threshold-error', HTMLElement);

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message: PageMessage): void => worker.postMessage(message);

/** Show `error` in `element` in the page's words. */
function showError(element: HTMLElement, error: unknown, context: PageErrorContext): void {
  const { message, hint } = pageError(error, context);
  showMessage(element, message, hint);
}

/** The setting field the shown training error is about (marked aria-invalid), or null. */
let invalidField: HTMLInputElement | HTMLSelectElement | null = null;

function markInvalid(element: HTMLInputElement | HTMLSelectElement | null): void {
  invalidField?.removeAttribute('aria-invalid');
  invalidField?.removeAttribute('aria-errormessage');
  invalidField = element;
  element?.setAttribute('aria-invalid', 'true');
  element?.setAttribute('aria-errormessage', 'train-error');
}

/** Show a refused setting next to Train and mark its field; null clears both. */
function showSettingError(error: unknown): void {
  if (error === null) {
    showMessage(trainError, null);
    markInvalid(null);
    return;
  }
  showError(trainError, error, 'train');
  markInvalid(error instanceof SettingError ? field(form, error.field) : null);
}

/** Announce `text` in the run's status region (read by screen readers when it changes). */
function announce(text: string): void {
  runStatus.textContent = text;
}

/** True when a narrow screen shows the results below the form (one column). */
function stacked(): boolean {
  return runCard.getBoundingClientRect().top > byId('settings', HTMLFormElement).getBoundingClientRect().top + 10;
}

function updateButtons(): void {
  const training = state.phase === 'training';
  trainButton.disabled = training || state.backend === null || state.data === null;
  stopButton.disabled = !training;
  downloadButton.disabled = training || state.model === null;
  openButton.disabled = training;
  // The views of a run index its data: the data stays fixed until the run ends.
  byId('data-fields', HTMLFieldSetElement).disabled = training;
}

/** Latent and hidden sizes the page filled in for the current data (not typed by the user). */
let autoShape = { latent: DEFAULT_FORM.latent, hidden: DEFAULT_FORM.hidden };

/** Sizes that suit `data`: the form's defaults for images, the library's defaults for tables. */
function shapeFor(data: WireDataset): { latent: string; hidden: string } {
  if (data.imageShape !== null) return { latent: DEFAULT_FORM.latent, hidden: DEFAULT_FORM.hidden };
  const latent = defaultLatent(data.cols);
  return { latent: String(latent), hidden: defaultHidden(data.cols, latent).join(', ') };
}

function setData(data: WireDataset): void {
  state.data = data;
  const latent = field(form, 'latent');
  const hidden = field(form, 'hidden');
  // Sizes the user typed stay; sizes the page chose follow the data.
  if (latent.value === autoShape.latent && hidden.value === autoShape.hidden && field(form, 'family').value !== 'conv') {
    autoShape = shapeFor(data);
    latent.value = autoShape.latent;
    hidden.value = autoShape.hidden;
  }
  state.views = null;
  // A model the page holds is scored on the new data (when it fits), as an opened model is.
  if (state.model !== null && state.phase !== 'training') send({ type: 'rescore', data });
  const images = data.imageShape === null ? 'a table' : `images ${data.imageShape[0]}×${data.imageShape[1]}`;
  const labels = data.labels === null ? 'no label column' : 'labelled';
  byId('data-info', HTMLElement).textContent = `${data.source}: ${data.rows} samples × ${data.cols} features, ${images}, ${labels}.`;
  const conv = byId('family', HTMLSelectElement).querySelector('option[value="conv"]');
  if (conv instanceof HTMLOptionElement) conv.disabled = data.imageShape === null;
  if (data.imageShape === null && field(form, 'family').value === 'conv') setFamily('dense');
  showMessage(dataError, null);
  renderModelViews(state);
  updateButtons();
}

async function loadData(): Promise<void> {
  const source = form.elements.namedItem('source');
  const csv = source instanceof RadioNodeList && source.value === 'csv';
  try {
    if (!csv) {
      setData(await loadBuiltIn(Number(byId('count', HTMLInputElement).value) || 3000));
      return;
    }
    const file = byId('csv-file', HTMLInputElement).files?.[0];
    if (file === undefined) {
      showMessage(dataError, 'choose a CSV file', 'numeric columns, one sample per row; a column named label colours the plots');
      return;
    }
    setData(csvDataset(await file.text(), file.name));
  } catch (error) {
    showError(dataError, error, 'data');
    if (state.data !== null) byId('data-info', HTMLElement).textContent = `Still using the previous data: ${state.data.source}.`;
  }
}

function setFamily(family: string): void {
  const hidden = field(form, 'hidden');
  if (family === 'conv' && hidden.value === DEFAULT_FORM.hidden) hidden.value = CONV_CHANNELS;
  if (family !== 'conv' && hidden.value === CONV_CHANNELS) hidden.value = DEFAULT_FORM.hidden;
  field(form, 'family').value = family;
  byId('hidden-label', HTMLElement).textContent = family === 'conv' ? 'conv channels' : 'hidden sizes';
}

function startTraining(): void {
  showSettingError(null);
  if (state.data === null) return;
  try {
    const settings = parseSettings(readForm(form));
    state.phase = 'training';
    state.epochs = [];
    progress.value = 0;
    progressText.textContent = 'building the model…';
    announce(`Training started on ${state.data.source}.`);
    send({ type: 'train', data: state.data, settings });
  } catch (error) {
    showSettingError(error);
    invalidField?.focus();
    updateButtons();
    return;
  }
  updateButtons();
  // Stop is the next thing a keyboard user may want; on a phone the results are below the form.
  stopButton.focus({ preventScroll: true });
  const card = runCard.getBoundingClientRect();
  if (card.top < 0 || card.bottom > window.innerHeight) runCard.scrollIntoView({ block: 'start', behavior: 'instant' });
}

/** After a run or an open: focus goes back to Train unless the user has moved it elsewhere. */
function restoreFocus(): void {
  const active = document.activeElement;
  if (active === stopButton || active === document.body || active === null) trainButton.focus({ preventScroll: stacked() });
}

/** Re-check the settings while a training error shows: a fixed field clears it, another fault replaces it. */
function revalidate(): void {
  if (trainError.hidden) return;
  try {
    parseSettings(readForm(form));
    showSettingError(null);
  } catch (error) {
    showSettingError(error);
  }
}

/** Draw `views` of the model the page holds (null: the views say why there are none). */
function showViews(views: Views | null): void {
  state.views = views;
  renderModelViews(state);
}

/** The numbers of a finished run, for the status region. */
function runSummary(epochs: number, stopped: boolean): string {
  if (epochs === 0) return 'Training ended before the first epoch completed.';
  const last = state.epochs.at(-1);
  const loss =
    last === undefined
      ? ''
      : `; final loss ${formatNumber(last.loss, 4)}${last.valLoss === null ? '' : `, validation ${formatNumber(last.valLoss, 4)}`}`;
  return `${stopped ? 'Stopped' : 'Finished'} after ${epochs} epoch${epochs === 1 ? '' : 's'}${loss}. The results are below.`;
}

/**
 * After opening a model trained on the built-in digits: load as many digits as it trained on,
 * so its held-out rows can be named again. Returns true when a reload started (it rescores).
 */
function reloadDigitsFor(trainedOn: TrainedOn): boolean {
  const { source, rows } = trainedOn;
  if (source === null || rows === null || !source.startsWith('built-in digits')) return false;
  if (state.data !== null && state.data.source === source && state.data.rows === rows) return false;
  const builtin = form.querySelector('input[name="source"][value="builtin"]');
  if (builtin instanceof HTMLInputElement) builtin.checked = true;
  byId('count', HTMLInputElement).value = String(rows);
  void loadData();
  return true;
}

function onWorkerMessage(message: WorkerMessage): void {
  switch (message.type) {
    case 'ready': {
      state.backend = message;
      const isolation = message.isolated
        ? 'cross-origin isolated: yes'
        : 'cross-origin isolated: no (one thread; serve with COOP/COEP headers for more)';
      byId('backend-status', HTMLElement).textContent =
        `backend ${message.backend} · ${message.threads} thread${message.threads === 1 ? '' : 's'} · ${isolation} · ${message.cores} cores`;
      if (state.phase === 'loading') state.phase = 'idle';
      break;
    }
    case 'started':
      state.model = message.model;
      state.lossName = message.loss;
      modelInfo.textContent = `${message.model.family} model, ${message.model.inputDim} → ${message.model.latentDim}, ${message.model.parameters.toLocaleString('en')} parameters; training on ${message.trainRows} rows, validating on ${message.validationRows}.`;
      announce(`Training a ${message.model.family} model on ${message.trainRows} rows, validating on ${message.validationRows}.`);
      break;
    case 'batch':
      progress.value = (message.epoch - 1 + message.batch / message.batches) / message.epochs;
      progressText.textContent = `epoch ${message.epoch}/${message.epochs} · batch ${message.batch}/${message.batches} · loss ${message.loss.toPrecision(4)}`;
      break;
    case 'epoch':
      state.epochs.push(message.row);
      state.views = message.views;
      renderLossView(state);
      renderModelViews(state);
      break;
    case 'finished':
      state.phase = 'done';
      state.runsEnded++;
      progress.value = message.epochs > 0 ? 1 : 0;
      progressText.textContent =
        message.epochs === 0
          ? 'no epoch completed'
          : `trained ${message.epochs} epoch${message.epochs === 1 ? '' : 's'}${message.stopped ? ' (stopped early; the model is kept)' : ''}`;
      if (trainError.hidden) announce(runSummary(message.epochs, message.stopped));
      updateButtons();
      restoreFocus();
      return;
    case 'opened': {
      showMessage(modelError, null);
      state.model = message.model;
      state.epochs = [...message.curve];
      state.lossName = 'as stored in the file';
      state.phase = 'done';
      fillFields(form, message.form);
      if (message.form.family !== undefined) setFamily(message.form.family);
      const info = `opened ${message.model.source}: ${message.model.family} model, ${message.model.inputDim} → ${message.model.latentDim}, ${message.model.parameters.toLocaleString('en')} parameters; the settings show the values it was trained with.`;
      renderLossView(state);
      if (reloadDigitsFor(message.trainedOn)) {
        modelInfo.textContent = `${info}\nloading the ${message.trainedOn.rows} digits it was trained on…`;
        showViews(null);
      } else {
        modelInfo.textContent = message.note === null ? info : `${info}\n${message.note}`;
        showViews(message.views);
      }
      announce(`Opened ${message.model.source}.`);
      break;
    }
    case 'views': {
      const opened = modelInfo.textContent?.split('\n')[0] ?? '';
      modelInfo.textContent = message.note === null ? opened : `${opened}\n${message.note}`;
      showViews(message.views);
      break;
    }
    case 'saved':
      downloadBytes(message.bytes, message.name);
      announce(`Downloaded ${message.name}.`);
      break;
    case 'error': {
      const { message: text, hint } = pageWording(message.message, message.hint, message.context);
      showMessage(message.context === 'train' ? trainError : modelError, text, hint);
      if (message.context === 'train') announce(`Training failed: ${text}`);
      break;
    }
  }
  updateButtons();
}

/** Show the chosen rule's parameter with its own range and starting value. */
function setRuleKind(kind: string): void {
  const found = RULE_KINDS.find((k) => k === kind) ?? 'contamination';
  const parameter = RULE_PARAMETERS[found];
  ruleParameter.disabled = parameter === null;
  byId('threshold-param-label', HTMLElement).textContent = parameter === null ? 'no parameter' : parameter.label;
  ruleParameter.value = parameter === null ? '' : parameter.initial;
  if (parameter !== null) {
    ruleParameter.min = String(parameter.min);
    ruleParameter.max = parameter.max === null ? '' : String(parameter.max);
    ruleParameter.step = String(parameter.step);
  }
}

/** Take the rule from the controls and redraw the anomaly view; a bad parameter keeps the last good rule. */
function applyRule(): void {
  try {
    state.thresholdRule = ruleFromControls(ruleSelect.value, ruleParameter.value);
    showMessage(thresholdError, null);
    ruleParameter.removeAttribute('aria-invalid');
    renderAnomalyView(state);
  } catch (error) {
    showError(thresholdError, error, 'threshold');
    ruleParameter.setAttribute('aria-invalid', 'true');
  }
}

worker.onmessage = (event: MessageEvent<WorkerMessage>) => onWorkerMessage(event.data);
worker.onerror = (event) => showMessage(trainError, `the training worker failed: ${event.message}`, 'reload the page');
form.addEventListener('input', revalidate);
form.addEventListener('change', revalidate);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  startTraining();
});
stopButton.addEventListener('click', () => {
  send({ type: 'stop' });
  progressText.textContent = 'stopping after this epoch…';
});
downloadButton.addEventListener('click', () => send({ type: 'save' }));
openButton.addEventListener('click', () => modelFile.click());
modelFile.addEventListener('change', async () => {
  const file = modelFile.files?.[0];
  if (file === undefined) return;
  showMessage(modelError, null);
  send({ type: 'open', bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, data: state.data });
  modelFile.value = '';
});
byId('family', HTMLSelectElement).addEventListener('change', (event) => {
  if (event.currentTarget instanceof HTMLSelectElement) setFamily(event.currentTarget.value);
});
byId('count', HTMLInputElement).addEventListener('change', () => void loadData());
byId('csv-file', HTMLInputElement).addEventListener('change', () => {
  const csv = form.querySelector('input[name="source"][value="csv"]');
  if (csv instanceof HTMLInputElement) csv.checked = true;
  void loadData();
});
ruleSelect.addEventListener('change', () => {
  setRuleKind(ruleSelect.value);
  applyRule();
});
ruleParameter.addEventListener('input', applyRule);
ruleParameter.addEventListener('change', applyRule);
wirePlanePointer(
  { canvas: byId('latent-plane', HTMLCanvasElement), cursor: byId('plane-cursor', HTMLElement), readout: byId('plane-point', HTMLElement) },
  () => state.views?.plane ?? null,
);
form.querySelectorAll('input[name="source"]').forEach((radio) => radio.addEventListener('change', () => void loadData()));

// Charts are drawn at their card's width: redraw when a resize changes it.
let drawnWidth = window.innerWidth;
window.addEventListener('resize', () => {
  if (Math.abs(window.innerWidth - drawnWidth) < 40) return;
  drawnWidth = window.innerWidth;
  renderLossView(state);
  renderModelViews(state);
});

fillForm(form, DEFAULT_FORM);
renderLossView(state);
renderModelViews(state);
void loadData();
