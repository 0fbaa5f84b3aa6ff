import { describe, expect, it } from 'vitest';
import { isKeyringError, toErrorInfo } from './types';

describe('toErrorInfo', () => {
  it('keeps an ErrorInfo, including codes this build does not know', () => {
    expect(toErrorInfo({ code: 'keyring_locked', message: 'locked' })).toEqual({ code: 'keyring_locked', message: 'locked' });
    expect(toErrorInfo({ code: 'future_code', message: 'm', extra: 1 })).toEqual({ code: 'future_code', message: 'm' });
  });

  it('turns strings, Errors and anything else into internal errors', () => {
    expect(toErrorInfo('boom')).toEqual({ code: 'internal', message: 'boom' });
    expect(toErrorInfo(new Error('bad'))).toEqual({ code: 'internal', message: 'bad' });
    expect(toErrorInfo(42).code).toBe('internal');
  });

  it('knows keyring codes', () => {
    expect(isKeyringError({ code: 'keyring_no_bus', message: '' })).toBe(true);
    expect(isKeyringError({ code: 'not_found', message: '' })).toBe(false);
  });
});
