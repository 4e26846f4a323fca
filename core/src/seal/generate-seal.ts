/**
 * One entry point for every generated seal, chosen by `type`, and the default seal of a signer
 * (`signet sign --seal auto`): an organization gets a round 合同专用章 with its name, a person a
 * square personal seal.
 */
import { SignetError } from '../errors.js';
import type { Drawing } from './drawing.js';
import { roundSeal, type RoundSealOptions } from './round-seal.js';
import { ovalSeal, type OvalSealOptions } from './oval-seal.js';
import { personalSealText, squareSeal, type SquareSealOptions } from './square-seal.js';
import { dateStamp, type DateStampOptions } from './date-stamp.js';
import type { SealStyle } from './seal-style.js';

/** The seal shapes the generator draws. */
export const SEAL_TYPES = ['round', 'oval', 'square', 'date'] as const;

/** A seal shape. */
export type SealType = (typeof SEAL_TYPES)[number];

/** What to generate: a shape and its options. */
export type SealSpec =
  | ({ type: 'round' } & RoundSealOptions)
  | ({ type: 'oval' } & OvalSealOptions)
  | ({ type: 'square' } & SquareSealOptions)
  | ({ type: 'date' } & DateStampOptions);

/** Generates a seal. Throws INVALID_ARGUMENT for an unknown type and SEAL_TEXT_TOO_LONG when a text does not fit. */
export function generateSeal(spec: SealSpec): Drawing {
  switch (spec.type) {
    case 'round': return roundSeal(spec);
    case 'oval': return ovalSeal(spec);
    case 'square': return squareSeal(spec);
    case 'date': return dateStamp(spec);
    default:
      throw new SignetError('INVALID_ARGUMENT', `Unknown seal type "${(spec as { type: unknown }).type}"; use ${SEAL_TYPES.join(', ')} (or handwriting)`);
  }
}

/** The signer a default seal is made for. */
export interface SealOwner {
  kind: 'person' | 'organization';
  /** The person's or the organization's name. */
  name: string;
}

/**
 * The default seal of a signer: an organization gets a 42 mm round seal with its name and
 * 合同专用章 (contract seal), a person an 18 mm square seal such as 张三之印.
 */
export function defaultSealFor(owner: SealOwner, style: SealStyle): Drawing {
  if (owner.kind === 'organization') return roundSeal({ ...style, name: owner.name, sealType: '合同专用章' });
  return squareSeal({ ...style, text: personalSealText(owner.name) });
}
