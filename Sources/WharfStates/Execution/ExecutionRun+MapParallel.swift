import Foundation

extension ExecutionRun {
    /// Runs sub-machines concurrently (at most `limit` at once, 0 for no limit) and returns each one's outcome in order.
    /// With `stopOnFailure`, the first failure cancels the ones still running.
    func runConcurrently(count: Int, limit: Int, stopOnFailure: Bool,
                         _ body: @escaping @Sendable (Int) async -> Result<JSONValue, StatesError>) async -> [Result<JSONValue, StatesError>?] {
        var results = [Result<JSONValue, StatesError>?](repeating: nil, count: count)
        guard count > 0 else { return results }
        let width = limit <= 0 ? count : min(limit, count)
        await withTaskGroup(of: (Int, Result<JSONValue, StatesError>).self) { group in
            var nextIndex = 0
            for _ in 0..<width {
                let i = nextIndex
                group.addTask { (i, await body(i)) }
                nextIndex += 1
            }
            while let (i, r) = await group.next() {
                results[i] = r
                if stopOnFailure, case .failure = r {
                    group.cancelAll()
                    break
                }
                if nextIndex < count {
                    let j = nextIndex
                    group.addTask { (j, await body(j)) }
                    nextIndex += 1
                }
            }
            for await _ in group {}
        }
        return results
    }

    func runParallel(_ state: State, _ branches: [StateMachine], input: JSONValue, thread: inout ExecutionThread) async throws(StatesError) -> JSONValue {
        let startedId = history.record("ParallelStateStarted", after: thread.lastEventId, nil)
        if history.enabled { thread.lastEventId = startedId }
        let parent = thread
        let results = await runConcurrently(count: branches.count, limit: 0, stopOnFailure: true) { i in
            var child = ExecutionThread(lastEventId: parent.lastEventId, variables: parent.variables, mapItem: nil)
            do throws(StatesError) {
                return .success(try await self.runMachine(branches[i], input: input, thread: &child))
            } catch {
                return .failure(error)
            }
        }
        var outputs: [JSONValue] = []
        for r in results {
            switch r {
            case .success(let v)?: outputs.append(v)
            case .failure(let e)?:
                let id = history.record("ParallelStateFailed", after: thread.lastEventId, ["error": .string(e.error), "cause": .string(e.cause ?? "")])
                if history.enabled { thread.lastEventId = id }
                throw e
            case nil: break
            }
        }
        let id = history.record("ParallelStateSucceeded", after: thread.lastEventId, nil)
        if history.enabled { thread.lastEventId = id }
        return .array(outputs)
    }

    func runMap(_ state: State, _ fields: MapFields, effectiveInput: JSONValue, rawInput: JSONValue, scope s: PathScope,
                thread: inout ExecutionThread) async throws(StatesError) -> JSONValue {
        let itemsValue: JSONValue
        var scope = s
        if let reader = fields.itemReader {
            scope.input = state.queryLanguage == .jsonPath ? effectiveInput : rawInput
            itemsValue = .array(try await readItems(reader, state: state, scope: scope))
        } else if state.queryLanguage == .jsonPath {
            if let p = fields.itemsPath {
                scope.input = effectiveInput
                itemsValue = try scope.require(p, field: "ItemsPath")
            } else {
                itemsValue = effectiveInput
            }
        } else {
            scope.input = rawInput
            itemsValue = try fields.items.map { t throws(StatesError) in try t.value(in: scope) } ?? rawInput
        }
        guard case .array(let items) = itemsValue else {
            let field = state.queryLanguage == .jsonPath ? "ItemsPath" : "Items"
            throw StatesError(StatesError.Name.runtime,
                "\(scope.errorPrefix) The \(field) field must select an array, but it selected \(itemsValue.typeName) \(itemsValue.serialized())")
        }
        func count(_ t: Template?, _ field: String) throws(StatesError) -> Double? {
            guard let t else { return nil }
            let v = try t.value(in: scope)
            guard let d = v.doubleValue, d >= 0 else {
                throw StatesError(StatesError.Name.runtime,
                    "\(scope.errorPrefix) The value for the field '\(field)' must be a non-negative number, got \(v.serialized())")
            }
            return d
        }
        scope.input = state.queryLanguage == .jsonPath ? effectiveInput : rawInput
        let maxConcurrency = JSONValue.clampedInt(try count(fields.maxConcurrency, "MaxConcurrency") ?? 0)
        let toleratedCount = try count(fields.toleratedFailureCount, "ToleratedFailureCount")
        let toleratedPercentage = try count(fields.toleratedFailurePercentage, "ToleratedFailurePercentage")
        let tolerant = toleratedCount != nil || toleratedPercentage != nil

        // Each iteration's input: the item, or the ItemSelector evaluated with $$.Map.Item.
        var inputs: [JSONValue] = []
        inputs.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let mapItem: JSONValue = ["Index": .int(i), "Value": item]
            guard let selector = fields.itemSelector else {
                inputs.append(item)
                continue
            }
            var itemScope = scope
            itemScope.context = context(stateName: state.name, enteredTime: options.clock.now(), retryCount: 0, mapItem: mapItem)
            inputs.append(try selector.value(in: itemScope))
        }

        if let batcher = fields.itemBatcher {
            inputs = try batch(inputs, batcher, scope: scope, state: state)
        }

        let startedId = history.record("MapStateStarted", after: thread.lastEventId, ["length": .int(inputs.count)])
        if history.enabled { thread.lastEventId = startedId }
        let parent = thread
        let iterationInputs = inputs
        let distributed = fields.distributed
        let processor = fields.processor
        let history = self.history
        let mapName = state.name
        let results = await runConcurrently(count: inputs.count, limit: maxConcurrency, stopOnFailure: !tolerant) { i in
            var child = ExecutionThread(lastEventId: parent.lastEventId, variables: distributed ? Variables() : parent.variables, mapItem: nil)
            let started = history.record("MapIterationStarted", after: parent.lastEventId, ["name": .string(mapName), "index": .int(i)])
            if history.enabled { child.lastEventId = started }
            do throws(StatesError) {
                let out = try await self.runMachine(processor, input: iterationInputs[i], thread: &child)
                history.record("MapIterationSucceeded", after: child.lastEventId, ["name": .string(mapName), "index": .int(i)])
                return .success(out)
            } catch {
                history.record("MapIterationFailed", after: child.lastEventId, ["name": .string(mapName), "index": .int(i)])
                return .failure(error)
            }
        }
        var outputs: [JSONValue] = []
        outputs.reserveCapacity(inputs.count)
        var failures = 0
        var firstFailure: StatesError? = nil
        for r in results {
            switch r {
            case .success(let v)?: outputs.append(v)
            case .failure(let e)?:
                failures += 1
                if firstFailure == nil { firstFailure = e }
                outputs.append(["Error": .string(e.error), "Cause": .string(e.cause ?? "")])
            case nil: break
            }
        }
        if let failure = firstFailure {
            var exceeded = !tolerant
            if tolerant {
                if let c = toleratedCount, Double(failures) > c { exceeded = true }
                if let p = toleratedPercentage, Double(failures) * 100 / Double(max(1, inputs.count)) > p { exceeded = true }
                if toleratedCount == nil, toleratedPercentage == nil { exceeded = true }
            }
            if exceeded {
                let error = tolerant
                    ? StatesError(StatesError.Name.exceedToleratedFailureThreshold, "The specified tolerated failure threshold was exceeded")
                    : failure
                let id = history.record("MapStateFailed", after: thread.lastEventId, nil)
                if history.enabled { thread.lastEventId = id }
                throw error
            }
        }
        let id = history.record("MapStateSucceeded", after: thread.lastEventId, nil)
        if history.enabled { thread.lastEventId = id }
        return .array(outputs)
    }
}
