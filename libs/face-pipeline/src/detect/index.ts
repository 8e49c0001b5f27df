export { FACE_API_CALIBRATION, FaceTracker, alignmentFromFix, loadFaceApi } from './tracker';
export type { DetectedFace, FaceFix, TrackerOptions } from './tracker';
export { DEFAULT_DESCRIPTOR_CROP, DESCRIPTOR_INPUT, FaceDescriptor, descriptorDistance } from './descriptor';
export type { DescriptorOptions } from './descriptor';
export { enlargeForDetection, type Enlarged } from './enlarge';
