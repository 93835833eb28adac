import Foundation

/// A compiled field value: a JSON template whose `.$` keys (JSONPath) or `{% %}` strings (JSONata)
/// are evaluated against the state's input, the context object and the variables.
public indirect enum Template: Sendable {
    case literal(JSONValue)
    case path(JSONPath, field: String)
    case intrinsic(IntrinsicCall, field: String)
    case jsonata(JSONataExpression, field: String)
    case object([(String, Template)])
    case array([Template])

    var isLiteral: Bool { if case .literal = self { return true } else { return false } }

    /// Compiles a JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign):
    /// keys ending in `.$` hold paths or intrinsic calls.
    static func jsonPathPayload(_ v: JSONValue, location: String, problems: inout [DefinitionProblem]) -> Template {
        switch v {
        case .object(let o):
            var parts: [(String, Template)] = []
            var allLiteral = true
            for (k, value) in o {
                let loc = "\(location).\(k)"
                if k.hasSuffix(".$") {
                    let key = String(k.dropLast(2))
                    guard case .string(let s) = value else {
                        problems.append(DefinitionProblem(location: loc, message: "the value of a field ending in '.$' must be a string holding a path or an intrinsic function call"))
                        continue
                    }
                    parts.append((key, dynamicString(s, field: k, location: loc, problems: &problems)))
                    allLiteral = false
                } else {
                    let t = jsonPathPayload(value, location: loc, problems: &problems)
                    if !t.isLiteral { allLiteral = false }
                    parts.append((k, t))
                }
            }
            if allLiteral {
                var out = JSONObject()
                for (k, t) in parts { if case .literal(let x) = t { out[k] = x } }
                return .literal(.object(out))
            }
            return .object(parts)
        case .array(let a):
            let items = a.enumerated().map { jsonPathPayload($1, location: "\(location)[\($0)]", problems: &problems) }
            if items.allSatisfy(\.isLiteral) { return .literal(v) }
            return .array(items)
        default:
            return .literal(v)
        }
    }

    /// Compiles the string of a `.$` field or a `*Path` field: a path or an intrinsic call.
    static func dynamicString(_ s: String, field: String, location: String, problems: inout [DefinitionProblem]) -> Template {
        if IntrinsicCall.looksLikeCall(s) {
            do {
                return .intrinsic(try IntrinsicCall(parsing: s), field: field)
            } catch {
                problems.append(DefinitionProblem(location: location, message: error.message))
                return .literal(.null)
            }
        }
        do {
            return .path(try JSONPath(s), field: field)
        } catch {
            problems.append(DefinitionProblem(location: location, message: error.message))
            return .literal(.null)
        }
    }

    /// Compiles a JSONata field value: every string of the form `{% expression %}` is an expression.
    static func jsonata(_ v: JSONValue, field: String, location: String, problems: inout [DefinitionProblem]) -> Template {
        switch v {
        case .string(let s):
            guard let source = JSONataExpression.embeddedSource(s) else { return .literal(v) }
            do {
                return .jsonata(try JSONataExpression(source), field: field)
            } catch {
                problems.append(DefinitionProblem(location: location, message: "invalid JSONata expression: \(error.message)"))
                return .literal(.null)
            }
        case .object(let o):
            var parts: [(String, Template)] = []
            var allLiteral = true
            for (k, value) in o {
                let t = jsonata(value, field: field, location: "\(location).\(k)", problems: &problems)
                if !t.isLiteral { allLiteral = false }
                parts.append((k, t))
            }
            return allLiteral ? .literal(v) : .object(parts)
        case .array(let a):
            let items = a.enumerated().map { jsonata($1, field: field, location: "\(location)[\($0)]", problems: &problems) }
            return items.allSatisfy(\.isLiteral) ? .literal(v) : .array(items)
        default:
            return .literal(v)
        }
    }

    /// Evaluates the template; nil only for a JSONata expression that yields nothing (undefined).
    func evaluate(in scope: PathScope) throws(StatesError) -> JSONValue? {
        switch self {
        case .literal(let v): return v
        case .path(let p, let field): return try scope.require(p, field: field)
        case .intrinsic(let c, let field): return try c.evaluate(in: scope, field: field)
        case .jsonata(let e, let field): return try scope.evaluate(e, field: field)
        case .object(let parts):
            var o = JSONObject()
            for (k, t) in parts {
                if let v = try t.evaluate(in: scope) { o[k] = v }
            }
            return .object(o)
        case .array(let items):
            var a: [JSONValue] = []
            a.reserveCapacity(items.count)
            for t in items { if let v = try t.evaluate(in: scope) { a.append(v) } }
            return .array(a)
        }
    }

    /// Evaluates the template, failing when a JSONata expression yields nothing.
    func value(in scope: PathScope) throws(StatesError) -> JSONValue {
        if let v = try evaluate(in: scope) { return v }
        var field = ""
        if case .jsonata(_, let f) = self { field = f }
        throw StatesError(StatesError.Name.queryEvaluationError,
            "\(scope.errorPrefix) The JSONata expression in the field '\(field)' returned nothing (undefined).")
    }
}
