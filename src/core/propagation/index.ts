export {
  FINDING_CODES,
  FINDING_KINDS,
  type BlameRefiner,
  type EvidenceRole,
  type Finding,
  type FindingEvidence,
  type FindingKind,
} from './findingTypes';
export { PropagationDetector, type FindingsEvent, type PropagationCounters, type PropagationDetectorOptions } from './propagationDetector';
export { HEALTHY_TO_CLEAR } from './findingBook';
export { OverloadNotices } from './overloadNotices';
export { whyItMatters } from './findingTexts';
export { GoBlameRefiner, type GoSourceFiles } from './goBlameRefiner';
