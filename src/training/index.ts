/**
 * Training: a session (loop, pause/resume/stop, seeding, truncated BPTT, clipping, schedules), the
 * NaN/Inf watchdog, checkpoints, batched telemetry, and the whole-graph gradient check.
 */
export { scheduledTeachers, TEACHER_RATIO, teacherRatios, type ScheduledTeacher } from './teacher';
export { createSession, type Session, type SessionEvent, type SessionOptions, type SessionResult, type SessionStatus, type TrainedParts } from './session';
export { resolveConfig, resolveTelemetry, type ConfigOverrides, type SessionConfig, type TelemetryOptions } from './config';
export { SessionError, type SessionErrorCode, type SessionErrorDetail } from './errors';
export { CheckpointSchema, CHECKPOINT_FORMAT, parseCheckpoint, type Checkpoint } from './checkpoint';
export { attentionRecords, edgeGradNorms, edgeValues, TelemetryBuffer, telemetryToJson, withAttention, ZERO_GRAD, zeroGradNodes, type AttentionRecord, type EdgeValue, type GradNormRecord, type Recording, type StepRow, type StepColumns, type TelemetryBatch, type TraceRecord } from './telemetry';
export { Watchdog, type Divergence, type DivergenceStage } from './watchdog';
export { metricSums, metricValues, type MetricSum } from './metrics';
export { batchLoss, OMEGA_METRIC, trainingPascanu, type Evaluation } from './trainer';
export { dataSource, type BindNames, type DataSource } from './data';
export { gradcheckGraph, randomFeed, type GraphCheckOptions, type GraphCheckReport, type ParamCheck } from './gradcheck-graph';
