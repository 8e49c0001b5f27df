export { Captioner, CAPTIONER_KIND, DEFAULT_CAPTIONER_CONFIG, validateCaptionerConfig } from './captioner';
export type { Caption, CaptionerConfig, CaptionerStage, DecodeOptions } from './captioner';
export { captionIds, padCaptionIds } from './caption-ids';
export { CAPTION_STYLES, languageOf, styleIndex } from './caption-style';
export type { CaptionStyle } from './caption-style';
