import Foundation

extension ExecutionRun {
    /// Reads a distributed Map's items through the task executor and splits them per the ReaderConfig.
    func readItems(_ reader: ItemReader, state: State, scope: PathScope) async throws(StatesError) -> [JSONValue] {
        func failed(_ why: String) -> StatesError {
            StatesError(StatesError.Name.itemReaderFailed, "The ItemReader of the Map state '\(state.name)' failed: \(why)")
        }
        let parameters = try reader.parameters.map { t throws(StatesError) in try t.value(in: scope) } ?? .emptyObject
        let request = TaskRequest(resource: reader.resource, integration: TaskIntegration(resource: reader.resource), parameters: parameters,
                                  stateName: state.name, retryCount: 0, taskToken: nil, timeoutSeconds: nil, heartbeatSeconds: nil,
                                  credentials: nil, context: scope.context, heartbeat: TaskHeartbeat(clock: options.clock))
        let response: JSONValue
        do {
            switch try await options.executor.execute(request) {
            case .serviceResponse(let v), .functionResult(let v): response = v
            }
        } catch let e as StatesError {
            throw failed("\(e.error): \(e.cause ?? "")")
        } catch {
            throw failed(String(describing: error))
        }
        var items: [JSONValue]
        if let type = reader.inputType {
            let body: String
            switch response {
            case .string(let s): body = s
            case .object(let o) where o["Body"]?.stringValue != nil: body = o["Body"]!.stringValue!
            case .array(let a) where type == .json || type == .manifest: body = JSONValue.array(a).serialized()
            default: throw failed("expected the object's content as a string (or {\"Body\": ...}), got \(response.typeName)")
            }
            items = try split(body, type: type, reader: reader, failed: failed)
        } else if case .array(let a) = response {
            items = a
        } else if case .array(let a)? = response["Contents"] {
            items = a
        } else {
            throw failed("expected a listing with \"Contents\" or an array of items, got \(response.typeName)")
        }
        if let t = reader.maxItems {
            let v = try t.value(in: scope)
            guard let n = v.intValue, n >= 0 else { throw failed("MaxItems must be a non-negative integer, got \(v.serialized())") }
            if n > 0, items.count > n { items = Array(items.prefix(n)) }
        }
        return items
    }

    private func split(_ body: String, type: ItemReader.InputType, reader: ItemReader,
                       failed: (String) -> StatesError) throws(StatesError) -> [JSONValue] {
        switch type {
        case .json, .manifest:
            let v: JSONValue
            do {
                v = try JSONValue(parsing: body)
            } catch {
                throw failed("the object is not valid JSON (\(error.description))")
            }
            guard case .array(let a) = v else { throw failed("a JSON object read as items must hold an array, got \(v.typeName)") }
            return a
        case .jsonl:
            var out: [JSONValue] = []
            for (i, line) in body.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                do {
                    out.append(try JSONValue(parsing: trimmed))
                } catch {
                    throw failed("line \(i + 1) is not valid JSON (\(error.message))")
                }
            }
            return out
        case .csv:
            var rows = CSVRows.parse(body, delimiter: reader.csvDelimiter)
            let headers: [String]
            if let given = reader.csvHeaders {
                headers = given
            } else {
                guard !rows.isEmpty else { return [] }
                headers = rows.removeFirst()
            }
            var out: [JSONValue] = []
            out.reserveCapacity(rows.count)
            for (i, row) in rows.enumerated() {
                guard row.count == headers.count else {
                    throw failed("CSV row \(i + 1) has \(row.count) fields, the header has \(headers.count)")
                }
                out.append(.object(JSONObject(zip(headers, row.map { JSONValue.string($0) }).map { ($0, $1) })))
            }
            return out
        }
    }

    /// Groups iteration inputs into `{"BatchInput": ..., "Items": [...]}` objects.
    func batch(_ inputs: [JSONValue], _ batcher: ItemBatcher, scope: PathScope, state: State) throws(StatesError) -> [JSONValue] {
        func limit(_ t: Template?, _ field: String) throws(StatesError) -> Int? {
            guard let t else { return nil }
            let v = try t.value(in: scope)
            guard let n = v.intValue, n >= 1 else {
                throw StatesError(StatesError.Name.runtime,
                    "\(scope.errorPrefix) The value for the field '\(field)' must be a positive integer, got \(v.serialized())")
            }
            return n
        }
        let maxItems = try limit(batcher.maxItemsPerBatch, "MaxItemsPerBatch") ?? Int.max
        let maxBytes = try limit(batcher.maxInputBytesPerBatch, "MaxInputBytesPerBatch") ?? Int.max
        let batchInput = try batcher.batchInput.map { t throws(StatesError) in try t.value(in: scope) }
        var batches: [JSONValue] = []
        var current: [JSONValue] = []
        var bytes = 0
        func flush() {
            guard !current.isEmpty else { return }
            var o = JSONObject()
            if let batchInput { o["BatchInput"] = batchInput }
            o["Items"] = .array(current)
            batches.append(.object(o))
            current = []
            bytes = 0
        }
        for item in inputs {
            let size = item.serialized().utf8.count
            if !current.isEmpty, current.count >= maxItems || bytes + size > maxBytes { flush() }
            current.append(item)
            bytes += size
        }
        flush()
        return batches
    }
}

/// A small RFC 4180 CSV splitter for ItemReader objects: quoted fields, doubled quotes, CRLF.
enum CSVRows {
    static func parse(_ text: String, delimiter: Character) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending {
                pending = nil
                return p
            }
            return chars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case delimiter:
                row.append(field)
                field = ""
            case "\n", "\r\n":
                row.append(field)
                field = ""
                rows.append(row)
                row = []
            case "\r": continue
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
