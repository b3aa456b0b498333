import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALERT_DESTINATIONS, CHANNEL_TYPES, isAlertDestination, openAlertChannel, type ChannelType } from '../../shared/alerts/channels/catalogue.js';
import { SettingsError } from '../../shared/config/settings.js';

const CHANNELS_DIR = fileURLToPath(new URL('../../shared/alerts/channels/', import.meta.url));
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:warden-alerts';

const isChannelType = (value: unknown): value is ChannelType =>
  typeof value === 'object' && value !== null && 'accepts' in value && 'open' in value && 'destination' in value;

describe('the alert channel catalogue', () => {
  it('registers every channel file in its folder, each exactly once', async () => {
    const files = (await readdir(CHANNELS_DIR)).filter((name) => name.endsWith('.ts') && name !== 'catalogue.ts');
    const exported: ChannelType[] = [];
    for (const file of files) {
      const module = (await import(`${CHANNELS_DIR}${file}`)) as Record<string, unknown>;
      const types = Object.values(module).filter(isChannelType);
      expect(types, `${file} exports one ChannelType`).toHaveLength(1);
      exported.push(...types);
    }
    expect(new Set(CHANNEL_TYPES)).toEqual(new Set(exported));
    expect(CHANNEL_TYPES).toHaveLength(new Set(CHANNEL_TYPES).size);
  });

  it('opens the SNS channel for a topic ARN', () => {
    const channel = openAlertChannel(TOPIC, { maxAttempts: 2 });
    try {
      expect(channel).toMatchObject({ name: 'SNS', destination: TOPIC });
    } finally {
      channel.close();
    }
  });

  it('refuses a destination no channel accepts, saying what would be', () => {
    expect(isAlertDestination('https://hooks.example.com/services/T0/B0')).toBe(false);
    expect(ALERT_DESTINATIONS).toBe('an SNS topic ARN');
    expect(() => openAlertChannel('warden-alerts')).toThrow(new SettingsError('alert destination must be an SNS topic ARN; got "warden-alerts"'));
  });
});
