import Foundation
import Testing
@testable import WharfStates

/// Random definitions and inputs fed to the parser and the engine: errors are fine, crashes and hangs are not.
@Suite struct FuzzTests {
    struct Gen {
        var rng: SplitMix64
        mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }

        mutating func value(_ depth: Int = 0) -> JSONValue {
            switch int(depth > 2 ? 5 : 8) {
            case 0: return .null
            case 1: return .bool(int(2) == 0)
            case 2: return .int(int(200) - 100)
            case 3: return .double(Double(int(1000)) / 7)
            case 4: return .string(pick(["", "a", "b", "2024-01-01T00:00:00Z", "{}", "[1]", "x,y", "ü"]))
            case 5, 6: return .array((0..<int(4)).map { _ in value(depth + 1) })
            default:
                var o = JSONObject()
                for _ in 0..<int(4) { o[pick(["a", "b", "c", "items", "n"])] = value(depth + 1) }
                return .object(o)
            }
        }

        mutating func path() -> String {
            int(10) == 0 ? pick(["$.", "$[", "bad"])
                : pick(["$", "$.a", "$.b.c", "$.items", "$.items[0]", "$.items[*]", "$..n", "$$.State.Name", "$$.Map.Item.Value", "$.a[?(@.n > 1)]", "$[1:]", "$x"])
        }

        mutating func intrinsic() -> String {
            pick(["States.Format('{} {}', $.a, $.b)", "States.Array($.a, 1)", "States.ArrayLength($.items)", "States.MathAdd($.n, 1)",
                  "States.StringToJson($.a)", "States.JsonToString($)", "States.ArrayGetItem($.items, 2)", "States.Hash($.a, 'MD5')",
                  "States.ArrayRange($.n, 5, 1)", "States.Base64Decode($.a)", "States.UUID()", "States.ArrayPartition($.items, $.n)",
                  "States.Format(", "States.Nope()", "States.MathRandom($.n, 3)", "States.StringSplit($.a, ',')"])
        }

        mutating func jsonata() -> String {
            pick(["{% $states.input.a %}", "{% $states.input.n + 1 %}", "{% $count($states.input.items) %}", "{% [1..3] %}",
                  "{% $states.input.items[0] %}", "{% $sum($states.input.items) %}", "{% $x := 1 %}", "{% ( %}", "{% $string($states.input) %}",
                  "{% $states.input.a & 'x' %}", "{% $undefined %}", "{% $map($states.input.items, function($v) { $v }) %}", "plain"])
        }

        mutating func template() -> JSONValue {
            var o = JSONObject()
            for i in 0..<int(3) {
                if int(2) == 0 { o["k\(i).$"] = .string(int(3) == 0 ? intrinsic() : path()) } else { o["k\(i)"] = value(1) }
            }
            return .object(o)
        }

        mutating func rule(_ depth: Int = 0) -> JSONValue {
            if depth < 2, int(4) == 0 {
                let op = pick(["And", "Or", "Not"])
                if op == "Not" { return .object(JSONObject([("Not", rule(depth + 1))])) }
                return .object(JSONObject([(op, .array([rule(depth + 1), rule(depth + 1)]))]))
            }
            let ops = ComparisonOperator.allCases.map(\.rawValue) + ["StringEqualsPath", "NumericLessThanPath", "Bogus"]
            let op = pick(ops)
            let operand: JSONValue
            if op.hasSuffix("Path") { operand = .string(path()) } else if op.hasPrefix("Is") { operand = .bool(int(2) == 0) } else { operand = value(2) }
            return .object(JSONObject([("Variable", .string(path())), (op, operand)]))
        }

        /// A machine whose transitions only go forward, so every run ends.
        mutating func machine(_ depth: Int = 0, jsonata: Bool = false) -> JSONValue {
            let count = 1 + int(5)
            let names = (0..<count).map { "S\($0)" }
            var states = JSONObject()
            for (i, name) in names.enumerated() {
                let later = Array(names[(i + 1)...])
                var s = JSONObject()
                let types = depth < 2 ? ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"] : ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail"]
                let type = pick(types)
                s["Type"] = .string(type)
                func nextOrEnd(_ s: inout JSONObject, _ g: inout Gen) {
                    if later.isEmpty || g.int(12) == 0 { s["End"] = true } else { s["Next"] = .string(g.int(3) == 0 ? g.pick(later) : later[0]) }
                }
                switch type {
                case "Pass":
                    if jsonata { s["Output"] = .string(self.jsonata()) } else {
                        if int(2) == 0 { s["Parameters"] = template() }
                        if int(3) == 0 { s["Result"] = value(1) }
                        if int(3) == 0 { s["ResultPath"] = .string(pick(["$.r", "$", "$.a.b"])) }
                        if int(4) == 0 { s["InputPath"] = .string(path()) }
                        if int(4) == 0 { s["Assign"] = ["x.$": .string(path())] }
                    }
                    nextOrEnd(&s, &self)
                case "Task":
                    s["Resource"] = .string(pick(["arn:aws:states:::lambda:invoke", "arn:aws:lambda:us-east-1:1:function:f", "arn:aws:states:::sqs:sendMessage.waitForTaskToken"]))
                    if jsonata { s["Arguments"] = .string(self.jsonata()) } else if int(2) == 0 { s["Parameters"] = template() }
                    if int(2) == 0 { s["Retry"] = [["ErrorEquals": [.string(pick(["States.ALL", "Boom", "States.TaskFailed"]))], "MaxAttempts": .int(int(3)), "IntervalSeconds": 1]] }
                    if !later.isEmpty, int(2) == 0 { s["Catch"] = [["ErrorEquals": ["States.ALL"], "Next": .string(pick(later))]] }
                    if int(3) == 0 { s["TimeoutSeconds"] = .int(1 + int(5)) }
                    nextOrEnd(&s, &self)
                case "Choice":
                    if later.isEmpty { s["Type"] = "Succeed"; break }
                    if jsonata {
                        s["Choices"] = [["Condition": .string(self.jsonata()), "Next": .string(pick(later))]]
                    } else {
                        var r = rule().objectValue ?? JSONObject()
                        r["Next"] = .string(pick(later))
                        s["Choices"] = [.object(r)]
                    }
                    if int(2) == 0 { s["Default"] = .string(pick(later)) }
                case "Wait":
                    if int(2) == 0 { s["Seconds"] = .int(int(100)) } else { s["SecondsPath"] = .string(path()) }
                    nextOrEnd(&s, &self)
                case "Fail":
                    if int(2) == 0 { s["Error"] = "E" } else if !jsonata { s["ErrorPath"] = .string(path()) }
                case "Parallel":
                    s["Branches"] = .array((0..<(1 + int(2))).map { _ in machine(depth + 1, jsonata: jsonata) })
                    nextOrEnd(&s, &self)
                case "Map":
                    s["ItemProcessor"] = machine(depth + 1, jsonata: jsonata)
                    if !jsonata, int(2) == 0 { s["ItemsPath"] = .string(pick(["$.items", "$", "$.a"])) }
                    if int(2) == 0 { s["MaxConcurrency"] = .int(int(3)) }
                    nextOrEnd(&s, &self)
                default: break
                }
                states[name] = .object(s)
            }
            var m = JSONObject()
            if jsonata, depth == 0 { m["QueryLanguage"] = "JSONata" }
            m["StartAt"] = "S0"
            m["States"] = .object(states)
            return .object(m)
        }
    }

    struct RandomExecutor: TaskExecutor {
        let seed: UInt64
        func execute(_ request: TaskRequest) async throws -> TaskOutput {
            var g = SplitMix64(seed: seed &+ UInt64(request.retryCount) &+ UInt64(request.stateName.utf8.count))
            switch g.next() % 3 {
            case 0: throw StatesError("Boom", "random failure")
            case 1: return .functionResult(request.parameters)
            default: return .serviceResponse(["items": [1, 2, 3], "n": 2])
            }
        }
    }

    @Test func randomDefinitionsAndInputsNeverCrashTheEngine() async throws {
        var g = Gen(rng: SplitMix64(seed: 2024))
        var ran = 0
        var rejected = 0
        for i in 0..<300 {
            let def = g.machine(jsonata: i % 3 == 0)
            let input = g.value()
            do {
                let machine = try StateMachine(json: def)
                let options = ExecutionOptions(executor: RandomExecutor(seed: UInt64(i)), clock: VirtualClock(), random: SeededRandom(seed: UInt64(i)))
                let result = await Interpreter(machine: machine, options: options).run(input: input)
                #expect(result.status == .succeeded ? result.output != nil : result.error != nil)
                #expect(result.history.first?.type == "ExecutionStarted")
                ran += 1
            } catch {
                #expect(!error.problems.isEmpty)
                rejected += 1
            }
        }
        #expect(ran > 70)
        #expect(rejected > 10)
    }

    @Test func mutatedDefinitionTextIsRejectedOrRuns() async throws {
        var g = Gen(rng: SplitMix64(seed: 7))
        let base = Array(SconesWorkflowTests.definition.utf8)
        let alphabet = Array("{}[]\":,.$*?@'0123456789abcdefStatesNextEndType \\".utf8)
        for _ in 0..<300 {
            var bytes = base
            for _ in 0..<(1 + g.int(4)) {
                let at = g.int(bytes.count)
                switch g.int(3) {
                case 0: bytes[at] = g.pick(alphabet)
                case 1: bytes.remove(at: at)
                default: bytes.insert(g.pick(alphabet), at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let problems = StateMachine.validate(text)
            if problems.isEmpty {
                let machine = try StateMachine(parsing: text)
                let result = await Interpreter(machine: machine, options: ExecutionOptions(executor: RandomExecutor(seed: 1), clock: VirtualClock())).run(input: ["s3_key": "k"])
                // A run the engine finished ends with its terminal event and carries what that status promises.
                let last = result.history.last?.type
                switch result.status {
                case .succeeded:
                    #expect(result.output != nil)
                    #expect(last == "ExecutionSucceeded")
                case .failed:
                    #expect(last == "ExecutionFailed")
                case .timedOut:
                    #expect(last == "ExecutionTimedOut")
                case .aborted:
                    Issue.record("the engine itself never aborts a run (only StopExecution does)")
                }
            } else {
                #expect(problems.allSatisfy { !$0.message.isEmpty })
            }
        }
    }

    @Test func randomExpressionTextNeverCrashesTheParsers() throws {
        var g = Gen(rng: SplitMix64(seed: 99))
        let pieces = ["$", "$$", ".", "..", "[", "]", "(", ")", "{", "}", "'a'", "\"b\"", "1", "-2.5", "*", "**", "?", ":", "&&", "||", "@",
                      "a", "States.Format", "States.Array", ",", " ", "+", "=", "<", "function($x){$x}", "$sum", ":=", ";", "~>", "^(", "#", "%", "in", "and"]
        let input = json(#"{"a": {"b": [1, 2, {"c": "x"}]}, "n": 3}"#)
        for _ in 0..<2000 {
            let text = (0..<(1 + g.int(8))).map { _ in g.pick(pieces) }.joined()
            if let p = try? JSONPath(text) { _ = p.evaluate(input) }
            _ = try? IntrinsicCall(parsing: text)
            if let e = try? JSONataExpression(text) { _ = try? e.evaluate(input: input) }
            _ = try? JSONValue(parsing: text)
        }
        let deep = String(repeating: "(", count: 5000)
        #expect(throws: JSONataError.self) { try JSONataExpression(deep) }
        let recursive = "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))"
        #expect(throws: JSONataError.self) { try JSONataExpression(recursive).evaluate(input: input) }
        #expect(try JSONataExpression("$x := [1..3]").evaluate(input: input) == json("[1,2,3]"))
    }
}
