/// <reference lib="dom" />
/**
 * Reads and fills the settings form by input name, so the rules in settings.ts see plain text
 * and the page never reads a field it does not know.
 */

import { SETTING_FIELDS, type SettingField } from './settings.js';

/** The texts of the setting fields of `form`. */
export function readForm(form: HTMLFormElement): Record<SettingField, string> {
  const values = {} as Record<SettingField, string>;
  for (const name of SETTING_FIELDS) values[name] = field(form, name).value;
  return values;
}

/** Set the setting fields of `form` to `values`. */
export function fillForm(form: HTMLFormElement, values: Readonly<Record<SettingField, string>>): void {
  for (const name of SETTING_FIELDS) field(form, name).value = values[name];
}

/** Set the setting fields named in `values`; the others keep theirs. */
export function fillFields(form: HTMLFormElement, values: Readonly<Partial<Record<SettingField, string>>>): void {
  for (const name of SETTING_FIELDS) {
    const value = values[name];
    if (value !== undefined) field(form, name).value = value;
  }
}

/** The input or select named `name`. */
export function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement {
  const element = form.elements.namedItem(name);
  if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) return element;
  throw new Error(`index.html: the settings form has no field named "${name}"`);
}
