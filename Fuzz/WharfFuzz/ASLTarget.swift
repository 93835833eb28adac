import WharfStates

/// Amazon States Language definitions: parsing and validation (every state type, Choice rules,
/// paths, templates, JSONata fields, Retry and Catch). A valid definition must survive a round
/// trip through validate.
enum ASLTarget {
    static let target = FuzzTarget(name: "asl", summary: "WharfStates StateMachine(parsing:) and validate") { buffer in
        let text = String(decoding: buffer, as: UTF8.self)
        let problems = StateMachine.validate(text)
        let machine = try? StateMachine(parsing: text)
        precondition((machine != nil) == problems.isEmpty, "validate and StateMachine(parsing:) disagree: \(problems)")
    }
}
