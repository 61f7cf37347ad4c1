import { describe, expect, it } from 'vitest';
import { alarms, checkAlarmRule, EVERY_EXCEEDANCE } from './alarms.js';

const bits = (text: string): Uint8Array => Uint8Array.from(text, (c) => (c === '1' ? 1 : 0));
const text = (flags: Uint8Array): string => [...flags].join('');

describe('alarms from exceedances', () => {
  it('flags every exceedance with persistence 1 and no cooldown, as a copy', () => {
    const e = bits('0110010111');
    const out = alarms(e, EVERY_EXCEEDANCE);
    expect(text(out)).toBe('0110010111');
    expect(out).not.toBe(e);
  });

  it('needs `persistence` steps in a row, flagging the step that completes them', () => {
    expect(text(alarms(bits('0100110111011110'), { persistence: 2, cooldown: 0 }))).toBe('0000010011001110');
    expect(text(alarms(bits('0100110111011110'), { persistence: 3, cooldown: 0 }))).toBe('0000000001000110');
  });

  it('raises no new alarm for `cooldown` steps after one, then raises again', () => {
    // Alarms at 1 and 5: 2, 3 and 4 fall in the cooldown of 3 steps, 5 is past it.
    expect(text(alarms(bits('01111110'), { persistence: 1, cooldown: 3 }))).toBe('01000100');
    // A run of exceedances longer than the cooldown gives one alarm per cooldown + 1 steps.
    expect(text(alarms(bits('1111111111'), { persistence: 1, cooldown: 4 }))).toBe('1000010000');
  });

  it('combines both: an event gives one alarm once it has lasted `persistence` steps', () => {
    expect(text(alarms(bits('0101110001111111'), { persistence: 2, cooldown: 5 }))).toBe('0000100000100000');
  });

  it('refuses a persistence below 1 and a negative or fractional cooldown, naming the option', () => {
    expect(() => alarms(bits('01'), { persistence: 0, cooldown: 0 })).toThrow(/persistence 0 must be a whole number ≥ 1/);
    expect(() => checkAlarmRule({ persistence: 1.5, cooldown: 0 }, 'SeriesScorer options')).toThrow(
      /SeriesScorer options: persistence 1.5/,
    );
    expect(() => alarms(bits('01'), { persistence: 1, cooldown: -1 })).toThrow(/cooldown -1 must be a whole number of steps ≥ 0/);
    expect(() => alarms(bits('01'), { persistence: 1, cooldown: 0.5 })).toThrow(/cooldown 0.5/);
  });
});
