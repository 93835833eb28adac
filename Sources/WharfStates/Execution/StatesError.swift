import Foundation

/// A runtime error of a state machine: an error name (as matched by Retry/Catch `ErrorEquals`) and a cause.
public struct StatesError: Error, Sendable, Equatable, CustomStringConvertible {
    public var error: String
    public var cause: String?

    public init(_ error: String, _ cause: String? = nil) {
        self.error = error
        self.cause = cause
    }

    public var description: String { cause.map { "\(error): \($0)" } ?? error }

    /// Error names predefined by the Amazon States Language.
    public enum Name {
        public static let all = "States.ALL"
        public static let dataLimitExceeded = "States.DataLimitExceeded"
        public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
        public static let heartbeatTimeout = "States.HeartbeatTimeout"
        public static let intrinsicFailure = "States.IntrinsicFailure"
        public static let itemReaderFailed = "States.ItemReaderFailed"
        public static let noChoiceMatched = "States.NoChoiceMatched"
        public static let parameterPathFailure = "States.ParameterPathFailure"
        public static let permissions = "States.Permissions"
        public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
        public static let resultWriterFailed = "States.ResultWriterFailed"
        public static let runtime = "States.Runtime"
        public static let taskFailed = "States.TaskFailed"
        public static let timeout = "States.Timeout"
        public static let branchFailed = "States.BranchFailed"
        public static let queryEvaluationError = "States.QueryEvaluationError"
    }

    /// Errors that `States.ALL` and `States.TaskFailed` never match and Retry/Catch never handle.
    static let terminal: Set<String> = [Name.runtime, Name.dataLimitExceeded]

    /// Whether a Retrier's or Catcher's `ErrorEquals` list handles this error.
    func matches(_ errorEquals: [String]) -> Bool {
        if StatesError.terminal.contains(error) { return false }
        for name in errorEquals {
            if name == error { return true }
            if name == Name.all { return true }
            // The guide: States.TaskFailed matches any known error name except States.Timeout.
            if name == Name.taskFailed, error != Name.timeout { return true }
        }
        return false
    }
}
