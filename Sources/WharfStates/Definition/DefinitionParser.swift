import Foundation

/// Builds the model of a definition and collects every problem with its location; it never stops at the first one.
struct DefinitionParser {
    var problems: [DefinitionProblem] = []

    mutating func add(_ location: String, _ message: String) {
        problems.append(DefinitionProblem(location: location, message: message))
    }

    static func at(_ base: String, _ field: String) -> String { base.isEmpty ? field : "\(base).\(field)" }

    static let machineFields: Set<String> = ["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"]
    static let branchFields: Set<String> = ["Comment", "StartAt", "States", "QueryLanguage"]
    static let processorFields: Set<String> = ["Comment", "StartAt", "States", "ProcessorConfig", "QueryLanguage"]

    enum MachineRole { case topLevel, branch, processor }

    mutating func parseMachine(_ json: JSONValue, location: String, inheritedLanguage: QueryLanguage, topLevel: Bool) -> StateMachine? {
        parseMachine(json, location: location, inheritedLanguage: inheritedLanguage, role: topLevel ? .topLevel : .branch)
    }

    mutating func parseMachine(_ json: JSONValue, location: String, inheritedLanguage: QueryLanguage, role: MachineRole) -> StateMachine? {
        guard case .object(let o) = json else {
            add(location, "a state machine must be a JSON object, got \(json.typeName)")
            return nil
        }
        let allowed: Set<String>
        switch role {
        case .topLevel: allowed = Self.machineFields
        case .branch: allowed = Self.branchFields
        case .processor: allowed = Self.processorFields
        }
        for k in o.keys where !allowed.contains(k) {
            add(Self.at(location, k), "unknown field \"\(k)\"")
        }
        var language = inheritedLanguage
        if let ql = o["QueryLanguage"] {
            if case .string(let s) = ql, let l = QueryLanguage(rawValue: s) {
                if inheritedLanguage == .jsonata, l == .jsonPath {
                    add(Self.at(location, "QueryLanguage"), "cannot switch back to JSONPath inside a JSONata scope")
                }
                language = l
            } else {
                add(Self.at(location, "QueryLanguage"), "must be \"JSONPath\" or \"JSONata\"")
            }
        }
        var timeout: Int? = nil
        if let t = o["TimeoutSeconds"] {
            if let i = t.intValue, t.isNumber, i > 0 { timeout = i } else { add(Self.at(location, "TimeoutSeconds"), "must be a positive integer") }
        }
        var version: String? = nil
        if let v = o["Version"] {
            if case .string(let s) = v { version = s } else { add(Self.at(location, "Version"), "must be a string") }
        }
        var comment: String? = nil
        if let c = o["Comment"] {
            if case .string(let s) = c { comment = s } else { add(Self.at(location, "Comment"), "must be a string") }
        }
        if role == .processor, let pc = o["ProcessorConfig"] {
            if case .object(let cfg) = pc {
                if let mode = cfg["Mode"], mode != "INLINE", mode != "DISTRIBUTED" {
                    add(Self.at(location, "ProcessorConfig.Mode"), "must be \"INLINE\" or \"DISTRIBUTED\"")
                }
            } else {
                add(Self.at(location, "ProcessorConfig"), "must be an object")
            }
        }
        var startAt = ""
        switch o["StartAt"] {
        case .string(let s)?: startAt = s
        case nil: add(location, "missing required field \"StartAt\"")
        default: add(Self.at(location, "StartAt"), "must be a string")
        }
        var states: [String: State] = [:]
        var names: [String] = []
        switch o["States"] {
        case .object(let so)?:
            if so.isEmpty { add(Self.at(location, "States"), "must contain at least one state") }
            for (name, sv) in so {
                let loc = Self.at(location, "States.\(name)")
                if name.isEmpty || name.count > 80 {
                    add(loc, "a state name must be 1 to 80 characters long")
                }
                names.append(name)
                if let st = parseState(name: name, sv, location: loc, language: language) { states[name] = st }
            }
        case nil: add(location, "missing required field \"States\"")
        default: add(Self.at(location, "States"), "must be an object")
        }
        if !startAt.isEmpty, !names.isEmpty, !names.contains(startAt) {
            add(Self.at(location, "StartAt"), "no state named \"\(startAt)\"")
        }
        checkTransitions(states, names: names, startAt: startAt, location: location)
        return StateMachine(comment: comment, startAt: startAt, states: states, stateNames: names, timeoutSeconds: timeout,
                            queryLanguage: language, version: version)
    }

    /// Every transition names a state here, every state is reachable and some state ends the machine.
    mutating func checkTransitions(_ states: [String: State], names: [String], startAt: String, location: String) {
        let known = Set(names)
        var edges: [String: [String]] = [:]
        var anyTerminal = false
        for name in names {
            guard let st = states[name] else { continue }
            let loc = Self.at(location, "States.\(name)")
            var targets: [(String, String)] = []
            if let n = st.next { targets.append((n, "Next")) }
            switch st.kind {
            case .choice(let choices, let def):
                for (i, c) in choices.enumerated() { targets.append((c.next, "Choices[\(i)].Next")) }
                if let def { targets.append((def, "Default")) }
            case .succeed, .fail:
                anyTerminal = true
            default:
                if st.next == nil { anyTerminal = true }
            }
            for (i, c) in st.catchers.enumerated() { targets.append((c.next, "Catch[\(i)].Next")) }
            for (t, field) in targets where !known.contains(t) {
                add("\(loc).\(field)", "no state named \"\(t)\"")
            }
            edges[name] = targets.map(\.0)
        }
        guard known.contains(startAt) else { return }
        if !anyTerminal, !names.isEmpty {
            add(location.isEmpty ? "States" : Self.at(location, "States"), "no terminal state: at least one state must have \"End\": true or be a Succeed or Fail state")
        }
        var seen: Set<String> = [startAt]
        var stack = [startAt]
        while let s = stack.popLast() {
            for t in edges[s] ?? [] where known.contains(t) && !seen.contains(t) {
                seen.insert(t)
                stack.append(t)
            }
        }
        for name in names where !seen.contains(name) {
            add(Self.at(location, "States.\(name)"), "state \"\(name)\" is unreachable from StartAt")
        }
    }

    // MARK: - fields allowed per type and query language

    static let jsonPathFields: [String: Set<String>] = [
        "Pass": ["Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign"],
        "Task": ["Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch",
                 "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign"],
        "Choice": ["InputPath", "OutputPath", "Choices", "Default", "Assign"],
        "Wait": ["Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign"],
        "Succeed": ["InputPath", "OutputPath"],
        "Fail": ["Error", "ErrorPath", "Cause", "CausePath"],
        "Parallel": ["Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Branches", "Assign"],
        "Map": ["Next", "End", "InputPath", "OutputPath", "Parameters", "ItemSelector", "ResultSelector", "ResultPath", "Retry", "Catch",
                "Iterator", "ItemProcessor", "ItemsPath", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount",
                "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ItemReader", "ItemBatcher",
                "ResultWriter", "Label", "Assign"],
    ]

    static let jsonataFields: [String: Set<String>] = [
        "Pass": ["Next", "End", "Output", "Assign"],
        "Task": ["Next", "End", "Arguments", "Output", "Assign", "Retry", "Catch", "Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials"],
        "Choice": ["Choices", "Default", "Output", "Assign"],
        "Wait": ["Next", "End", "Seconds", "Timestamp", "Output", "Assign"],
        "Succeed": ["Output"],
        "Fail": ["Error", "Cause"],
        "Parallel": ["Next", "End", "Arguments", "Output", "Assign", "Retry", "Catch", "Branches"],
        "Map": ["Next", "End", "Items", "ItemSelector", "ItemProcessor", "Output", "Assign", "Retry", "Catch", "MaxConcurrency",
                "ToleratedFailureCount", "ToleratedFailurePercentage", "ItemReader", "ItemBatcher", "ResultWriter", "Label"],
    ]

    // MARK: - states

    mutating func parseState(name: String, _ json: JSONValue, location: String, language inherited: QueryLanguage) -> State? {
        guard case .object(let o) = json else {
            add(location, "a state must be a JSON object, got \(json.typeName)")
            return nil
        }
        guard let typeValue = o["Type"] else {
            add(location, "missing required field \"Type\"")
            return nil
        }
        guard case .string(let type) = typeValue, let jsonPathAllowed = Self.jsonPathFields[type] else {
            add(Self.at(location, "Type"), "unknown state type \(typeValue.serialized()); expected one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map")
            return nil
        }
        var language = inherited
        if let ql = o["QueryLanguage"] {
            if case .string(let s) = ql, let l = QueryLanguage(rawValue: s) {
                if inherited == .jsonata, l == .jsonPath {
                    add(Self.at(location, "QueryLanguage"), "a state cannot use JSONPath when the state machine uses JSONata")
                }
                language = l
            } else {
                add(Self.at(location, "QueryLanguage"), "must be \"JSONPath\" or \"JSONata\"")
            }
        }
        let allowed = (language == .jsonPath ? jsonPathAllowed : Self.jsonataFields[type]!).union(["Type", "Comment", "QueryLanguage"])
        for k in o.keys where !allowed.contains(k) {
            let other = language == .jsonPath ? Self.jsonataFields[type]! : jsonPathAllowed
            if other.contains(k) {
                add(Self.at(location, k), "field \"\(k)\" is not allowed in a \(type) state using \(language.rawValue)")
            } else {
                add(Self.at(location, k), "field \"\(k)\" is not allowed in a \(type) state")
            }
        }
        var state = State(name: name, kind: .succeed, queryLanguage: language)
        if case .string(let c)? = o["Comment"] { state.comment = c }

        // Next / End
        let hasNextOrEnd = ["Pass", "Task", "Wait", "Parallel", "Map"].contains(type)
        if hasNextOrEnd {
            let next = o["Next"]
            let end = o["End"]
            switch (next, end) {
            case (.string(let n)?, nil): state.next = n
            case (.string(let n)?, .bool(false)?): state.next = n
            case (nil, .bool(true)?): state.next = nil
            case (_?, .bool(true)?): add(location, "a state cannot have both \"Next\" and \"End\": true")
            case (nil, nil), (nil, .bool(false)?): add(location, "a \(type) state needs \"Next\" or \"End\": true")
            default:
                if let next, next.stringValue == nil { add(Self.at(location, "Next"), "must be a string") }
                if let end, end.boolValue == nil { add(Self.at(location, "End"), "must be a boolean") }
            }
        }

        if language == .jsonPath {
            state.inputPath = parsePathField(o["InputPath"], location: Self.at(location, "InputPath"), present: o.contains(key: "InputPath"))
            state.outputPath = parsePathField(o["OutputPath"], location: Self.at(location, "OutputPath"), present: o.contains(key: "OutputPath"))
            if o.contains(key: "ResultPath") {
                state.resultPath = parseResultPath(o["ResultPath"]!, location: Self.at(location, "ResultPath"))
            }
            if let p = o["Parameters"], type != "Map" {
                state.parameters = Template.jsonPathPayload(p, location: Self.at(location, "Parameters"), problems: &problems)
            }
            if let p = o["ResultSelector"] {
                if case .object = p {} else { add(Self.at(location, "ResultSelector"), "must be an object") }
                state.resultSelector = Template.jsonPathPayload(p, location: Self.at(location, "ResultSelector"), problems: &problems)
            }
        } else {
            if let a = o["Arguments"] {
                state.arguments = Template.jsonata(a, field: "Arguments", location: Self.at(location, "Arguments"), problems: &problems)
            }
            if let out = o["Output"] {
                state.output = Template.jsonata(out, field: "Output", location: Self.at(location, "Output"), problems: &problems)
            }
        }
        if let a = o["Assign"] {
            state.assign = parseAssign(a, language: language, location: Self.at(location, "Assign"))
        }
        if let r = o["Retry"] { state.retry = parseRetry(r, location: Self.at(location, "Retry")) }
        if let c = o["Catch"] { state.catchers = parseCatch(c, language: language, location: Self.at(location, "Catch")) }

        switch type {
        case "Pass":
            state.kind = .pass(result: o["Result"])
        case "Task":
            state.kind = .task(parseTask(o, language: language, location: location))
        case "Choice":
            state.kind = parseChoice(o, language: language, location: location)
        case "Wait":
            state.kind = parseWait(o, language: language, location: location)
        case "Succeed":
            state.kind = .succeed
        case "Fail":
            state.kind = parseFail(o, language: language, location: location)
        case "Parallel":
            var branches: [StateMachine] = []
            switch o["Branches"] {
            case .array(let a)? where !a.isEmpty:
                for (i, b) in a.enumerated() {
                    if let m = parseMachine(b, location: Self.at(location, "Branches[\(i)]"), inheritedLanguage: language, role: .branch) {
                        branches.append(m)
                    }
                }
            case nil: add(location, "missing required field \"Branches\"")
            default: add(Self.at(location, "Branches"), "must be a non-empty array of state machines")
            }
            state.kind = .parallel(branches: branches)
        case "Map":
            guard let map = parseMap(o, language: language, location: location) else { return nil }
            state.kind = .map(map)
        default:
            return nil
        }
        return state
    }

    mutating func parsePathField(_ v: JSONValue?, location: String, present: Bool) -> PathField {
        guard present, let v else { return .identity }
        switch v {
        case .null: return .discard
        case .string(let s):
            do {
                let p = try JSONPath(s)
                if p.components.isEmpty, p.root == .input { return .identity }
                return .path(p)
            } catch {
                add(location, error.message)
                return .identity
            }
        default:
            add(location, "must be a JSONPath string or null")
            return .identity
        }
    }

    mutating func parseReferencePath(_ s: String, location: String) -> JSONPath? {
        do {
            let p = try JSONPath(s)
            guard p.isReferencePath else {
                add(location, "'\(s)' is not a Reference Path: it must select a single node of the input, without wildcards, filters, slices or '..'")
                return nil
            }
            return p
        } catch {
            add(location, error.message)
            return nil
        }
    }

    mutating func parseResultPath(_ v: JSONValue, location: String) -> ResultPath {
        switch v {
        case .null: return .discard
        case .string(let s):
            guard let p = parseReferencePath(s, location: location) else { return .replace }
            return p.components.isEmpty ? .replace : .path(p)
        default:
            add(location, "must be a Reference Path string or null")
            return .replace
        }
    }

    static func isValidVariableName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || CharacterSet.letters.contains(f) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) } && s.count <= 80
    }

    mutating func parseAssign(_ v: JSONValue, language: QueryLanguage, location: String) -> Template? {
        guard case .object(let o) = v else {
            add(location, "must be an object of variable names to values")
            return nil
        }
        for k in o.keys {
            let name = language == .jsonPath && k.hasSuffix(".$") ? String(k.dropLast(2)) : k
            if !Self.isValidVariableName(name) {
                add(Self.at(location, k), "\"\(name)\" is not a valid variable name (letters, digits and '_', not starting with a digit)")
            } else if name == "states" {
                add(Self.at(location, k), "\"states\" is a reserved name")
            }
        }
        return language == .jsonPath
            ? Template.jsonPathPayload(v, location: location, problems: &problems)
            : Template.jsonata(v, field: "Assign", location: location, problems: &problems)
    }

    mutating func parseErrorEquals(_ v: JSONValue?, location: String) -> [String] {
        guard case .array(let a)? = v, !a.isEmpty else {
            add(Self.at(location, "ErrorEquals"), v == nil ? "missing required field \"ErrorEquals\"" : "must be a non-empty array of error names")
            return []
        }
        var names: [String] = []
        for (i, e) in a.enumerated() {
            guard case .string(let s) = e else {
                add(Self.at(location, "ErrorEquals[\(i)]"), "must be a string")
                continue
            }
            names.append(s)
        }
        if names.contains(StatesError.Name.all), names.count > 1 {
            add(Self.at(location, "ErrorEquals"), "\"States.ALL\" must appear alone")
        }
        return names
    }

    mutating func parseRetry(_ v: JSONValue, location: String) -> [Retrier] {
        guard case .array(let a) = v else {
            add(location, "must be an array of Retriers")
            return []
        }
        var out: [Retrier] = []
        for (i, r) in a.enumerated() {
            let loc = "\(location)[\(i)]"
            guard case .object(let o) = r else {
                add(loc, "a Retrier must be an object")
                continue
            }
            for k in o.keys where !["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"].contains(k) {
                add(Self.at(loc, k), "field \"\(k)\" is not allowed in a Retrier")
            }
            var retrier = Retrier(errorEquals: parseErrorEquals(o["ErrorEquals"], location: loc))
            if retrier.errorEquals.contains(StatesError.Name.all), i != a.count - 1 {
                add(Self.at(loc, "ErrorEquals"), "a Retrier with \"States.ALL\" must be the last one")
            }
            if let x = o["IntervalSeconds"] {
                if let n = x.intValue, x.isNumber, n >= 1 { retrier.intervalSeconds = Double(n) } else { add(Self.at(loc, "IntervalSeconds"), "must be a positive integer") }
            }
            if let x = o["MaxAttempts"] {
                if let n = x.intValue, x.isNumber, n >= 0 { retrier.maxAttempts = n } else { add(Self.at(loc, "MaxAttempts"), "must be a non-negative integer") }
            }
            if let x = o["BackoffRate"] {
                if let d = x.doubleValue, d >= 1 { retrier.backoffRate = d } else { add(Self.at(loc, "BackoffRate"), "must be a number greater than or equal to 1.0") }
            }
            if let x = o["MaxDelaySeconds"] {
                if let n = x.intValue, x.isNumber, n >= 1 { retrier.maxDelaySeconds = Double(n) } else { add(Self.at(loc, "MaxDelaySeconds"), "must be a positive integer") }
            }
            if let x = o["JitterStrategy"] {
                switch x {
                case "FULL": retrier.jitterFull = true
                case "NONE": retrier.jitterFull = false
                default: add(Self.at(loc, "JitterStrategy"), "must be \"FULL\" or \"NONE\"")
                }
            }
            out.append(retrier)
        }
        return out
    }

    mutating func parseCatch(_ v: JSONValue, language: QueryLanguage, location: String) -> [Catcher] {
        guard case .array(let a) = v else {
            add(location, "must be an array of Catchers")
            return []
        }
        var out: [Catcher] = []
        for (i, c) in a.enumerated() {
            let loc = "\(location)[\(i)]"
            guard case .object(let o) = c else {
                add(loc, "a Catcher must be an object")
                continue
            }
            let allowed: Set<String> = language == .jsonPath ? ["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"] : ["ErrorEquals", "Next", "Output", "Assign", "Comment"]
            for k in o.keys where !allowed.contains(k) {
                add(Self.at(loc, k), "field \"\(k)\" is not allowed in a Catcher using \(language.rawValue)")
            }
            let errors = parseErrorEquals(o["ErrorEquals"], location: loc)
            if errors.contains(StatesError.Name.all), i != a.count - 1 {
                add(Self.at(loc, "ErrorEquals"), "a Catcher with \"States.ALL\" must be the last one")
            }
            var next = ""
            switch o["Next"] {
            case .string(let s)?: next = s
            case nil: add(loc, "missing required field \"Next\"")
            default: add(Self.at(loc, "Next"), "must be a string")
            }
            var catcher = Catcher(errorEquals: errors, next: next)
            if o.contains(key: "ResultPath") { catcher.resultPath = parseResultPath(o["ResultPath"]!, location: Self.at(loc, "ResultPath")) }
            if let x = o["Output"] { catcher.output = Template.jsonata(x, field: "Output", location: Self.at(loc, "Output"), problems: &problems) }
            if let x = o["Assign"] { catcher.assign = parseAssign(x, language: language, location: Self.at(loc, "Assign")) }
            if !next.isEmpty { out.append(catcher) } else if o["Next"] != nil { out.append(catcher) }
        }
        return out
    }

    /// A number field that may instead be given by a `...Path` field (JSONPath) or a `{% %}` expression (JSONata).
    mutating func numberField(_ o: JSONObject, _ field: String, language: QueryLanguage, location: String, minimum: Int,
                              maximum: Double? = nil, integer: Bool = true) -> Template? {
        let pathField = field + "Path"
        if o[field] != nil, o[pathField] != nil, language == .jsonPath {
            add(location, "\"\(field)\" and \"\(pathField)\" cannot both be set")
            return nil
        }
        if let v = o[field] {
            if language == .jsonata, case .string(let s) = v, JSONataExpression.embeddedSource(s) != nil {
                return Template.jsonata(v, field: field, location: Self.at(location, field), problems: &problems)
            }
            guard let d = v.doubleValue, (!integer || v.intValue != nil), d >= Double(minimum), d <= (maximum ?? Double.greatestFiniteMagnitude) else {
                let range = maximum.map { "between \(minimum) and \(JSONValue.format($0))" } ?? "at least \(minimum)"
                add(Self.at(location, field), "must be \(integer ? "an integer" : "a number") \(range)" + (language == .jsonata ? " or a JSONata expression" : ""))
                return nil
            }
            return .literal(v)
        }
        if let v = o[pathField], language == .jsonPath {
            guard case .string(let s) = v, let p = parseReferencePath(s, location: Self.at(location, pathField)) else {
                if v.stringValue == nil { add(Self.at(location, pathField), "must be a Reference Path string") }
                return nil
            }
            return .path(p, field: pathField)
        }
        return nil
    }

    mutating func parseTask(_ o: JSONObject, language: QueryLanguage, location: String) -> TaskFields {
        var resource = ""
        switch o["Resource"] {
        case .string(let s)?:
            resource = s
            if !s.contains(":") { add(Self.at(location, "Resource"), "must be a URI such as an ARN, got \"\(s)\"") }
        case nil: add(location, "missing required field \"Resource\"")
        default: add(Self.at(location, "Resource"), "must be a string")
        }
        let timeout = numberField(o, "TimeoutSeconds", language: language, location: location, minimum: 1, maximum: 99_999_999)
        let heartbeat = numberField(o, "HeartbeatSeconds", language: language, location: location, minimum: 1, maximum: 99_999_999)
        if case .literal(let t)? = timeout, case .literal(let h)? = heartbeat, let ti = t.intValue, let hi = h.intValue, hi >= ti {
            add(Self.at(location, "HeartbeatSeconds"), "must be smaller than TimeoutSeconds")
        }
        return TaskFields(resource: resource, timeoutSeconds: timeout, heartbeatSeconds: heartbeat, credentials: o["Credentials"])
    }

    mutating func parseWait(_ o: JSONObject, language: QueryLanguage, location: String) -> State.Kind {
        let present = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter { o.contains(key: $0) }
        guard present.count == 1 else {
            add(location, present.isEmpty
                ? "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath"
                : "a Wait state takes exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; found \(present.joined(separator: ", "))")
            return .wait(.seconds(.literal(.int(0))))
        }
        let field = present[0]
        let v = o[field]!
        let loc = Self.at(location, field)
        if language == .jsonata, case .string(let s) = v, JSONataExpression.embeddedSource(s) != nil {
            let t = Template.jsonata(v, field: field, location: loc, problems: &problems)
            return .wait(field == "Seconds" ? .seconds(t) : .timestamp(t))
        }
        switch field {
        case "Seconds":
            guard let n = v.intValue, v.isNumber, n >= 0, n <= 99_999_999 else {
                add(loc, "must be a non-negative integer")
                return .wait(.seconds(.literal(.int(0))))
            }
            return .wait(.seconds(.literal(.int(n))))
        case "Timestamp":
            guard case .string(let s) = v, Timestamp.parse(s) != nil else {
                add(loc, "must be an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\"")
                return .wait(.seconds(.literal(.int(0))))
            }
            return .wait(.timestamp(.literal(v)))
        default:
            guard case .string(let s) = v, let p = parseReferencePath(s, location: loc) else {
                if v.stringValue == nil { add(loc, "must be a Reference Path string") }
                return .wait(.seconds(.literal(.int(0))))
            }
            return .wait(field == "SecondsPath" ? .seconds(.path(p, field: field)) : .timestamp(.path(p, field: field)))
        }
    }

    mutating func parseFail(_ o: JSONObject, language: QueryLanguage, location: String) -> State.Kind {
        func part(_ field: String) -> Template? {
            let pathField = field + "Path"
            if o[field] != nil, o[pathField] != nil {
                add(location, "\"\(field)\" and \"\(pathField)\" cannot both be set")
                return nil
            }
            if let v = o[field] {
                guard case .string = v else {
                    add(Self.at(location, field), "must be a string")
                    return nil
                }
                return language == .jsonata ? Template.jsonata(v, field: field, location: Self.at(location, field), problems: &problems) : .literal(v)
            }
            if let v = o[pathField] {
                guard case .string(let s) = v else {
                    add(Self.at(location, pathField), "must be a path or an intrinsic function call")
                    return nil
                }
                return Template.dynamicString(s, field: pathField, location: Self.at(location, pathField), problems: &problems)
            }
            return nil
        }
        return .fail(error: part("Error"), cause: part("Cause"))
    }

    mutating func parseMap(_ o: JSONObject, language: QueryLanguage, location: String) -> MapFields? {
        var processorJSON: JSONValue? = nil
        var processorField = "ItemProcessor"
        switch (o["ItemProcessor"], o["Iterator"]) {
        case (let p?, nil): processorJSON = p
        case (nil, let p?): processorJSON = p; processorField = "Iterator"
        case (_?, _?): add(location, "a Map state takes \"ItemProcessor\" or the legacy \"Iterator\", not both")
        case (nil, nil): add(location, "missing required field \"ItemProcessor\"")
        }
        var processor: StateMachine? = nil
        if let processorJSON {
            processor = parseMachine(processorJSON, location: Self.at(location, processorField), inheritedLanguage: language, role: .processor)
        }
        var itemsPath: JSONPath? = nil
        if let v = o["ItemsPath"] {
            if case .string(let s) = v {
                itemsPath = parseReferencePath(s, location: Self.at(location, "ItemsPath"))
            } else {
                add(Self.at(location, "ItemsPath"), "must be a Reference Path string")
            }
        }
        var items: Template? = nil
        if let v = o["Items"] {
            items = Template.jsonata(v, field: "Items", location: Self.at(location, "Items"), problems: &problems)
            if case .literal(let lit)? = items, lit.arrayValue == nil {
                add(Self.at(location, "Items"), "must be an array or a JSONata expression")
            }
        }
        var selector: Template? = nil
        if o["Parameters"] != nil, o["ItemSelector"] != nil {
            add(location, "a Map state takes \"ItemSelector\" or the legacy \"Parameters\", not both")
        } else if let p = o["ItemSelector"] ?? o["Parameters"] {
            let field = o["ItemSelector"] != nil ? "ItemSelector" : "Parameters"
            selector = language == .jsonPath
                ? Template.jsonPathPayload(p, location: Self.at(location, field), problems: &problems)
                : Template.jsonata(p, field: field, location: Self.at(location, field), problems: &problems)
        }
        let maxConcurrency = numberField(o, "MaxConcurrency", language: language, location: location, minimum: 0)
        let count = numberField(o, "ToleratedFailureCount", language: language, location: location, minimum: 0)
        let percentage = numberField(o, "ToleratedFailurePercentage", language: language, location: location, minimum: 0, maximum: 100, integer: false)
        var reader: ItemReader? = nil
        if let r = o["ItemReader"] { reader = parseItemReader(r, language: language, location: Self.at(location, "ItemReader")) }
        var batcher: ItemBatcher? = nil
        if let b = o["ItemBatcher"] { batcher = parseItemBatcher(b, language: language, location: Self.at(location, "ItemBatcher")) }
        if o["ResultWriter"] != nil {
            add(Self.at(location, "ResultWriter"), "a ResultWriter (writing Map results to S3) is not supported by the local engine; the results are the Map's output")
        }
        var label: String? = nil
        if let l = o["Label"] {
            if case .string(let s) = l { label = s } else { add(Self.at(location, "Label"), "must be a string") }
        }
        guard let processor else { return nil }
        var distributed = false
        if case .object(let p)? = processorJSON, case .object(let cfg)? = p["ProcessorConfig"], cfg["Mode"] == "DISTRIBUTED" {
            distributed = true
        }
        return MapFields(itemsPath: itemsPath, items: items, itemSelector: selector, processor: processor, maxConcurrency: maxConcurrency,
                         toleratedFailureCount: count, toleratedFailurePercentage: percentage, label: label,
                         itemReader: reader, itemBatcher: batcher, distributed: distributed)
    }
}
