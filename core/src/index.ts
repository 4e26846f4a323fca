/**
 * @signet/core — the domain and the PDF/crypto engine. No framework, database, Lark, Office or
 * node:fs here: the outside is reached through the ports in `ports/`.
 */
export * from './errors.js';
export * from './ports/index.js';
export * from './pdf/index.js';
export * from './pdf/acroform.js';
export * from './pdf/appearance.js';
export * from './pdf/image.js';
export * from './pdf/dss.js';
export * from './pdf/page-content.js';
export * from './font/index.js';
export {
  roundSeal, ovalSeal, squareSeal, dateStamp, personalSealText, formatStampDate, generateSeal, defaultSealFor, SEAL_TYPES, SEAL_RED,
  handwriting, normalizeStrokes, parseSvg, sealImage, isSvg, removeWhiteFills, sealFonts,
  drawingToSvg, drawingToPdf, drawingToXObject, drawingGraphic, drawingToPdfDocument,
  type Drawing, type DrawingPath, type Paint, type SealSpec, type SealType, type SealOwner, type SealStyle, type AgedOptions,
  type RoundSealOptions, type OvalSealOptions, type SquareSealOptions, type DateStampOptions, type HandwritingOptions,
  type StrokePoint, type StrokeInput, type ParseSvgOptions, type SealImageOptions, type SvgOptions, type SealFonts, type PdfDrawing,
} from './seal/index.js';
export {
  buildPadesSignedData, parseSignedData, verifySignerInfo, findSignerCertificate,
  type BuildPadesSignedDataOptions, type ParsedSignedData, type ParsedSignerInfo, type SignerVerification,
} from './cms/index.js';
export * from './tsa/index.js';
export * from './pki/index.js';
export * from './identity/index.js';
export * from './pades/index.js';
export * from './verify/index.js';
export * from './position/index.js';
export * from './template/index.js';
export * from './evidence/index.js';
export * from './directory/index.js';
export * from './workflow/index.js';
