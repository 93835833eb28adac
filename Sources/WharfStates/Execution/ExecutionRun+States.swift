import Foundation

/// What one pass through a state produced.
struct StateOutcome {
    var output: JSONValue
    var next: String?
    var assigned: JSONObject?
}

extension ExecutionRun {
    func scope(_ state: State, input: JSONValue, context: JSONValue, thread: ExecutionThread, enteredEventId: Int) -> PathScope {
        PathScope(input: input, context: context, variables: thread.variables, random: options.random, stateName: state.name,
                  now: options.clock.now(), enteredEventId: enteredEventId)
    }

    /// Enters a state, runs it with its Retriers and Catchers, and leaves it.
    func runState(_ state: State, input: JSONValue, thread: inout ExecutionThread) async throws(StatesError) -> (JSONValue, String?) {
        let entered = options.clock.now()
        let enteredId = history.record("\(state.typeName)StateEntered", after: thread.lastEventId, [
            "name": .string(state.name),
            "input": .string(input.serialized()),
            "inputDetails": ["truncated": false],
        ])
        if history.enabled { thread.lastEventId = enteredId }
        var retryCounts = [Int](repeating: 0, count: state.retry.count)
        var attempt = 0
        while true {
            do {
                let outcome = try await perform(state, input: input, entered: entered, enteredEventId: enteredId, attempt: attempt, thread: &thread)
                try checkSize(outcome.output, what: "the state '\(state.name)'", produced: "an output")
                leave(state, outcome, thread: &thread)
                return (outcome.output, outcome.next)
            } catch {
                if case .fail = state.kind { throw error }
                // A branch cancelled because another one failed, or a timed-out execution, is not retried or caught.
                if timedOut || Task.isCancelled { throw error }
                if let i = state.retry.firstIndex(where: { error.matches($0.errorEquals) }) {
                    let r = state.retry[i]
                    if retryCounts[i] < r.maxAttempts {
                        var delay = r.intervalSeconds * pow(r.backoffRate, Double(retryCounts[i]))
                        if let m = r.maxDelaySeconds { delay = min(delay, m) }
                        delay = min(delay, 99_999_999)
                        if r.jitterFull { delay = options.random.nextDouble() * delay }
                        retryCounts[i] += 1
                        attempt += 1
                        try await sleep(seconds: delay)
                        continue
                    }
                }
                guard let catcher = state.catchers.first(where: { error.matches($0.errorEquals) }) else { throw error }
                let outcome = try applyCatcher(catcher, state: state, error: error, input: input, entered: entered, enteredEventId: enteredId,
                                               thread: thread)
                leave(state, outcome, thread: &thread)
                return (outcome.output, outcome.next)
            }
        }
    }

    /// Fails with States.DataLimitExceeded when a payload is larger than the execution's payload limit.
    func checkSize(_ value: JSONValue, what: String, produced: String) throws(StatesError) {
        guard let limit = options.payloadLimit else { return }
        let size = value.serializedByteCount
        if size > limit {
            throw StatesError(StatesError.Name.dataLimitExceeded,
                "The \(what) produced \(produced) of \(size) bytes, which exceeds the maximum number of bytes service limit (\(limit)).")
        }
    }

    func leave(_ state: State, _ outcome: StateOutcome, thread: inout ExecutionThread) {
        if let assigned = outcome.assigned {
            for (k, v) in assigned { thread.variables[k] = v }
        }
        if case .fail = state.kind { return }
        let id = history.record("\(state.typeName)StateExited", after: thread.lastEventId, {
            var d: JSONObject = JSONObject([
                ("name", .string(state.name)),
                ("output", .string(outcome.output.serialized())),
                ("outputDetails", ["truncated": false]),
            ])
            if let assigned = outcome.assigned {
                d["assignedVariables"] = .object(JSONObject(assigned.map { ($0, JSONValue.string($1.serialized())) }))
            }
            return .object(d)
        }())
        if history.enabled { thread.lastEventId = id }
    }

    /// Sleeps on the execution's clock, never past the machine's timeout.
    func sleep(seconds: Double) async throws(StatesError) {
        var s = max(0, seconds)
        var hitsDeadline = false
        if let left = secondsLeft, left < s {
            s = max(0, left)
            hitsDeadline = true
        }
        do {
            try await options.clock.sleep(seconds: s)
        } catch {
            throw StatesError("States.Cancelled", "The execution was cancelled while waiting.")
        }
        if hitsDeadline { try checkDeadline() }
    }

    func applyCatcher(_ catcher: Catcher, state: State, error: StatesError, input: JSONValue, entered: Date, enteredEventId: Int,
                      thread: ExecutionThread) throws(StatesError) -> StateOutcome {
        var errorOutput = JSONObject()
        errorOutput["Error"] = .string(error.error)
        errorOutput["Cause"] = .string(error.cause ?? "")
        let errorValue = JSONValue.object(errorOutput)
        let context = self.context(stateName: state.name, enteredTime: entered, retryCount: 0, mapItem: thread.mapItem)
        if state.queryLanguage == .jsonPath {
            let s = scope(state, input: errorValue, context: context, thread: thread, enteredEventId: enteredEventId)
            let assigned = try catcher.assign.map { t throws(StatesError) in try t.value(in: s).objectValue ?? JSONObject() }
            let output = try applyResultPath(catcher.resultPath, input: input, result: errorValue, state: state)
            return StateOutcome(output: output, next: catcher.next, assigned: assigned)
        }
        var s = scope(state, input: input, context: context, thread: thread, enteredEventId: enteredEventId)
        s.errorOutput = errorValue
        let assigned = try catcher.assign.map { t throws(StatesError) in try t.value(in: s).objectValue ?? JSONObject() }
        let output = try catcher.output.map { t throws(StatesError) in try t.value(in: s) } ?? errorValue
        return StateOutcome(output: output, next: catcher.next, assigned: assigned)
    }

    // MARK: - JSONPath input and output processing

    func applyInputPath(_ field: PathField, _ input: JSONValue, scope: PathScope, name: String) throws(StatesError) -> JSONValue {
        switch field {
        case .identity: return input
        case .discard: return .emptyObject
        case .path(let p):
            var s = scope
            s.input = input
            return try s.require(p, field: name)
        }
    }

    func applyResultPath(_ rp: ResultPath, input: JSONValue, result: JSONValue, state: State) throws(StatesError) -> JSONValue {
        switch rp {
        case .replace: return result
        case .discard: return input
        case .path(let p):
            guard let merged = p.write(result, into: input) else {
                throw StatesError(StatesError.Name.resultPathMatchFailure,
                    "Unable to apply ReferencePath \(p.text) to input \(input.serialized())")
            }
            return merged
        }
    }

    /// ResultSelector, Assign, ResultPath and OutputPath (JSONPath) or Assign and Output (JSONata) on a state's result.
    func finish(_ state: State, rawInput: JSONValue, effectiveInput: JSONValue, result: JSONValue?, next: String?,
                scope base: PathScope, extraAssign: Template? = nil, outputOverride: Template? = nil) throws(StatesError) -> StateOutcome {
        var s = base
        if state.queryLanguage == .jsonPath {
            var selected = result
            if let result, let selector = state.resultSelector {
                s.input = result
                selected = try selector.value(in: s)
            }
            var assigned: JSONObject? = nil
            for t in [extraAssign, state.assign].compactMap({ $0 }) {
                s.input = selected ?? effectiveInput
                let values = try t.value(in: s).objectValue ?? JSONObject()
                if assigned == nil { assigned = JSONObject() }
                for (k, v) in values { assigned![k] = v }
            }
            let merged: JSONValue
            if let selected {
                merged = try applyResultPath(state.resultPath, input: rawInput, result: selected, state: state)
            } else {
                merged = effectiveInput
            }
            let output = try applyInputPath(state.outputPath, merged, scope: s, name: "OutputPath")
            return StateOutcome(output: output, next: next, assigned: assigned)
        }
        s.input = rawInput
        s.result = result
        var assigned: JSONObject? = nil
        for t in [extraAssign, state.assign].compactMap({ $0 }) {
            let values = try t.value(in: s).objectValue ?? JSONObject()
            if assigned == nil { assigned = JSONObject() }
            for (k, v) in values { assigned![k] = v }
        }
        let output: JSONValue
        if let template = outputOverride ?? state.output {
            output = try template.value(in: s)
        } else {
            output = result ?? rawInput
        }
        return StateOutcome(output: output, next: next, assigned: assigned)
    }

    // MARK: - the state types

    func perform(_ state: State, input: JSONValue, entered: Date, enteredEventId: Int, attempt: Int,
                 thread: inout ExecutionThread) async throws(StatesError) -> StateOutcome {
        let context = self.context(stateName: state.name, enteredTime: entered, retryCount: attempt, mapItem: thread.mapItem)
        var s = scope(state, input: input, context: context, thread: thread, enteredEventId: enteredEventId)
        let isJSONPath = state.queryLanguage == .jsonPath
        let effective = isJSONPath ? try applyInputPath(state.inputPath, input, scope: s, name: "InputPath") : input
        s.input = effective

        switch state.kind {
        case .pass(let result):
            if !isJSONPath { return try finish(state, rawInput: input, effectiveInput: input, result: nil, next: state.next, scope: s) }
            var value = effective
            if let result {
                value = result
            } else if let parameters = state.parameters {
                value = try parameters.value(in: s)
            }
            return try finish(state, rawInput: input, effectiveInput: effective, result: value, next: state.next, scope: s)

        case .task(let fields):
            let token = TaskIntegration(resource: fields.resource).pattern == .waitForTaskToken ? taskToken() : nil
            if let token {
                s.context = self.context(stateName: state.name, enteredTime: entered, retryCount: attempt, mapItem: thread.mapItem, token: token)
            }
            let payload: JSONValue
            if isJSONPath {
                payload = try state.parameters.map { t throws(StatesError) in try t.value(in: s) } ?? effective
            } else {
                payload = try state.arguments.map { t throws(StatesError) in try t.value(in: s) } ?? input
            }
            let timeout = try positiveSeconds(fields.timeoutSeconds, scope: s, field: "TimeoutSeconds", state: state)
            let heartbeat = try positiveSeconds(fields.heartbeatSeconds, scope: s, field: "HeartbeatSeconds", state: state)
            let result = try await runTask(state, fields, payload: payload, token: token, context: s.context,
                                           timeout: timeout, heartbeat: heartbeat, thread: &thread)
            return try finish(state, rawInput: input, effectiveInput: effective, result: result, next: state.next, scope: s)

        case .choice(let choices, let defaultNext):
            for choice in choices where try choice.rule.matches(in: s) {
                return try finish(state, rawInput: input, effectiveInput: effective, result: nil, next: choice.next, scope: s,
                                  extraAssign: choice.assign, outputOverride: choice.output)
            }
            guard let defaultNext else {
                throw StatesError(StatesError.Name.noChoiceMatched, "No Matches!")
            }
            return try finish(state, rawInput: input, effectiveInput: effective, result: nil, next: defaultNext, scope: s)

        case .wait(let duration):
            switch duration {
            case .seconds(let t):
                let v = try t.value(in: s)
                guard let n = v.intValue, v.isNumber, n >= 0 else {
                    throw StatesError(StatesError.Name.runtime,
                        "\(s.errorPrefix) The value for the field 'Seconds' must be a non-negative integer, got \(v.serialized())")
                }
                try await sleep(seconds: Double(n))
            case .timestamp(let t):
                let v = try t.value(in: s)
                guard case .string(let text) = v, let date = Timestamp.parse(text) else {
                    throw StatesError(StatesError.Name.runtime,
                        "\(s.errorPrefix) The value for the field 'Timestamp' must be a valid RFC3339 timestamp, got \(v.serialized())")
                }
                try await sleep(seconds: date.timeIntervalSince(options.clock.now()))
            }
            return try finish(state, rawInput: input, effectiveInput: effective, result: nil, next: state.next, scope: s)

        case .succeed:
            return try finish(state, rawInput: input, effectiveInput: effective, result: nil, next: nil, scope: s)

        case .fail(let errorT, let causeT):
            s.input = input
            func text(_ t: Template?, _ field: String) throws(StatesError) -> String? {
                guard let t, let v = try t.evaluate(in: s) else { return nil }
                guard case .string(let str) = v else {
                    throw StatesError(StatesError.Name.runtime,
                        "\(s.errorPrefix) The value for the field '\(field)' must be a string, got \(v.serialized())")
                }
                return str
            }
            let error = try text(errorT, "Error")
            let cause = try text(causeT, "Cause")
            throw StatesError(error ?? "", cause)

        case .parallel(let branches):
            let payload: JSONValue
            if isJSONPath {
                payload = try state.parameters.map { t throws(StatesError) in try t.value(in: s) } ?? effective
            } else {
                payload = try state.arguments.map { t throws(StatesError) in try t.value(in: s) } ?? input
            }
            let result = try await runParallel(state, branches, input: payload, thread: &thread)
            return try finish(state, rawInput: input, effectiveInput: effective, result: result, next: state.next, scope: s)

        case .map(let fields):
            let result = try await runMap(state, fields, effectiveInput: effective, rawInput: input, scope: s, thread: &thread)
            return try finish(state, rawInput: input, effectiveInput: effective, result: result, next: state.next, scope: s)
        }
    }

    func positiveSeconds(_ t: Template?, scope: PathScope, field: String, state: State) throws(StatesError) -> Int? {
        guard let t else { return nil }
        let v = try t.value(in: scope)
        guard let n = v.intValue, v.isNumber, n > 0 else {
            throw StatesError(StatesError.Name.runtime,
                "\(scope.errorPrefix) The value for the field '\(field)' must be a positive integer, got \(v.serialized())")
        }
        return n
    }
}
