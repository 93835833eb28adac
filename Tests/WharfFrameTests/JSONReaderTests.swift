import Foundation
import Testing
@testable import WharfFrame

@Suite struct JSONReaderTests {
    static let transcriptSample = """
    {"person": "p1", "event": "offer received", "value": {"offer id": "o1"}, "time": 0}
    {"person": "p2", "event": "transaction", "value": {"amount": 12.5}, "time": 6}
    {"person": "p1", "event": "offer completed", "value": {"offer_id": "o1", "reward": 2}, "time": 12}
    """

    @Test func nestedValueFlattensWithMissingKeysAsNull() throws {
        let f = try JSONReader.read(string: Self.transcriptSample)
        #expect(f.columnNames == ["person", "event", "value.offer id", "time", "value.amount", "value.offer_id", "value.reward"])
        #expect(f["value.offer id"][0] == .string("o1"))
        #expect(f["value.offer id"][1] == .null)
        #expect(f["value.amount"][1] == .double(12.5))
        #expect(f["value.amount"][0] == .null)
        #expect(f["value.reward"].type == .int64)
        #expect(f["time"][2] == .int(12))
    }

    @Test func nestedValueKeptAsJSON() throws {
        var o = JSONReader.Options()
        o.nested = .keepJSON
        let f = try JSONReader.read(string: Self.transcriptSample, options: o)
        #expect(f["value"].type == .json)
        #expect(f["value"][1] == .string("{\"amount\":12.5}"))
    }

    @Test func listColumnsAndExplode() throws {
        let f = try JSONReader.read(string: """
        [{"id": "a", "channels": ["email", "web"], "n": 1},
         {"id": "b", "channels": [], "n": 2},
         {"id": "c", "channels": ["mobile"], "n": null}]
        """)
        #expect(f["channels"].type == .list)
        #expect(f["channels"][0] == .list(["email", "web"]))
        let e = try f.explode("channels")
        #expect(e.rowCount == 4)
        #expect(e["id"].strings() == ["a", "a", "b", "c"])
        #expect(e["channels"].strings() == ["email", "web", nil, "mobile"])
        #expect(e["n"][3] == .null)
    }

    @Test func malformedJSONNamesLine() throws {
        let e = #expect(throws: FrameError.self) { try JSONReader.read(string: "{\"a\": 1}\n{\"a\": }\n") }
        #expect(e?.code == .badJSON)
        #expect(e?.line == 2)
        let colon = #expect(throws: FrameError.self) { try JSONReader.read(string: "{\"a\": 1}\n{\"v\": {\"b\" 1}}\n") }
        #expect(colon?.message == "line 2, column 12: expected ':' after key \"b\"")
        let unclosed = #expect(throws: FrameError.self) { try JSONReader.read(string: "{\"a\": {\"b\": 1}\n") }
        #expect(unclosed?.message == "line 1, column 15: unexpected end of input inside an object")
        let line = #expect(throws: FrameError.self) { try JSONReader.read(string: "{\"a\": 1}\n[1]\n") }
        #expect(line?.message == "line 2, column 1: expected a JSON object")
        let notObject = #expect(throws: FrameError.self) { try JSONReader.read(string: "[1, 2]") }
        #expect(notObject?.code == .badJSON)
        #expect((#expect(throws: FrameError.self) { try JSONReader.read(string: "  \n") })?.code == .emptyFile)
    }

    @Test func unicodeEscapesAndDates() throws {
        let f = try JSONReader.read(string: #"{"s": "caf\u00e9 \ud83d\ude00 \"q\"", "d": "2020-04-30 14:32:19"}"#)
        #expect(f["s"][0] == .string("café 😀 \"q\""))
        #expect(f["d"].type == .timestamp)
    }

    @Test func linesReadInPartsMatchOneSerialReader() throws {
        // Several megabytes, so the lines are cut into parts read on different cores; the same records as one JSON
        // array go through the serial reader. Keys first seen late, a key that turns from int to double, a key
        // null until late, nested keys that differ by event, a key that is sometimes an object.
        var lines: [String] = []
        for i in 0..<60_000 {
            var fields = ["\"person\": \"p\(i % 977)\"", "\"time\": \(i)"]
            switch i % 3 {
            case 0: fields.append("\"value\": {\"offer id\": \"o\(i % 10)\"}")
            case 1: fields.append("\"value\": {\"amount\": \(Double(i % 500) / 4)}")
            default: fields.append("\"value\": {\"offer_id\": \"o\(i % 10)\", \"reward\": \(i % 5)}")
            }
            fields.append("\"n\": " + (i < 50_000 ? "\(i)" : "\(Double(i) + 0.5)"))
            fields.append("\"late\": " + (i < 55_000 ? "null" : "\"x\(i)\""))
            if i >= 58_000 { fields.append("\"added\": true") }
            fields.append("\"mixed\": " + (i % 20_000 == 7 ? "{\"a\": 1}" : "\(i % 3)"))
            fields.append("\"day\": \"2020-01-\(10 + i % 20)\"")
            lines.append("{" + fields.joined(separator: ", ") + "}")
        }
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 4 << 20)
        for nested in [JSONReader.Nested.flatten(separator: "."), .keepJSON] {
            var o = JSONReader.Options()
            o.nested = nested
            let parallel = try JSONReader.read(string: text, options: o)
            let serial = try JSONReader.read(string: "[" + lines.joined(separator: ",\n") + "]", options: o)
            #expect(parallel.columnNames == serial.columnNames)
            #expect(parallel.rowCount == 60_000)
            for name in serial.columnNames {
                #expect(parallel[name].type == serial[name].type, "\(name)")
                #expect(parallel[name].values == serial[name].values, "\(name)")
            }
        }
        let flat = try JSONReader.read(string: text)
        #expect(flat["n"].type == .double && flat["n"][3] == .double(3))
        #expect(flat["late"][54_999] == .null && flat["late"][55_000] == .string("x55000"))
        #expect(flat.columnNames.last == "added" && flat["added"].nullCount == 58_000)
        #expect(flat["value.reward"][2] == .int(2) && flat["value.reward"][3] == .null)
        #expect(flat["day"].type == .date)
        // A malformed record deep in a later part is reported at its line in the whole file.
        var broken = lines
        broken[52_345] = "{\"person\": }"
        let e = #expect(throws: FrameError.self) { try JSONReader.read(string: broken.joined(separator: "\n")) }
        #expect(e?.line == 52_346)
        #expect(e?.message.hasPrefix("line 52346, column 12:") == true)
    }

    @Test func starbucksAndGroceriesFiles() throws { try Self.check(TestData.current) }
    @Test func generatedStarbucksAndGroceriesFiles() throws { try Self.check(TestData.generate()) }

    static func check(_ data: TestData) throws {
        let profile = try JSONReader.read(path: data.path("starbucks/profile.json"))
        #expect(profile.rowCount == data.profiles)
        let unknownAge = try profile.filter(col("age") == 118)
        #expect(unknownAge.rowCount == data.unknownAge)
        #expect(unknownAge["income"].nullCount == data.unknownAge)
        #expect(unknownAge["gender"].nullCount == data.unknownAge)
        #expect(profile["income"].nullCount == data.unknownAge)
        let since = try profile["became_member_on"].cast(to: .date)
        #expect(since.nullCount == 0)
        #expect(since[1].description.hasPrefix("2017-07-1"))

        let transcript = try JSONReader.read(path: data.path("starbucks/transcript_PARTIAL_first25693.json"))
        #expect(transcript.rowCount == data.transcriptEvents)
        let events = try transcript.valueCounts("event")
        #expect(Set(events["event"].strings().compactMap { $0 }) == ["offer received", "offer viewed", "offer completed", "transaction"])
        let transactions = try transcript.filter(col("event") == "transaction")
        #expect(transactions["value.amount"].nullCount == 0)
        #expect(transactions["value.offer id"].nullCount == transactions.rowCount)
        let completed = try transcript.filter(col("event") == "offer completed")
        #expect(completed["value.offer_id"].nullCount == 0)
        #expect(completed["value.reward"].nullCount == 0)
        #expect(try transcript["time"].doubles().max() == data.maxHour)

        let portfolio = try JSONReader.read(path: data.path("starbucks/portfolio.json"))
        #expect(portfolio.rowCount == 10)
        let channels = try portfolio.explode("channels")
        #expect(Set(channels["channels"].strings().compactMap { $0 }) == ["email", "mobile", "social", "web"])
        #expect(try portfolio.valueCounts("offer_type").rowCount == 3)

        let o = try JSONReader.read(path: data.path("groceries/orders.jsonl"))
        #expect(o.rowCount == data.orders)
        #expect(o["ordered_items"].type == .list)
        #expect(o["created_at"].type == .timestamp)
        #expect(try o.explode("ordered_items").rowCount > o.rowCount)
        let counts: [(String, Int)] = [("users", data.users), ("regulars", data.regulars), ("abandoned_carts", data.carts), ("inventory", data.inventory)]
        for (name, n) in counts {
            let f = try JSONReader.read(path: data.path("groceries/\(name).jsonl"))
            #expect(f.rowCount == n, "\(name)")
        }
        let inventory = try JSONReader.read(path: data.path("groceries/inventory.jsonl"))
        #expect(inventory["tags"].type == .list)
        #expect(inventory["price"].type == .double)
        let users = try JSONReader.read(path: data.path("groceries/users.jsonl"))
        #expect(users["first_ordered_at"].type == .timestamp)
        #expect(users["count_pets"].nullCount > 0)
    }
}
