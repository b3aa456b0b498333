import { SettingsError } from '../../config/settings.js';
import type { AlertChannel } from '../channel.js';
import { sns } from './sns.js';

export interface ChannelOptions {
  /** Delivery attempts, the first included (the channel's client backs off between them). */
  readonly maxAttempts?: number;
}

/** One kind of alert channel: which destinations are its, and how to open one. */
export interface ChannelType {
  /** What its destinations look like, for messages: "an SNS topic ARN". */
  readonly destination: string;
  accepts(destination: string): boolean;
  open(destination: string, options: ChannelOptions): AlertChannel;
}

/**
 * Every alert channel, explicitly (no directory scan: it would break under the bundler). A new one
 * is a file in this folder exporting its ChannelType, and a line here.
 */
export const CHANNEL_TYPES: readonly ChannelType[] = [sns];

/** "an SNS topic ARN": every accepted form, for messages that name a wrong setting or option. */
export const ALERT_DESTINATIONS = CHANNEL_TYPES.map((type) => type.destination).join(' or ');

export function isAlertDestination(destination: string): boolean {
  return CHANNEL_TYPES.some((type) => type.accepts(destination));
}

/** The channel a destination names: where iam-warden chooses how alerts travel, for the Lambdas and the CLI alike. */
export function openAlertChannel(destination: string, options: ChannelOptions = {}): AlertChannel {
  const type = CHANNEL_TYPES.find((candidate) => candidate.accepts(destination));
  if (type === undefined) throw new SettingsError(`alert destination must be ${ALERT_DESTINATIONS}; got "${destination}"`);
  return type.open(destination, options);
}
