import Foundation

/// Where a job is in its life, in SageMaker's words (`TrainingJobStatus`).
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for a runner slot (SageMaker shows such a job as InProgress/Starting).
    case queued = "Queued"
    case inProgress = "InProgress"
    case stopping = "Stopping"
    case completed = "Completed"
    case failed = "Failed"
    case stopped = "Stopped"

    public var isTerminal: Bool { self == .completed || self == .failed || self == .stopped }
}

/// One job as the queue holds it: what to run (`spec`, the creating API's own JSON), its status and
/// secondary status, attempts, limits, and how its process ended.
public struct JobRecord: Sendable, Codable, Equatable {
    public var id: String
    /// `training`, `processing`, `transform`, `tuning`...: which service owns the job and how it is launched.
    public var kind: String
    public var name: String
    public var status: JobStatus
    /// SageMaker's `SecondaryStatus`: Starting, Downloading, Training, Uploading, Completed, Failed,
    /// Stopped, MaxRuntimeExceeded (or a kind's own steps).
    public var secondaryStatus: String
    public var spec: String
    public var createdAt: Int64
    public var startedAt: Int64?
    public var endedAt: Int64?
    public var attempts: Int
    public var maxAttempts: Int
    public var maxRuntimeSeconds: Int?
    public var stopRequested: Bool
    public var failureReason: String?
    public var exitCode: Int?
    public var exitSignal: Int?
    /// The runner that holds (or last held) the job.
    public var worker: String?
}

/// One status change, as `SecondaryStatusTransitions` lists them.
public struct JobTransition: Sendable, Codable, Equatable {
    public var status: JobStatus
    public var secondaryStatus: String
    public var message: String
    public var at: Int64
}

/// How a job's work ended, as the runner reports it to the queue.
public enum JobOutcome: Sendable, Equatable {
    case completed
    /// Failed with a reason a person can act on, and the process's exit code or signal when it had one.
    case failed(reason: String, secondaryStatus: String = "Failed", exitCode: Int? = nil, signal: Int? = nil)
    case stopped
}
