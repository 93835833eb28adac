import Foundation

/// Runs what a Task state's Resource names; the engine hands it the resolved parameters and applies its result.
public protocol TaskExecutor: Sendable {
    /// Performs the task. Throw a `StatesError` to fail it with an error name and cause.
    func execute(_ request: TaskRequest) async throws -> TaskOutput
}

/// One attempt of a Task state, as the executor sees it.
public struct TaskRequest: Sendable {
    /// The Resource string exactly as the definition gives it.
    public var resource: String
    public var integration: TaskIntegration
    /// The resolved Parameters (JSONPath) or Arguments (JSONata); the effective input when neither is given.
    public var parameters: JSONValue
    public var stateName: String
    /// 0 for the first attempt, then 1, 2, ... for retries.
    public var retryCount: Int
    /// The task token for `.waitForTaskToken` resources (also in `$$.Task.Token`).
    public var taskToken: String?
    public var timeoutSeconds: Int?
    public var heartbeatSeconds: Int?
    public var credentials: JSONValue?
    /// The context object of the state (`$$`).
    public var context: JSONValue
    /// Call `beat()` while the task runs to keep HeartbeatSeconds from expiring (SendTaskHeartbeat).
    public var heartbeat: TaskHeartbeat
}

/// The heartbeats of one task attempt: each `beat()` restarts its HeartbeatSeconds.
public final class TaskHeartbeat: @unchecked Sendable {
    private let lock = NSLock()
    private let clock: any StatesClock
    private var times: [Date]

    public init(clock: any StatesClock) {
        self.clock = clock
        times = [clock.now()]
    }

    /// Records that the task is alive now.
    public func beat() {
        let now = clock.now()
        lock.withLock { times.append(now) }
    }

    /// When the task last showed it was alive (its start before any heartbeat).
    public var last: Date { lock.withLock { times.last! } }

    /// The longest time between the start, the heartbeats and `end`.
    func longestGap(until end: Date) -> Double {
        lock.withLock {
            var gap = 0.0
            var previous = times[0]
            for t in times.dropFirst() + [end] {
                gap = max(gap, t.timeIntervalSince(previous))
                previous = t
            }
            return gap
        }
    }
}

/// What an executor hands back.
public enum TaskOutput: Sendable {
    /// The service integration's response as Step Functions sees it (also what mocked responses give).
    case serviceResponse(JSONValue)
    /// A function handler's return value: the engine wraps it for `lambda:invoke` as Step Functions does,
    /// and passes it on as it is for a plain function ARN.
    case functionResult(JSONValue)
}

/// How a Resource string is integrated.
public struct TaskIntegration: Sendable, Hashable {
    /// The integration pattern of the resource.
    public enum Pattern: String, Sendable, Hashable {
        case requestResponse
        case sync
        case waitForTaskToken
    }

    /// The kind of resource, which decides the names of its history events.
    public enum Kind: String, Sendable, Hashable {
        /// `arn:aws:states:::lambda:invoke`, the optimised Lambda integration.
        case lambdaInvoke
        /// A plain function ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`).
        case lambdaFunction
        /// Another service integration `arn:aws:states:::SERVICE:ACTION`.
        case service
        /// An activity (`arn:aws:states:REGION:ACCOUNT:activity:NAME`).
        case activity
    }

    public var kind: Kind
    public var pattern: Pattern
    /// `lambda`, `sqs`, `sagemaker`, ... for service integrations.
    public var service: String
    /// `invoke`, `sendMessage`, `createTrainingJob`, ... for service integrations.
    public var action: String

    public init(resource: String) {
        var r = Substring(resource)
        pattern = .requestResponse
        if r.hasSuffix(".waitForTaskToken") {
            pattern = .waitForTaskToken
            r = r.dropLast(".waitForTaskToken".count)
        } else if r.hasSuffix(".sync:2") {
            pattern = .sync
            r = r.dropLast(".sync:2".count)
        } else if r.hasSuffix(".sync") {
            pattern = .sync
            r = r.dropLast(".sync".count)
        }
        let parts = r.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 7, parts[2] == "lambda", parts[5] == "function" {
            kind = .lambdaFunction
            service = "lambda"
            action = "invoke"
        } else if parts.count >= 7, parts[2] == "states", parts[5] == "activity" {
            kind = .activity
            service = "activity"
            action = String(parts[6])
        } else if parts.count >= 6, parts[2] == "states" {
            service = String(parts[5])
            action = parts.count > 6 ? String(parts[6]) : ""
            kind = service == "lambda" && action == "invoke" ? .lambdaInvoke : .service
        } else {
            kind = .service
            service = parts.count > 2 ? String(parts[2]) : String(r)
            action = parts.last.map(String.init) ?? ""
        }
    }

    /// The `resourceType` and `resource` of TaskScheduled events, e.g. `lambda` and `invoke`.
    var eventResourceType: String { kind == .activity ? "activity" : service }
    var eventResource: String {
        var a = action
        switch pattern {
        case .requestResponse: break
        case .sync: a += ".sync"
        case .waitForTaskToken: a += ".waitForTaskToken"
        }
        return a
    }

    /// Wraps a function's return value in the response of the optimised `lambda:invoke` integration.
    public static func lambdaInvokeResponse(payload: JSONValue, requestId: String) -> JSONValue {
        let headers: JSONValue = [
            "Connection": "keep-alive",
            "Content-Type": "application/json",
            "X-Amz-Executed-Version": "$LATEST",
            "x-amzn-Remapped-Content-Length": "0",
            "x-amzn-RequestId": .string(requestId),
        ]
        return [
            "ExecutedVersion": "$LATEST",
            "Payload": payload,
            "SdkHttpMetadata": [
                "AllHttpHeaders": .object(JSONObject(headers.objectValue!.map { ($0, JSONValue.array([$1])) })),
                "HttpHeaders": headers,
                "HttpStatusCode": 200,
            ],
            "SdkResponseMetadata": ["RequestId": .string(requestId)],
            "StatusCode": 200,
        ]
    }
}

/// An executor that fails every task with a clear error; the default when none is given.
public struct NoTaskExecutor: TaskExecutor {
    public init() {}
    public func execute(_ request: TaskRequest) async throws -> TaskOutput {
        throw StatesError(StatesError.Name.taskFailed, "No task executor is configured to run the resource '\(request.resource)' of the state '\(request.stateName)'.")
    }
}
