import Foundation

/// What a path or intrinsic call can see: the effective input (`$`), the context object (`$$`),
/// the variables in scope (`$name`) and the source of randomness.
struct PathScope: Sendable {
    var input: JSONValue
    var context: JSONValue
    var variables: Variables
    var random: any RandomSource
    var stateName: String
    var now: Date
    /// The id of the state's StateEntered event (0 when no history is recorded), quoted in error causes.
    var enteredEventId: Int = 0

    /// How AWS begins the cause of an error raised while processing a state.
    var errorPrefix: String {
        enteredEventId > 0
            ? "An error occurred while executing the state '\(stateName)' (entered at the event id #\(enteredEventId))."
            : "An error occurred while executing the state '\(stateName)'."
    }

    /// `$states.result` and `$states.errorOutput` for JSONata, when the state has them.
    var result: JSONValue? = nil
    var errorOutput: JSONValue? = nil

    /// Evaluates a JSONata expression with `$states` and the variables bound.
    func evaluate(_ e: JSONataExpression, field: String) throws(StatesError) -> JSONValue? {
        var states = JSONObject()
        states["input"] = input
        states["context"] = context
        if let result { states["result"] = result }
        if let errorOutput { states["errorOutput"] = errorOutput }
        var bindings = variables.values
        bindings["states"] = .object(states)
        let env = JSONataEnvironment(random: random, now: now)
        do {
            return try e.evaluate(input: input, bindings: bindings, environment: env)
        } catch {
            throw StatesError(StatesError.Name.queryEvaluationError,
                "\(errorPrefix) The JSONata expression '\(e.source)' specified for the field '\(field)' threw an error: \(error.message)")
        }
    }

    func resolve(_ path: JSONPath) -> JSONValue? {
        switch path.root {
        case .input: return path.evaluate(input)
        case .context: return path.evaluate(context)
        case .variable(let name):
            guard let v = variables[name] else { return nil }
            return path.evaluate(v)
        }
    }

    /// Resolves a path, failing with AWS's States.Runtime wording when nothing matches.
    func require(_ path: JSONPath, field: String) throws(StatesError) -> JSONValue {
        if let v = resolve(path) { return v }
        switch path.root {
        case .variable(let name) where variables[name] == nil:
            throw StatesError(StatesError.Name.runtime,
                "\(errorPrefix) Invalid path '\(path.text)' : The variable '\(name)' is not defined.")
        case .context:
            throw StatesError(StatesError.Name.runtime,
                "\(errorPrefix) The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the context object '\(context.serialized())'")
        default:
            let base: JSONValue
            if case .variable(let name) = path.root { base = variables[name] ?? .null } else { base = input }
            throw StatesError(StatesError.Name.runtime,
                "\(errorPrefix) The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the input '\(base.serialized())'")
        }
    }
}

/// Variables visible to a state: its own scope's assignments over those of the enclosing scopes.
public struct Variables: Sendable, Equatable {
    public private(set) var values: [String: JSONValue]

    public init(_ values: [String: JSONValue] = [:]) { self.values = values }

    public subscript(name: String) -> JSONValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// The variables as a JSON object, keys sorted (for history events and `--json`).
    public var json: JSONValue {
        var o = JSONObject()
        for k in values.keys.sorted() { o[k] = values[k] }
        return .object(o)
    }
}
