import Foundation

extension ExecutionResult {
    /// The one-object summary `wharf states run --json` prints: status with output, or error and cause,
    /// plus the events as GetExecutionHistory gives them when `history` is true.
    public func report(includeHistory: Bool) -> JSONValue {
        var out = JSONObject()
        out["status"] = .string(status.rawValue)
        if status == .succeeded {
            out["output"] = output ?? .null
        } else {
            out["error"] = .string(error ?? "")
            out["cause"] = .string(cause ?? "")
        }
        if includeHistory { out["history"] = .array(history.map(\.json)) }
        return .object(out)
    }

    /// A readable timeline: offsets from the start, the states entered and left with their outputs,
    /// task failures and map iterations (every event and the state inputs when `full`), then the outcome.
    public func timeline(full: Bool) -> String {
        var lines: [String] = []
        let start = history.first?.timestamp ?? Date()
        for e in history {
            let offset = String(format: "%8.3fs", e.timestamp.timeIntervalSince(start))
            let name = e.details?["name"]?.stringValue ?? ""
            var line: String
            if e.type.hasSuffix("StateEntered") {
                line = "→ \(name) (\(e.type.dropLast("StateEntered".count)))"
                if full, let i = e.details?["input"]?.stringValue { line += "  input: \(i)" }
            } else if e.type.hasSuffix("StateExited") {
                line = "← \(name)"
                if let o = e.details?["output"]?.stringValue { line += "  output: \(o)" }
            } else if e.type.hasPrefix("Execution") {
                line = e.type
            } else {
                if !full, !e.type.hasSuffix("Failed"), !e.type.hasSuffix("TimedOut"), !e.type.hasPrefix("MapIteration") { continue }
                line = "  \(e.type)"
                if let err = e.details?["error"]?.stringValue { line += "  \(err)" }
                if let idx = e.details?["index"]?.intValue { line += " [\(idx)]" }
            }
            lines.append("\(offset)  \(line)")
        }
        switch status {
        case .succeeded:
            lines.append("SUCCEEDED")
            lines.append((output ?? .null).serialized(pretty: true))
        default:
            lines.append(status.rawValue)
            lines.append("error: \(error ?? "")")
            if let c = cause, !c.isEmpty { lines.append("cause: \(c)") }
        }
        return lines.joined(separator: "\n")
    }
}
