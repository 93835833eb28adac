import Foundation

extension ExecutionRun {
    /// Schedules one attempt of a Task with the executor, records its events and enforces its timeouts.
    func runTask(_ state: State, _ fields: TaskFields, payload: JSONValue, token: String?, context: JSONValue, timeout: Int?,
                 heartbeat: Int?, thread: inout ExecutionThread) async throws(StatesError) -> JSONValue {
        let integration = TaskIntegration(resource: fields.resource)
        let isFunction = integration.kind == .lambdaFunction
        let attempt = context["State"]?["RetryCount"]?.intValue ?? 0
        let resourceType = integration.eventResourceType
        let resource = integration.eventResource

        var scheduled = JSONObject()
        if isFunction {
            scheduled["resource"] = .string(fields.resource)
            scheduled["input"] = .string(payload.serialized())
            scheduled["inputDetails"] = ["truncated": false]
        } else {
            scheduled["resourceType"] = .string(resourceType)
            scheduled["resource"] = .string(resource)
            scheduled["region"] = .string(options.region)
            scheduled["parameters"] = .string(payload.serialized())
        }
        if let timeout { scheduled["timeoutInSeconds"] = .int(timeout) }
        if let heartbeat { scheduled["heartbeatInSeconds"] = .int(heartbeat) }
        var last = history.record(isFunction ? "LambdaFunctionScheduled" : "TaskScheduled", after: thread.lastEventId, .object(scheduled))
        last = history.record(isFunction ? "LambdaFunctionStarted" : "TaskStarted", after: last,
                              isFunction ? nil : ["resourceType": .string(resourceType), "resource": .string(resource)])
        if history.enabled { thread.lastEventId = last }

        let request = TaskRequest(resource: fields.resource, integration: integration, parameters: payload, stateName: state.name,
                                  retryCount: attempt, taskToken: token, timeoutSeconds: timeout, heartbeatSeconds: heartbeat,
                                  credentials: fields.credentials, context: context, heartbeat: TaskHeartbeat(clock: options.clock))
        do {
            let output = try await execute(request, timeout: timeout, heartbeat: heartbeat)
            let result: JSONValue
            switch output {
            case .serviceResponse(let v): result = v
            case .functionResult(let v):
                result = integration.kind == .lambdaInvoke && integration.pattern == .requestResponse
                    ? TaskIntegration.lambdaInvokeResponse(payload: v, requestId: options.random.uuid())
                    : v
            }
            try checkSize(result, what: "task of the state '\(state.name)'", produced: "a result")
            var d = JSONObject()
            if !isFunction {
                d["resourceType"] = .string(resourceType)
                d["resource"] = .string(resource)
            }
            d["output"] = .string(result.serialized())
            d["outputDetails"] = ["truncated": false]
            let id = history.record(isFunction ? "LambdaFunctionSucceeded" : "TaskSucceeded", after: thread.lastEventId, .object(d))
            if history.enabled { thread.lastEventId = id }
            return result
        } catch {
            let timedOutTask = error.error == StatesError.Name.timeout || error.error == StatesError.Name.heartbeatTimeout
            var d = JSONObject()
            if !isFunction {
                d["resourceType"] = .string(resourceType)
                d["resource"] = .string(resource)
            }
            d["error"] = .string(error.error)
            if let c = error.cause { d["cause"] = .string(c) }
            let type = (isFunction ? "LambdaFunction" : "Task") + (timedOutTask ? "TimedOut" : "Failed")
            let id = history.record(type, after: thread.lastEventId, .object(d))
            if history.enabled { thread.lastEventId = id }
            throw error
        }
    }

    func taskToken() -> String {
        let raw = options.random.uuid() + options.random.uuid()
        return Data(raw.utf8).base64EncodedString()
    }

    /// Calls the executor; TimeoutSeconds, HeartbeatSeconds (reset by `request.heartbeat.beat()`) and the machine's
    /// timeout end the attempt with States.Timeout / States.HeartbeatTimeout.
    func execute(_ request: TaskRequest, timeout: Int?, heartbeat: Int?) async throws(StatesError) -> TaskOutput {
        let executor = options.executor
        let clock = options.clock
        let start = clock.now()
        let taskDeadline = timeout.map { start.addingTimeInterval(Double($0)) }
        let machineDeadline = deadline
        let beats = request.heartbeat
        let timeoutError = StatesError(StatesError.Name.timeout,
            "The task '\(request.stateName)' did not complete within \(timeout ?? 0) seconds (TimeoutSeconds).")
        let heartbeatError = StatesError(StatesError.Name.heartbeatTimeout,
            "The task '\(request.stateName)' sent no heartbeat within \(heartbeat ?? 0) seconds (HeartbeatSeconds).")
        let executionError = StatesError(StatesError.Name.timeout, "The execution timed out.")
        func convert(_ error: any Error) -> StatesError {
            if let e = error as? StatesError { return e }
            if error is CancellationError { return StatesError("States.Cancelled", "The task was cancelled.") }
            return StatesError(String(describing: type(of: error)), String(describing: error))
        }
        /// The error that ends the attempt at `now`, if any, and how long until the next check otherwise.
        @Sendable func check(_ now: Date) -> (StatesError?, Double) {
            var next = Double.infinity
            if let d = machineDeadline {
                if now >= d { return (executionError, 0) }
                next = min(next, d.timeIntervalSince(now))
            }
            if let d = taskDeadline {
                if now >= d { return (timeoutError, 0) }
                next = min(next, d.timeIntervalSince(now))
            }
            if let heartbeat {
                let d = beats.last.addingTimeInterval(Double(heartbeat))
                if now >= d { return (heartbeatError, 0) }
                next = min(next, d.timeIntervalSince(now))
            }
            return (nil, next)
        }
        func fail(_ e: StatesError) -> StatesError {
            if e == executionError { markTimedOut() }
            return e
        }
        if taskDeadline == nil, heartbeat == nil, machineDeadline == nil {
            do {
                return try await executor.execute(request)
            } catch {
                throw convert(error)
            }
        }
        if clock.isVirtual {
            let output: TaskOutput
            do {
                output = try await executor.execute(request)
            } catch {
                throw convert(error)
            }
            let end = clock.now()
            if let d = machineDeadline, end > d { throw fail(executionError) }
            if let d = taskDeadline, end > d { throw timeoutError }
            if let heartbeat, beats.longestGap(until: end) > Double(heartbeat) { throw heartbeatError }
            return output
        }
        let raced: Result<TaskOutput, StatesError> = await withTaskGroup(of: Result<TaskOutput, StatesError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await executor.execute(request))
                } catch {
                    return .failure(convert(error))
                }
            }
            group.addTask {
                while true {
                    let (error, wait) = check(clock.now())
                    if let error { return .failure(error) }
                    do {
                        try await clock.sleep(seconds: min(wait, 3600))
                    } catch {
                        return nil
                    }
                }
            }
            var outcome: Result<TaskOutput, StatesError> = .failure(timeoutError)
            for await r in group {
                if let r {
                    outcome = r
                    break
                }
            }
            group.cancelAll()
            return outcome
        }
        switch raced {
        case .success(let o): return o
        case .failure(let e): throw fail(e)
        }
    }
}
