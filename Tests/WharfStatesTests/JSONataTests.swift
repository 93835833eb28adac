import Foundation
import Testing
@testable import WharfStates

@Suite struct JSONataExpressionTests {
    static let doc = json(#"""
    {"Account": {"Name": "Firefly", "Order": [
      {"OrderID": "o1", "Product": [{"Name": "Hat", "Price": 34.45, "Quantity": 2}, {"Name": "Cloak", "Price": 107.99, "Quantity": 1}]},
      {"OrderID": "o2", "Product": [{"Name": "Hat", "Price": 34.45, "Quantity": 4}]}]},
     "nums": [3, 1, 2], "words": ["b", "a"], "flag": true, "obj": {"x": 1, "y": 2}, "when": "2024-01-02T03:04:05.000Z"}
    """#)

    static let cases: [(String, String)] = [
        // paths, predicates, wildcards
        ("Account.Name", #""Firefly""#),
        ("Account.Order.OrderID", #"["o1","o2"]"#),
        ("Account.Order[0].OrderID", #""o1""#),
        ("Account.Order[-1].OrderID", #""o2""#),
        ("Account.Order.Product.Name", #"["Hat","Cloak","Hat"]"#),
        ("Account.Order.Product[Price > 50].Name", #""Cloak""#),
        ("Account.Order[OrderID = 'o2'].Product.Quantity", "4"),
        ("obj.*", "[1,2]"),
        ("**.OrderID", #"["o1","o2"]"#),
        ("nums", "[3,1,2]"),
        ("nums[1]", "1"),
        ("$.flag", "true"),
        // arithmetic and strings
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 / 4", "2.5"),
        ("7 % 3", "1"),
        ("-nums[0]", "-3"),
        (#""a" & 1 & true"#, #""a1true""#),
        ("$sum(Account.Order.Product.(Price * Quantity))", "314.69"),
        // comparisons and boolean
        ("1 < 2 and 'a' < 'b'", "true"),
        ("1 = 1.0", "true"),
        ("'x' != 'y' or false", "true"),
        ("2 in nums", "true"),
        ("5 in nums", "false"),
        ("flag ? 'yes' : 'no'", #""yes""#),
        ("missing ? 1 : 2", "2"),
        ("missing ?: 'fallback'", #""fallback""#),
        ("missing ?? 'default'", #""default""#),
        // constructors
        ("[1, 2, [3]]", "[1,2,[3]]"),
        ("[1..4]", "[1,2,3,4]"),
        (#"{"n": Account.Name, "count": $count(Account.Order)}"#, #"{"n":"Firefly","count":2}"#),
        ("Account.Order{OrderID: $count(Product)}", #"{"o1":2,"o2":1}"#),
        ("Account.Order.Product^(>Price).Name", #"["Cloak","Hat","Hat"]"#),
        ("(Account.Order.Product.{'n': Name, 'total': Price * Quantity})[1]", #"{"n":"Cloak","total":107.99}"#),
        ("Account.Order[Product[Quantity > 3]].OrderID", #""o2""#),
        ("$count(Account.Order.Product[Name = 'Hat'])", "2"),
        // blocks, variables, lambdas, chaining
        ("($x := 5; $y := $x * 2; $y + 1)", "11"),
        ("$map(nums, function($v) { $v * 10 })", "[30,10,20]"),
        ("$filter(nums, function($v) { $v > 1 })", "[3,2]"),
        ("$reduce(nums, function($a, $b) { $a + $b })", "6"),
        ("nums ~> $sum()", "6"),
        ("($f := function($a, $b) { $a * $b }; $f(3, 4))", "12"),
        // string functions
        (#"$string(obj)"#, #""{\"x\":1,\"y\":2}""#),
        (#"$length("héllo")"#, "5"),
        (#"$substring("abcdef", 1, 3)"#, #""bcd""#),
        (#"$substring("abcdef", -2)"#, #""ef""#),
        (#"$substringBefore("a-b-c", "-")"#, #""a""#),
        (#"$substringAfter("a-b-c", "-")"#, #""b-c""#),
        (#"$uppercase("abc") & $lowercase("DEF")"#, #""ABCdef""#),
        (#"$trim("  a   b  ")"#, #""a b""#),
        (#"$pad("7", -3, "0")"#, #""007""#),
        (#"$contains("hello", "ell")"#, "true"),
        (#"$split("a,b,c", ",")"#, #"["a","b","c"]"#),
        (#"$join(words, "+")"#, #""b+a""#),
        (#"$replace("a.b.c", ".", "/")"#, #""a/b/c""#),
        (#"$base64decode($base64encode("hi there"))"#, #""hi there""#),
        (#"$encodeUrlComponent("a b&c")"#, #""a%20b%26c""#),
        (#"$decodeUrlComponent("a%20b")"#, #""a b""#),
        (#"$formatBase(255, 16)"#, #""ff""#),
        // regular expressions
        (#"$contains("Hello World", /wor/i)"#, "true"),
        (#"$split("a1b22c", /[0-9]+/)"#, #"["a","b","c"]"#),
        (#"$replace("2024-01-02", /(\d+)-(\d+)-(\d+)/, "$3.$2.$1")"#, #""02.01.2024""#),
        (#"$match("ab12cd345", /[0-9]+/).match"#, #"["12","345"]"#),
        (#"$match("key=value", /(\w+)=(\w+)/).groups"#, #"["key","value"]"#),
        // numeric functions
        (#"$number("42")"#, "42"),
        (#"$abs(-3.5)"#, "3.5"),
        (#"$floor(2.7) + $ceil(2.1)"#, "5"),
        (#"$round(2.5) & "," & $round(3.14159, 2)"#, #""2,3.14""#),
        (#"$power(2, 10)"#, "1024"),
        (##"$formatNumber(1234567.891, "#,##0.00")"##, #""1,234,567.89""#),
        (#"$formatNumber(0.256, "0.0%")"#, #""25.6%""#),
        (##"$formatNumber(-3.5, "$#,##0.00")"##, #""-$3.50""#),
        (#"$formatNumber(12, "000")"#, #""012""#),
        (##"$formatNumber(2.5, "#.##")"##, #""2.5""#),
        (#"$formatInteger(2024, "I") & " " & $formatInteger(7, "000")"#, #""MMXXIV 007""#),
        (##"$parseInteger("1,234", "#,##0") + $parseInteger("xiv", "i")"##, "1248"),
        (#"$sqrt(16)"#, "4"),
        // aggregation
        ("$max(nums) - $min(nums)", "2"),
        ("$average(nums)", "2"),
        ("$count(nums)", "3"),
        // boolean functions
        ("$boolean(0) or $boolean('x')", "true"),
        ("$not(flag)", "false"),
        ("$exists(missing)", "false"),
        // array functions
        ("$append(nums, [9])", "[3,1,2,9]"),
        ("$sort(nums)", "[1,2,3]"),
        ("$sort(words)", #"["a","b"]"#),
        ("$sort(nums, function($a, $b) { $a < $b })", "[3,2,1]"),
        ("$reverse(nums)", "[2,1,3]"),
        ("$distinct([1, 1, 2, 'a', 'a'])", #"[1,2,"a"]"#),
        ("$zip([1, 2], ['a', 'b'])", #"[[1,"a"],[2,"b"]]"#),
        ("$count($shuffle(nums))", "3"),
        // object functions
        ("$keys(obj)", #"["x","y"]"#),
        ("$lookup(obj, 'y')", "2"),
        ("$spread(obj)", #"[{"x":1},{"y":2}]"#),
        ("$merge([{'a': 1}, {'b': 2}])", #"{"a":1,"b":2}"#),
        ("$each(obj, function($v, $k) { $k & '=' & $v })", #"["x=1","y=2"]"#),
        ("$sift(obj, function($v) { $v > 1 })", #"{"y":2}"#),
        ("$type(nums) & ',' & $type(obj) & ',' & $type('s') & ',' & $type(1) & ',' & $type(null) & ',' & $type(true)",
         #""array,object,string,number,null,boolean""#),
        // dates
        ("$toMillis(when)", "1704164645000"),
        ("$fromMillis(1704164645000)", #""2024-01-02T03:04:05.000Z""#),
        ("$now()", #""2024-06-01T00:00:00.000Z""#),
        ("$millis()", "1717200000000"),
        // Step Functions additions
        ("$partition([1, 2, 3, 4, 5], 2)", "[[1,2],[3,4],[5]]"),
        ("$range(0, 10, 5)", "[0,5,10]"),
        ("$hash('abc', 'SHA-256')", #""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad""#),
        ("$parse('{\"k\": [1]}').k", "[1]"),
        ("$length($uuid())", "36"),
        ("$random() < 1", "true"),
    ]

    @Test(arguments: cases.indices)
    func expression(_ i: Int) throws {
        let (source, expected) = Self.cases[i]
        let env = JSONataEnvironment(random: SeededRandom(seed: 3), now: Timestamp.parse("2024-06-01T00:00:00Z")!)
        let result = try JSONataExpression(source).evaluate(input: Self.doc, environment: env)
        #expect(result == json(expected), "\(source) gave \(result?.serialized() ?? "undefined")")
    }

    @Test func undefinedResults() throws {
        #expect(try JSONataExpression("missing.path").evaluate(input: Self.doc) == nil)
        #expect(try JSONataExpression("nums[9]").evaluate(input: Self.doc) == nil)
    }

    @Test func errorsAreReported() {
        for bad in ["1 +", "(1", "[1, 2", "{'a' 1}", "'unterminated", "$undefinedFn(1)", "'a' + 1", "1 < 'a'", "$error('custom')", "$match('a', /(/)", "$match('a', 'a')", "$eval('1')"] {
            #expect(throws: JSONataError.self, "\(bad)") { try JSONataExpression(bad).evaluate(input: Self.doc) }
        }
    }
}

@Suite struct JSONataStateTests {
    @Test func argumentsOutputAssignAndStatesVariable() async throws {
        let echo = EchoExecutor()
        let r = try await runMachine(#"""
        {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
          "T": {"Type": "Task", "Resource": "arn:aws:states:::x:y",
                "Arguments": {"sum": "{% $states.input.a + $states.input.b %}", "name": "{% $states.context.State.Name %}", "fixed": "literal"},
                "Assign": {"total": "{% $states.result.sum %}"},
                "Output": {"res": "{% $states.result %}", "in": "{% $states.input.a %}"}, "Next": "U"},
          "U": {"Type": "Pass", "Output": "{% $total * 2 %}", "End": true}}}
        """#, input: ["a": 1, "b": 2], executor: echo)
        #expect(echo.requests.first?.parameters == json(#"{"sum": 3, "name": "T", "fixed": "literal"}"#))
        #expect(r.output == 6)
    }

    @Test func conditionsAndChoiceOutput() async throws {
        let def = #"""
        {"QueryLanguage": "JSONata", "StartAt": "C", "States": {
          "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 10 %}", "Next": "Big", "Output": {"kind": "big"}}], "Default": "Small"},
          "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed", "Output": {"kind": "small"}}}}
        """#
        #expect(try await runMachine(def, input: ["n": 11]).output == json(#"{"kind": "big"}"#))
        #expect(try await runMachine(def, input: ["n": 1]).output == json(#"{"kind": "small"}"#))
    }

    @Test func mapItemsAndItemSelector() async throws {
        let r = try await runMachine(#"""
        {"QueryLanguage": "JSONata", "StartAt": "M", "States": {
          "M": {"Type": "Map", "Items": "{% $states.input.list %}",
                "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}", "i": "{% $states.context.Map.Item.Index %}"},
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input.v * 10 + $states.input.i %}", "End": true}}},
                "End": true}}}
        """#, input: ["list": [1, 2]])
        #expect(r.output == json("[10, 21]"))
    }

    @Test func catchErrorOutputAndWaitSeconds() async throws {
        let clock = VirtualClock()
        let start = clock.now()
        let r = try await runMachine(#"""
        {"QueryLanguage": "JSONata", "StartAt": "W", "States": {
          "W": {"Type": "Wait", "Seconds": "{% $states.input.delay %}", "Next": "T"},
          "T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Output": {"msg": "{% $states.errorOutput.Error %}"}, "Next": "Done"}]},
          "Done": {"Type": "Succeed"}}}
        """#, input: ["delay": 7], clock: clock)
        #expect(r.output == json(#"{"msg": "States.TaskFailed"}"#))
        #expect(clock.now().timeIntervalSince(start) == 7)
    }

    @Test func failErrorAndCauseExpressions() async throws {
        let r = try await runMachine(#"""
        {"QueryLanguage": "JSONata", "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "{% 'E' & $states.input.code %}", "Cause": "plain"}}}
        """#, input: ["code": 5])
        #expect(r.error == "E5")
        #expect(r.cause == "plain")
    }

    @Test func evaluationErrorsAreQueryEvaluationErrors() async throws {
        let r = try await runMachine(#"""
        {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input.s + 1 %}", "End": true}}}
        """#, input: ["s": "text"])
        #expect(r.error == "States.QueryEvaluationError")
        #expect(r.cause?.contains("'P'") == true)
    }

    @Test func perStateQueryLanguage() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Parameters": {"x.$": "$.v"}, "Next": "B"},
          "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.x + 1 %}", "End": true}}}
        """#, input: ["v": 1])
        #expect(r.output == 2)
    }
}
