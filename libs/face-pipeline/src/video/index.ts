export { VideoInputError, editVideo, parseTime, probeVideo, type ScheduledCommand, type VideoEditOptions, type VideoEditSummary, type VideoInfo } from './video-edit';
