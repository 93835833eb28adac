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
                                  credentials: fields.credentials, context: context)
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

    /// Calls the executor; TimeoutSeconds and HeartbeatSeconds end the attempt with States.Timeout / States.HeartbeatTimeout.
    func execute(_ request: TaskRequest, timeout: Int?, heartbeat: Int?) async throws(StatesError) -> TaskOutput {
        let executor = options.executor
        let clock = options.clock
        var limit: (Double, StatesError)? = nil
        if let timeout {
            limit = (Double(timeout), StatesError(StatesError.Name.timeout, "The task '\(request.stateName)' did not complete within \(timeout) seconds (TimeoutSeconds)."))
        }
        if let heartbeat, Double(heartbeat) < (limit?.0 ?? .infinity) {
            limit = (Double(heartbeat), StatesError(StatesError.Name.heartbeatTimeout, "The task '\(request.stateName)' sent no heartbeat within \(heartbeat) seconds (HeartbeatSeconds)."))
        }
        if let left = secondsLeft, left < (limit?.0 ?? .infinity) {
            limit = (max(0, left), StatesError(StatesError.Name.timeout, "The execution timed out."))
        }
        func convert(_ error: any Error) -> StatesError {
            if let e = error as? StatesError { return e }
            if error is CancellationError { return StatesError("States.Cancelled", "The task was cancelled.") }
            return StatesError(String(describing: type(of: error)), String(describing: error))
        }
        guard let (seconds, timeoutError) = limit else {
            do {
                return try await executor.execute(request)
            } catch {
                throw convert(error)
            }
        }
        if clock.isVirtual {
            let start = clock.now()
            let output: TaskOutput
            do {
                output = try await executor.execute(request)
            } catch {
                throw convert(error)
            }
            if clock.now().timeIntervalSince(start) > seconds {
                if timeoutError.cause == "The execution timed out." { markTimedOut() }
                throw timeoutError
            }
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
                do {
                    try await clock.sleep(seconds: seconds)
                } catch {
                    return nil
                }
                return .failure(timeoutError)
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
        case .failure(let e):
            if e == timeoutError, e.cause == "The execution timed out." { markTimedOut() }
            throw e
        }
    }
}
