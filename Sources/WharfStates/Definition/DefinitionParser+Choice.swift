import Foundation

extension DefinitionParser {
    mutating func parseChoice(_ o: JSONObject, language: QueryLanguage, location: String) -> State.Kind {
        var choices: [Choice] = []
        switch o["Choices"] {
        case .array(let a)? where !a.isEmpty:
            for (i, c) in a.enumerated() {
                let loc = Self.at(location, "Choices[\(i)]")
                guard case .object(let co) = c else {
                    add(loc, "a Choice Rule must be an object")
                    continue
                }
                var next = ""
                switch co["Next"] {
                case .string(let s)?: next = s
                case nil: add(loc, "missing required field \"Next\"")
                default: add(Self.at(loc, "Next"), "must be a string")
                }
                var choice = Choice(rule: .and([]), next: next)
                if let a = co["Assign"] { choice.assign = parseAssign(a, language: language, location: Self.at(loc, "Assign")) }
                if language == .jsonata {
                    for k in co.keys where !["Condition", "Next", "Assign", "Output", "Comment"].contains(k) {
                        add(Self.at(loc, k), "field \"\(k)\" is not allowed in a Choice Rule using JSONata")
                    }
                    if let out = co["Output"] { choice.output = Template.jsonata(out, field: "Output", location: Self.at(loc, "Output"), problems: &problems) }
                    switch co["Condition"] {
                    case .string(let s)? where JSONataExpression.embeddedSource(s) != nil:
                        choice.rule = .condition(Template.jsonata(.string(s), field: "Condition", location: Self.at(loc, "Condition"), problems: &problems))
                    case .bool(let b)?:
                        choice.rule = .condition(.literal(.bool(b)))
                    case nil:
                        add(loc, "missing required field \"Condition\"")
                    default:
                        add(Self.at(loc, "Condition"), "must be a JSONata expression '{% ... %}' or a boolean")
                    }
                } else {
                    var rest = co
                    rest["Next"] = nil
                    rest["Assign"] = nil
                    if let rule = parseRule(rest, location: loc) { choice.rule = rule }
                }
                choices.append(choice)
            }
        case nil: add(location, "missing required field \"Choices\"")
        default: add(Self.at(location, "Choices"), "must be a non-empty array of Choice Rules")
        }
        var def: String? = nil
        if let d = o["Default"] {
            if case .string(let s) = d { def = s } else { add(Self.at(location, "Default"), "must be a string") }
        }
        return .choice(choices: choices, defaultNext: def)
    }

    mutating func parseRule(_ o: JSONObject, location: String) -> ChoiceRule? {
        if o["Next"] != nil {
            add(Self.at(location, "Next"), "\"Next\" is only allowed in a top-level Choice Rule")
        }
        let combinators = ["And", "Or", "Not"].filter { o.contains(key: $0) }
        if !combinators.isEmpty {
            if combinators.count > 1 || o.keys.contains(where: { !["And", "Or", "Not", "Comment", "Next"].contains($0) }) {
                add(location, "a Choice Rule with \(combinators[0]) cannot have other operators or a Variable")
            }
            let op = combinators[0]
            let loc = Self.at(location, op)
            if op == "Not" {
                guard case .object(let inner)? = o["Not"] else {
                    add(loc, "must be a Choice Rule object")
                    return nil
                }
                return parseRule(inner, location: loc).map { .not($0) }
            }
            guard case .array(let a)? = o[op], !a.isEmpty else {
                add(loc, "must be a non-empty array of Choice Rules")
                return nil
            }
            var rules: [ChoiceRule] = []
            for (i, r) in a.enumerated() {
                guard case .object(let inner) = r else {
                    add("\(loc)[\(i)]", "a Choice Rule must be an object")
                    continue
                }
                if let rule = parseRule(inner, location: "\(loc)[\(i)]") { rules.append(rule) }
            }
            return op == "And" ? .and(rules) : .or(rules)
        }
        var variable: JSONPath? = nil
        switch o["Variable"] {
        case .string(let s)?:
            do {
                variable = try JSONPath(s)
            } catch {
                add(Self.at(location, "Variable"), error.message)
            }
        case nil: add(location, "missing required field \"Variable\"")
        default: add(Self.at(location, "Variable"), "must be a path string")
        }
        var found: [(ComparisonOperator, Bool, JSONValue)] = []
        for (k, v) in o where k != "Variable" && k != "Comment" {
            if let op = ComparisonOperator(rawValue: k) {
                found.append((op, false, v))
            } else if k.hasSuffix("Path"), let op = ComparisonOperator(rawValue: String(k.dropLast(4))), op.hasPathForm {
                found.append((op, true, v))
            } else {
                add(Self.at(location, k), "unknown comparison operator \"\(k)\"")
            }
        }
        guard found.count == 1 else {
            if found.isEmpty {
                add(location, "a Choice Rule needs a comparison operator (e.g. StringEquals, NumericGreaterThan, IsPresent)")
            } else {
                add(location, "a Choice Rule takes exactly one comparison operator, found \(found.map { $0.0.rawValue + ($0.1 ? "Path" : "") }.joined(separator: ", "))")
            }
            return nil
        }
        let (op, isPath, value) = found[0]
        let field = op.rawValue + (isPath ? "Path" : "")
        let loc = Self.at(location, field)
        let operand: ComparisonOperand
        if isPath {
            guard case .string(let s) = value else {
                add(loc, "must be a path string")
                return nil
            }
            do {
                operand = .path(try JSONPath(s))
            } catch {
                add(loc, error.message)
                return nil
            }
        } else {
            let ok: Bool
            switch op.operandType {
            case "string": ok = value.stringValue != nil
            case "number": ok = value.isNumber
            default: ok = value.boolValue != nil
            }
            if !ok {
                add(loc, "must be a \(op.operandType), got \(value.typeName)")
                return nil
            }
            if op.rawValue.hasPrefix("Timestamp"), let s = value.stringValue, Timestamp.parse(s) == nil {
                add(loc, "\"\(s)\" is not an RFC 3339 timestamp")
                return nil
            }
            operand = .literal(value)
        }
        guard let variable else { return nil }
        return .comparison(variable: variable, op: op, operand: operand)
    }
}
