import Foundation

/// Which query language a state's fields are written in.
public enum QueryLanguage: String, Sendable, Hashable {
    case jsonPath = "JSONPath"
    case jsonata = "JSONata"
}

/// A parsed and validated Amazon States Language definition (also the body of a Parallel branch or a Map's ItemProcessor).
public struct StateMachine: Sendable {
    public var comment: String?
    public var startAt: String
    public var states: [String: State]
    /// State names in the order the definition lists them.
    public var stateNames: [String]
    public var timeoutSeconds: Int?
    public var queryLanguage: QueryLanguage
    public var version: String?

    /// Parses and validates a definition, throwing every problem found.
    public init(parsing text: String) throws(DefinitionError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            throw DefinitionError(problems: [DefinitionProblem(location: "", message: error.description)])
        }
        try self.init(json: json)
    }

    /// Parses and validates a definition given as JSON, throwing every problem found.
    public init(json: JSONValue) throws(DefinitionError) {
        var parser = DefinitionParser()
        let machine = parser.parseMachine(json, location: "", inheritedLanguage: .jsonPath, topLevel: true)
        if !parser.problems.isEmpty || machine == nil {
            throw DefinitionError(problems: parser.problems)
        }
        self = machine!
    }

    /// Every problem of a definition; empty when it is valid.
    public static func validate(_ text: String) -> [DefinitionProblem] {
        do {
            _ = try StateMachine(parsing: text)
            return []
        } catch {
            return error.problems
        }
    }

    init(comment: String?, startAt: String, states: [String: State], stateNames: [String], timeoutSeconds: Int?,
         queryLanguage: QueryLanguage, version: String?) {
        self.comment = comment
        self.startAt = startAt
        self.states = states
        self.stateNames = stateNames
        self.timeoutSeconds = timeoutSeconds
        self.queryLanguage = queryLanguage
        self.version = version
    }
}

/// One problem in a definition, located by a dotted path such as `States.Choose.Choices[2].Next`.
public struct DefinitionProblem: Sendable, Hashable, CustomStringConvertible {
    public var location: String
    public var message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}

/// An invalid definition, with all of its problems.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public var problems: [DefinitionProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
