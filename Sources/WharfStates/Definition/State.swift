import Foundation

/// One state of a machine, with the fields of its type already compiled.
public struct State: Sendable {
    /// The state's `Type` with the fields that only that type has.
    public enum Kind: Sendable {
        case pass(result: JSONValue?)
        case task(TaskFields)
        case choice(choices: [Choice], defaultNext: String?)
        case wait(WaitDuration)
        case succeed
        case fail(error: Template?, cause: Template?)
        case parallel(branches: [StateMachine])
        case map(MapFields)
    }

    public var name: String
    public var kind: Kind
    public var queryLanguage: QueryLanguage
    public var comment: String?
    /// The next state, nil for a terminal state (End, Succeed, Fail) and Choice.
    public var next: String?

    // JSONPath fields (`nil` path means the field was `null`; the default is `$`).
    public var inputPath: PathField = .identity
    public var outputPath: PathField = .identity
    public var parameters: Template?
    public var resultSelector: Template?
    public var resultPath: ResultPath = .replace

    // JSONata fields.
    public var arguments: Template?
    public var output: Template?

    public var assign: Template?
    public var retry: [Retrier] = []
    public var catchers: [Catcher] = []

    /// Its Type as the definition spells it.
    public var typeName: String {
        switch kind {
        case .pass: return "Pass"
        case .task: return "Task"
        case .choice: return "Choice"
        case .wait: return "Wait"
        case .succeed: return "Succeed"
        case .fail: return "Fail"
        case .parallel: return "Parallel"
        case .map: return "Map"
        }
    }
}

/// An InputPath or OutputPath: `$` by default, `null` for an empty object, or a path.
public enum PathField: Sendable {
    case identity
    case discard
    case path(JSONPath)
}

/// A ResultPath: replace the input by the result, discard the result (`null`) or write it at a reference path.
public enum ResultPath: Sendable {
    case replace
    case discard
    case path(JSONPath)
}

/// A Task state's own fields.
public struct TaskFields: Sendable {
    public var resource: String
    public var timeoutSeconds: Template?
    public var heartbeatSeconds: Template?
    public var credentials: JSONValue?
}

/// How a Wait state decides how long to wait.
public enum WaitDuration: Sendable {
    case seconds(Template)
    case timestamp(Template)
}

/// A Map state's own fields.
public struct MapFields: Sendable {
    public var itemsPath: JSONPath?
    public var items: Template?
    public var itemSelector: Template?
    public var processor: StateMachine
    public var maxConcurrency: Template?
    public var toleratedFailureCount: Template?
    public var toleratedFailurePercentage: Template?
    public var label: String?
    public var itemReader: ItemReader?
    public var itemBatcher: ItemBatcher?
    /// `ProcessorConfig.Mode` is DISTRIBUTED: iterations are child executions that cannot read the outer variables.
    public var distributed: Bool = false
}

/// A distributed Map's ItemReader: a resource the executor reads (e.g. `arn:aws:states:::s3:getObject`)
/// and how to turn what it returns into items.
public struct ItemReader: Sendable {
    /// How the object read is split into items.
    public enum InputType: String, Sendable {
        case json = "JSON"
        case jsonl = "JSONL"
        case csv = "CSV"
        case manifest = "MANIFEST"
    }

    public var resource: String
    public var parameters: Template?
    public var inputType: InputType?
    /// Headers for CSV files whose first row is data (`CSVHeaderLocation: GIVEN`).
    public var csvHeaders: [String]?
    public var csvDelimiter: Character = ","
    public var maxItems: Template?
}

/// A Map's ItemBatcher: iterations get `{"BatchInput": ..., "Items": [...]}` instead of one item.
public struct ItemBatcher: Sendable {
    public var maxItemsPerBatch: Template?
    public var maxInputBytesPerBatch: Template?
    public var batchInput: Template?
}

/// A Retrier of a Task, Parallel or Map state.
public struct Retrier: Sendable {
    public var errorEquals: [String]
    public var intervalSeconds: Double = 1
    public var maxAttempts: Int = 3
    public var backoffRate: Double = 2
    public var maxDelaySeconds: Double?
    public var jitterFull: Bool = false
}

/// A Catcher of a Task, Parallel or Map state.
public struct Catcher: Sendable {
    public var errorEquals: [String]
    public var next: String
    public var resultPath: ResultPath = .replace
    public var output: Template?
    public var assign: Template?
}

/// One entry of a Choice state's `Choices`.
public struct Choice: Sendable {
    public var rule: ChoiceRule
    public var next: String
    public var assign: Template?
    public var output: Template?
}

/// A Boolean expression of a Choice rule.
public indirect enum ChoiceRule: Sendable {
    case and([ChoiceRule])
    case or([ChoiceRule])
    case not(ChoiceRule)
    case comparison(variable: JSONPath, op: ComparisonOperator, operand: ComparisonOperand)
    case condition(Template)
}

/// What a comparison's value is compared with: a literal or a path resolved at run time.
public enum ComparisonOperand: Sendable {
    case literal(JSONValue)
    case path(JSONPath)
}

/// The Choice comparison operators of the spec (the `...Path` forms share the operator with a path operand).
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringLessThan = "StringLessThan"
    case stringGreaterThan = "StringGreaterThan"
    case stringLessThanEquals = "StringLessThanEquals"
    case stringGreaterThanEquals = "StringGreaterThanEquals"
    case stringMatches = "StringMatches"
    case numericEquals = "NumericEquals"
    case numericLessThan = "NumericLessThan"
    case numericGreaterThan = "NumericGreaterThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case booleanEquals = "BooleanEquals"
    case timestampEquals = "TimestampEquals"
    case timestampLessThan = "TimestampLessThan"
    case timestampGreaterThan = "TimestampGreaterThan"
    case timestampLessThanEquals = "TimestampLessThanEquals"
    case timestampGreaterThanEquals = "TimestampGreaterThanEquals"
    case isNull = "IsNull"
    case isPresent = "IsPresent"
    case isNumeric = "IsNumeric"
    case isString = "IsString"
    case isBoolean = "IsBoolean"
    case isTimestamp = "IsTimestamp"

    /// Whether the operator has a `...Path` form.
    var hasPathForm: Bool {
        switch self {
        case .isNull, .isPresent, .isNumeric, .isString, .isBoolean, .isTimestamp, .stringMatches: return false
        default: return true
        }
    }

    /// The JSON type of the literal operand.
    var operandType: String {
        switch self {
        case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals,
             .stringMatches, .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals,
             .timestampGreaterThanEquals:
            return "string"
        case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals:
            return "number"
        default:
            return "boolean"
        }
    }
}
